"""Filing, following and working requests through the pages (Flask test client)."""
import re

from app.extensions import db
from app.models import Case
from tests.support import at
from tests.web_support import Pages


def _case_id(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    return re.search(r"/requests/([0-9a-f]{32})$", response.headers["Location"]).group(1)


def _case(case_id: str) -> Case:
    case = db.session.get(Case, case_id)
    db.session.remove()
    return case


def test_an_applicant_files_a_share_request_with_the_green_channel(demo):
    applicant = Pages(demo, "zrzy_sun")
    form = applicant.text("/requests/new/share")
    assert 'value="GA-HJ-001"' in form and "有条件共享" in form
    refused = applicant.post("/requests/new/share", {"resource": "GA-HJ-001", "purpose": "防汛抢险",
                                                      "green_channel": "on"})
    assert refused.status_code == 422 and "申请绿色通道须说明理由" in refused.get_data(as_text=True)
    case_id = _case_id(applicant.post("/requests/new/share", {
        "resource": "GA-HJ-001", "purpose": "防汛抢险", "green_channel": "on", "green_reason": "突发汛情"}))
    case = _case(case_id)
    assert case.input["green_channel"] is True and case.input["green_reason"] == "突发汛情"
    page = applicant.text(f"/requests/{case_id}")
    assert "绿色通道审核" in page and "突发汛情" in page
    assert "green_review" in Pages(demo, "dsj_li").text("/inbox")  # the city authority reviews it


def test_an_unknown_resource_is_refused_on_the_form(demo):
    response = Pages(demo, "zrzy_sun").post("/requests/new/share", {"resource": "NOPE", "purpose": "x"})
    assert response.status_code == 422 and "目录资源不存在:NOPE" in response.get_data(as_text=True)


def test_an_unconditional_resource_is_granted_at_once(demo):
    applicant = Pages(demo, "zrzy_sun")
    case_id = _case_id(applicant.post("/requests/new/share", {"resource": "SCJG-QY-001", "purpose": "核验企业"}))
    assert 'data-status="granted"' in applicant.text(f"/requests/{case_id}")


def test_a_purchase_is_filed_and_checked(demo):
    applicant = Pages(demo, "zrzy_sun")
    bad = applicant.post("/requests/new/purchase", {"title": "卫星影像", "supplier": "某公司", "description": "影像",
                                                    "purpose": "国土调查", "budget_yuan": "很多"})
    assert bad.status_code == 422 and "请填写金额" in bad.get_data(as_text=True)
    case_id = _case_id(applicant.post("/requests/new/purchase", {
        "title": "卫星影像", "supplier": "某公司", "description": "影像", "purpose": "国土调查",
        "budget_yuan": "120000"}))
    assert _case(case_id).input["budget_yuan"] == "120000.00"
    assert "purchase_review" in Pages(demo, "dsj_li").text("/inbox")


def test_only_the_roles_that_may_file_a_kind_see_its_form(demo):
    assert Pages(demo, "citizen_he").get("/requests/new/share").status_code == 403
    assert Pages(demo, "zrzy_sun").get("/requests/new/open_data").status_code == 403
    assert Pages(demo, "ga_wang").get("/requests/new").status_code == 403
    assert Pages(demo, "zrzy_sun").get("/requests/new/other").status_code == 404
    kinds = Pages(demo, "citizen_he").text("/requests/new")
    assert "/requests/new/open_data" in kinds and "/requests/new/share" not in kinds


def _open_task(case_id: str, key: str, api) -> dict:
    return next(t for t in api.ok("GET", f"/requests/{case_id}", "auditor")["open_tasks"] if t["task_key"] == key)


def test_open_data_supplement_answered_by_the_citizen(demo, api):
    citizen = Pages(demo, "citizen_he")
    form = citizen.text("/requests/new/open_data")
    assert 'value="GA-HJ-001"' not in form and 'value="SCJG-XY-002"' in form  # only what is open
    case_id = _case_id(citizen.post("/requests/new/open_data", {
        "resource": "SCJG-XY-002", "purpose": "信用核查", "description": "某企业近三年信用监管信息",
        "channel": "online"}))
    provider = Pages(demo, "scjg_liu")
    receipt = _open_task(case_id, "confirm_receipt", api)
    assert 'name="received_on"' not in provider.text(f"/tasks/{receipt['id']}")  # claim before work
    assert provider.post(f"/tasks/{receipt['id']}/claim").status_code == 302
    assert 'name="received_on" type="date"' in provider.text(f"/tasks/{receipt['id']}")
    assert provider.post(f"/tasks/{receipt['id']}/complete", {"confirm": "1"}).status_code == 302

    review = _open_task(case_id, "open_data_review", api)
    provider.post(f"/tasks/{review['id']}/claim")
    page = provider.text(f"/tasks/{review['id']}")
    assert '<select id="f-reply_type" name="reply_type"' in page  # eight reply types: a select
    assert 'name="supplement_days" type="number" value="" min="1" max="30"' in page
    missing = provider.post(f"/tasks/{review['id']}/complete", {"action": "request_supplement"})
    assert missing.status_code == 422
    assert 'data-field="items">此项必填' in missing.get_data(as_text=True)
    assert provider.post(f"/tasks/{review['id']}/complete", {
        "action": "request_supplement", "items": "请写明企业名称", "supplement_days": "10",
        "confirm": "1"}).status_code == 302

    page = citizen.text(f"/requests/{case_id}")
    assert "请补正申请材料" in page and 'action="/requests/%s/supplement"' % case_id in page
    assert "请于" in citizen.text("/notifications")
    assert Pages(demo, "scjg_liu").post(f"/requests/{case_id}/supplement", {"description": "x"}).status_code == 403
    assert citizen.post(f"/requests/{case_id}/supplement", {"description": "某某有限公司"}).status_code == 302
    clocks = {c["key"]: c for c in _case(case_id).sla}
    assert clocks["supplement"]["state"] == "met" and clocks["open_data_reply"]["restarts"]
    assert "请补正申请材料" not in citizen.text(f"/requests/{case_id}")


def test_task_form_is_drawn_from_the_schema_and_shows_the_servers_refusals(demo, api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    approver = Pages(demo, "ga_wang")
    approver.post(f"/tasks/{task['id']}/claim")
    page = approver.text(f"/tasks/{task['id']}")
    assert 'type="radio" name="decision" value="approve"' in page
    assert 'name="reason"' in page and "<textarea" in page
    assert "「决定」为「不同意」时必填" in page
    refused = approver.post(f"/tasks/{task['id']}/complete", {"decision": "refuse", "reason": ""})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "拒绝或否定答复必须说明理由" in body
    assert '<span class="field-error" data-field="reason">此项必填</span>' in body
    assert 'value="refuse" checked' in body  # what was chosen stays chosen
    confirm = approver.post(f"/tasks/{task['id']}/complete", {"decision": "refuse", "reason": "用途与职责不符"})
    assert confirm.status_code == 200 and "请确认办理意见" in confirm.get_data(as_text=True)
    assert _case(case["id"]).status == "pending"  # nothing decided before the confirmation
    done = approver.post(f"/tasks/{task['id']}/complete", {"decision": "refuse", "reason": "用途与职责不符",
                                                            "confirm": "1"})
    assert done.headers["Location"].endswith(f"/requests/{case['id']}")
    assert _case(case["id"]).status == "refused"
    again = approver.post(f"/tasks/{task['id']}/complete", {"decision": "approve", "confirm": "1"})
    assert again.status_code == 409 and "该任务已办结" in again.get_data(as_text=True)


def test_claim_release_and_a_colleague_sees_who_holds_it(demo, api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    wang, chen = Pages(demo, "ga_wang"), Pages(demo, "ga_chen")
    assert wang.post(f"/tasks/{task['id']}/claim").status_code == 302
    held = chen.text(f"/tasks/{task['id']}")
    assert "此任务已由 王审核(市公安局) 签收" in held and "task-form" not in held
    refused = chen.post(f"/tasks/{task['id']}/claim")
    assert refused.status_code == 409 and "该任务已被 王审核(市公安局) 签收" in refused.get_data(as_text=True)
    assert wang.post(f"/tasks/{task['id']}/unclaim").status_code == 302
    assert chen.post(f"/tasks/{task['id']}/claim").status_code == 302


def test_inbox_lists_overdue_tasks_first_with_working_days(demo, api):
    first = api.share("zrzy_sun", "GA-HJ-001", "第一件")
    api.set_clock(at(2026, 3, 16))
    second = api.share("zrzy_sun", "GA-HJ-001", "第二件")
    api.set_clock(at(2026, 3, 17))  # the first is due 2026-03-16: one working day late
    page = Pages(demo, "ga_wang").text("/inbox")
    rows = re.findall(r'<tr class="task( overdue)?" data-task="(\w+)"', page)
    assert [r[1] for r in rows] == [api.task_of(first, "provider_review")["id"],
                                    api.task_of(second, "provider_review")["id"]]
    assert rows[0][0] == " overdue" and rows[1][0] == ""
    assert "已逾期 1 个工作日" in page and "剩余 9 个工作日" in page


def test_case_page_shows_sla_clocks_with_legal_basis_and_history(demo, api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    page = Pages(demo, "zrzy_sun").text(f"/requests/{case['id']}")
    assert 'data-clock="provider_review"' in page
    assert "《东营市公共数据管理办法》第二十一条" in page and "2026-03-16" in page
    assert "提出申请" in page and "生成待办" not in page  # the applicant reads the public timeline
    assert "生成待办" in Pages(demo, "ga_wang").text(f"/requests/{case['id']}")  # the provider all of it


def test_provisional_deadlines_are_flagged(demo, api):
    api.set_clock(at(2027, 3, 1))  # 2027's holidays are not published: estimated
    case = api.share("zrzy_sun", "GA-HJ-001")
    page = Pages(demo, "ga_wang").text(f"/requests/{case['id']}")
    assert 'class="badge provisional"' in page


def test_the_applicant_withdraws_and_no_one_else_can(demo, api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    assert Pages(demo, "ga_wang").post(f"/requests/{case['id']}/withdraw").status_code == 403
    applicant = Pages(demo, "zrzy_sun")
    assert "撤回申请" in applicant.text(f"/requests/{case['id']}")
    ask = applicant.post(f"/requests/{case['id']}/withdraw")
    assert ask.status_code == 200 and "确认撤回" in ask.get_data(as_text=True)
    assert _case(case["id"]).status == "pending"
    assert applicant.post(f"/requests/{case['id']}/withdraw", {"confirm": "1"}).status_code == 302
    assert _case(case["id"]).status == "withdrawn"


def test_request_list_filters(demo, api):
    api.share("zrzy_sun", "GA-HJ-001")
    api.share("zrzy_sun", "SCJG-QY-001")
    pages = Pages(demo, "zrzy_sun")
    assert pages.text("/requests").count('<tr data-case=') == 2
    assert pages.text("/requests?status=granted").count('<tr data-case=') == 1
    assert pages.text("/requests?kind=purchase").count('<tr data-case=') == 0


def test_notifications_in_the_pages_language(demo, api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    api.ok("POST", f"/tasks/{task['id']}/complete", "ga_wang", json={"decision": "approve"})
    pages = Pages(demo, "zrzy_sun")
    assert "您的申请已办结:同意" in pages.text("/notifications")
    pages.get("/lang/en")
    assert "Your request has been decided: granted" in pages.text("/notifications")
    assert "新的待办:提供单位审核" not in pages.text("/notifications")


def test_the_forms_and_the_api_accept_and_refuse_the_same_values(api):
    """One schema per kind: a value the API refuses is refused on the form (422, nothing
    filed), and the longest value the API takes is taken on the form too."""
    from sqlalchemy import func, select

    applicant = Pages(api.app, "zrzy_sun")
    purchase = {"title": "卫星影像", "supplier": "某公司", "description": "影像", "purpose": "国土调查",
                "budget_yuan": "120000"}
    refused = [
        ("share", "/share-requests", {"resource": "GA-HJ-001", "purpose": "x" * 4001}),
        ("share", "/share-requests", {"resource": "GA HJ 001", "purpose": "核验"}),
        ("purchase", "/purchase-requests", {**purchase, "title": "题" * 201}),
        ("purchase", "/purchase-requests", {**purchase, "budget_yuan": "-1"}),
        ("objection", "/objections", {"resource": "R" * 65, "description": "数据有误"}),
    ]
    count = lambda: db.session.scalar(select(func.count()).select_from(Case))  # noqa: E731
    before = count()
    for kind, path, body in refused:
        assert api.post(path, "zrzy_sun", json=body).status_code == 422, (path, body)
        page = applicant.post(f"/requests/new/{kind}", body)
        assert page.status_code == 422, (kind, body)
        assert "field-error" in page.get_data(as_text=True)
    assert count() == before
    longest = {**purchase, "title": "题" * 200, "purpose": "用" * 4000}
    assert api.post("/purchase-requests", "zrzy_sun", json=longest).status_code == 201
    _case_id(applicant.post("/requests/new/purchase", longest))
    assert count() == before + 2
