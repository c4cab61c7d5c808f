"""The new task forms and the late supplement through the pages: drawn from the same schemas,
labelled in Chinese, and refused or accepted as over the API."""
from tests.support import at
from tests.web_support import Pages


def _task(api, case_id, key):
    return api.task_of(api.ok("GET", f"/requests/{case_id}", "auditor"), key)


def _claimed_page(demo, username, task_id):
    """The task page once ``username`` has claimed it (the form shows only then)."""
    pages = Pages(demo, username)
    assert pages.post(f"/tasks/{task_id}/claim").status_code == 302
    return pages.text(f"/tasks/{task_id}")


def test_green_answer_form_asks_for_conditions_and_reasons(demo, api):
    case = api.ok("POST", "/share-requests", "zrzy_sun", 201, json={
        "resource": "GA-HJ-001", "purpose": "防汛", "green_channel": {"reason": "突发汛情"}})
    api.complete(case["id"], "green_review", "dsj_li", {"decision": "approve"})
    task = _task(api, case["id"], "green_feedback")
    provider = Pages(demo, "ga_wang")
    assert provider.post(f"/tasks/{task['id']}/claim").status_code == 302  # the form shows once claimed
    page = provider.text(f"/tasks/{task['id']}")
    assert "使用条件(答复意见)" in page and 'name="decision"' in page
    missing = provider.post(f"/tasks/{task['id']}/complete", {"decision": "approve"})
    assert missing.status_code == 422 and 'data-field="conditions"' in missing.get_data(as_text=True)
    assert provider.post(f"/tasks/{task['id']}/complete",
                         {"decision": "approve", "conditions": "仅限防汛", "confirm": "1"}).status_code == 302
    assert api.ok("GET", f"/requests/{case['id']}", "zrzy_sun")["outcome"]["conditions"] == "仅限防汛"


def test_objection_and_coordination_forms_render_with_their_labels(demo, api):
    objection = api.ok("POST", "/objections", "zrzy_sun", 201, json={"resource": "GA-HJ-001", "description": "地址有误"})
    page = _claimed_page(demo, "ga_wang", _task(api, objection['id'], 'provider_verification')['id'])
    assert "校核结果" in page and "已更正" in page and "经核实无误" in page
    share = api.share("zrzy_sun", "GA-HJ-001")
    api.complete(share["id"], "provider_review", "ga_wang", {"decision": "refuse", "reason": "用途不符"})
    coord = api.ok("POST", f"/requests/{share['id']}/coordinate", "zrzy_sun", json={"reason": "确有需要"})
    page = _claimed_page(demo, "dsj_li", _task(api, coord['id'], 'coordinate_refusal')['id'])
    assert "协调结论" in page and "推翻,由提供单位重新答复" in page
    assert "共享争议协调" in Pages(demo, "zrzy_sun").text(f"/requests/{coord['id']}")


def test_a_late_supplement_with_its_good_reason_through_the_case_page(demo, api):
    api.ok("POST", "/users", "admin", 201, json={"username": "zrzy_x", "password": "demo-pass-2026",
                                                 "display_name": "zrzy_x", "department": "DY-ZRZY",
                                                 "roles": ["approver"]})
    case = api.ok("POST", "/open-data-requests", "citizen_he", 201, json={
        "resource": "ZRZY-BDC-001", "purpose": "核实", "description": "本人不动产", "channel": "in_person"})
    api.complete(case["id"], "open_data_review", "zrzy_x",
                 {"action": "request_supplement", "items": "地址", "supplement_days": 1})
    api.set_clock(at(2026, 3, 4, 0, 0, 1))
    assert api.run_timers() == 1
    citizen = Pages(demo, "citizen_he")
    page = citizen.text(f"/requests/{case['id']}")
    assert "逾期补正(须说明正当理由)" in page and 'name="good_reason"' in page
    refused = citizen.post(f"/requests/{case['id']}/supplement", {"description": "地址"})
    assert refused.status_code == 422
    done = citizen.post(f"/requests/{case['id']}/supplement", {"description": "地址", "good_reason": "住院"})
    assert done.status_code == 302
    assert _task(api, case["id"], "accept_late_supplement")["department"] == "DY-ZRZY"


def test_an_objection_is_filed_and_a_refusal_taken_to_coordination_through_the_pages(demo, api):
    applicant = Pages(demo, "zrzy_sun")
    assert "数据校核异议" in applicant.text("/requests/new")
    filed = applicant.post("/requests/new/objection", {"resource": "GA-HJ-001", "description": "地址字段错误"})
    assert filed.status_code == 302
    objections = api.ok("GET", "/requests?kind=objection", "auditor")["items"]
    assert [o["resource"] for o in objections] == ["GA-HJ-001"]
    own = Pages(demo, "scjg_liu").post("/requests/new/objection", {"resource": "SCJG-XY-002", "description": "x"})
    assert own.status_code == 422 and "不能对本单位提供的数据提出异议" in own.get_data(as_text=True)

    share = api.share("zrzy_sun", "GA-HJ-001")
    assert "提请大数据主管部门协调" not in applicant.text(f"/requests/{share['id']}")  # not refused yet
    api.complete(share["id"], "provider_review", "ga_wang", {"decision": "refuse", "reason": "用途不符"})
    assert "提请大数据主管部门协调" in applicant.text(f"/requests/{share['id']}")
    assert "提请大数据主管部门协调" not in Pages(demo, "auditor").text(f"/requests/{share['id']}")
    asked = applicant.post(f"/requests/{share['id']}/coordinate", {"reason": "属于法定职责"})
    assert asked.status_code == 302
    coords = api.ok("GET", "/requests?kind=coordination", "auditor")["items"]
    assert len(coords) == 1 and asked.headers["Location"].endswith(coords[0]["id"])
