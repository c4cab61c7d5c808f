"""The daily work on the pages (Flask test client): claim before work, confirmation, the
completed task's decision, stopped clocks, 转办/退回修改/amendment, comments, attachments, the
letter, and names instead of logins for the applicant's side."""
import io
import re

from app.extensions import db
from app.models import Case
from tests.support import at
from tests.web_support import Pages


def _status(case_id):
    case = db.session.get(Case, case_id, populate_existing=True)
    db.session.commit()
    return case.status


def test_claim_then_confirm_then_the_completed_task_shows_its_decision(demo, api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    wang = Pages(demo, "ga_wang")
    page = wang.text(f"/tasks/{task['id']}")
    assert "task-form" not in page and "请先签收" in page
    wang.post(f"/tasks/{task['id']}/claim")
    page = wang.text(f"/tasks/{task['id']}")
    assert "task-form" in page and 'class="form reassign-form"' in page and "return-form" in page
    ask = wang.post(f"/tasks/{task['id']}/complete", {"decision": "approve", "conditions": "仅限本次审批"})
    body = ask.get_data(as_text=True)
    assert ask.status_code == 200 and "请确认办理意见" in body and "仅限本次审批" in body
    assert 'name="confirm" value="1"' in body and _status(case["id"]) == "pending"
    done = wang.post(f"/tasks/{task['id']}/complete", {"decision": "approve", "conditions": "仅限本次审批",
                                                        "confirm": "1"})
    assert done.status_code == 302 and _status(case["id"]) == "granted"
    page = wang.text(f"/tasks/{task['id']}")
    assert 'class="panel decision"' in page and "同意" in page and "仅限本次审批" in page
    assert "王审核(市公安局)" in page and "剩余" not in page and "已停止计时" in page


def test_a_withdrawn_case_shows_its_clocks_stopped(demo, api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    sun = Pages(demo, "zrzy_sun")
    assert "剩余" in sun.text(f"/requests/{case['id']}")
    sun.post(f"/requests/{case['id']}/withdraw", {"confirm": "1"})
    page = sun.text(f"/requests/{case['id']}")
    assert "已停止计时" in page and "剩余" not in page and "计时中" not in page


def test_reassign_return_and_amend_through_the_pages(demo, api):
    case = api.share("zrzy_sun", "GA-HJ-001", purpose="核验")
    task = api.task_of(case, "provider_review")
    wang, chen, sun = Pages(demo, "ga_wang"), Pages(demo, "ga_chen"), Pages(demo, "zrzy_sun")
    wang.post(f"/tasks/{task['id']}/claim")
    assert wang.post(f"/tasks/{task['id']}/reassign", {"to": "ga_chen", "reason": ""}).status_code == 422
    assert wang.post(f"/tasks/{task['id']}/reassign", {"to": "ga_chen", "reason": "出差"}).status_code == 302
    assert "task-form" in chen.text(f"/tasks/{task['id']}")
    assert chen.post(f"/tasks/{task['id']}/return", {"reason": "请写明具体用途"}).status_code == 302
    page = sun.text(f"/requests/{case['id']}")
    assert "申请被退回修改" in page and "请写明具体用途" in page and 'class="form amend-form"' in page
    assert "已暂停" in page
    assert sun.post(f"/requests/{case['id']}/amend", {"purpose": "核验不动产登记人户籍",
                                                      "note": "已写明"}).status_code == 302
    page = sun.text(f"/requests/{case['id']}")
    assert "amend-form" not in page and "核验不动产登记人户籍" in page
    # the applicant's side reads departments, not logins, in the history
    history = page[page.index("办理记录"):]
    assert "ga_wang" not in history and "ga_chen" not in history and "东营市公安局" in history
    assert "returned_for_amendment" not in history  # the notice is named, not coded
    assert "陈审核(市公安局)" in chen.text(f"/requests/{case['id']}")


def test_comments_attachments_and_the_letter_on_the_case_page(demo, api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    cid = case["id"]
    sun, wang = Pages(demo, "zrzy_sun"), Pages(demo, "ga_wang")
    assert "内部意见" not in sun.text(f"/requests/{cid}")
    assert sun.post(f"/requests/{cid}/comments", {"text": "请尽快"}).status_code == 302
    assert wang.post(f"/requests/{cid}/comments", {"text": "内部核实中", "internal": "on"}).status_code == 302
    assert "内部核实中" not in sun.text(f"/requests/{cid}") and "内部核实中" in wang.text(f"/requests/{cid}")
    pdf = b"%PDF-1.4\n%%EOF\n"
    uploaded = sun.post(f"/requests/{cid}/attachments", {"file": (io.BytesIO(pdf), "公函.pdf")},
                        content_type="multipart/form-data")
    assert uploaded.status_code == 302
    page = wang.text(f"/requests/{cid}")
    link = re.search(r'href="(/attachments/\d+)">公函.pdf</a>', page).group(1)
    assert wang.get(link).data == pdf
    assert Pages(demo, "gs_zhou").get(link).status_code == 404
    assert "data-letter" not in sun.text(f"/requests/{cid}")
    api.set_clock(at(2026, 3, 4, 10))
    api.ok("POST", f"/tasks/{api.task_of(case, 'provider_review')['id']}/complete", "ga_wang",
           json={"decision": "refuse", "reason": "用途不符"})
    sun = Pages(demo, "zrzy_sun")  # a new day, a new login
    page = sun.text(f"/requests/{cid}")
    assert "data-letter" in page and "用途不符" in page
    letter = sun.get(f"/requests/{cid}/letter.pdf")
    assert letter.status_code == 200 and letter.data.startswith(b"%PDF")
