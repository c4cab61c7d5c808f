"""Separation of duties (API.md "Separation of duties"): nobody claims or completes a task of
a case they filed (403 ``own_case``), except the tasks in the applicant's own lanes."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Case, HumanTask
from tests.web_support import Pages


# the bought data's new catalog entry, filed as a catalog change (Art. 13, PRODUCT.md §6)
BOUGHT_ENTRY = {"change": {"code": "SCJG-YQ-009", "name": "企业舆情数据(采购)", "provider": "DY-SCJG",
                           "share_type": "conditional", "share_conditions": "仅限风险预警", "legal_basis": "采购合同",
                           "open_type": "closed"}, "reason": "纳入所购数据"}


def _state(case_id):
    case = db.session.get(Case, case_id)
    tasks = db.session.execute(select(HumanTask.task_key, HumanTask.state, HumanTask.assignee_id)
                               .where(HumanTask.case_id == case_id)).all()
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    out = (case.status, case.version, sorted(tasks), events)
    db.session.remove()
    return out


def test_a_dual_role_filer_cannot_approve_his_own_request_a_colleague_can(api):
    # the "Why": one person holding applicant + approver in the providing department
    api.ok("POST", "/users", "admin", 201, json={"username": "ga_dual", "password": "demo-pass-2026",
                                                 "display_name": "张双岗(市公安局)", "department": "DY-GA",
                                                 "roles": ["applicant", "approver"]})
    case = api.share("ga_dual", "GA-HJ-001", purpose="本局户籍核查")
    task = api.task_of(case, "provider_review")
    assert task["department"] == "DY-GA"
    assert task["id"] in {t["id"] for t in api.ok("GET", "/tasks", "ga_dual")["items"]}  # he is a candidate
    before = _state(case["id"])
    for action, body in (("claim", None), ("complete", {"decision": "approve", "conditions": "自批"})):
        resp = api.post(f"/tasks/{task['id']}/{action}", "ga_dual", json=body or {})
        assert resp.status_code == 403, resp.get_json()
        assert resp.get_json()["error"]["code"] == "own_case"
    assert _state(case["id"]) == before  # nothing changed, nothing recorded
    # the pages offer him no form, and refuse the post all the same (logging in is audited)
    pages = Pages(api.app, "ga_dual")
    before = _state(case["id"])
    assert f"/tasks/{task['id']}/complete" not in pages.text(f"/tasks/{task['id']}")
    refused = pages.post(f"/tasks/{task['id']}/complete", {"decision": "approve"})
    assert refused.status_code == 403 and "职责分离" in refused.get_data(as_text=True)
    assert _state(case["id"]) == before
    assert f"/tasks/{task['id']}/claim" in Pages(api.app, "ga_wang").text(f"/tasks/{task['id']}")
    assert api.ok("GET", "/grants", "ga_dual")["total"] == 0
    done = api.ok("POST", f"/tasks/{task['id']}/complete", "ga_wang", json={"decision": "approve", "conditions": "限户籍核查"})
    assert done["status"] == "granted"
    assert api.ok("GET", "/grants", "ga_dual")["items"][0]["conditions"] == "限户籍核查"


def test_the_filers_own_lane_tasks_stay_his(api):
    """A purchase's catalog registration is in the applicant's lane: the filer does it."""
    case = api.ok("POST", "/purchase-requests", "scjg_liu", 201, json={
        "title": "企业舆情数据", "supplier": "某数据公司", "description": "舆情监测", "purpose": "信用监管",
        "budget_yuan": "50000.00"})
    review = api.task_of(case, "purchase_review")
    api.ok("POST", f"/tasks/{review['id']}/complete", "dsj_li", json={"decision": "approve"})
    after = api.ok("GET", f"/requests/{case['id']}", "scjg_liu")
    registration = api.task_of(after, "catalog_registration")
    entry = api.ok("POST", "/catalog-changes", "scjg_liu", 201, json=BOUGHT_ENTRY)
    entry_review = api.task_of(entry, "catalog_review")
    api.ok("POST", f"/tasks/{entry_review['id']}/complete", "dsj_li", json={"decision": "approve"})
    done = api.ok("POST", f"/tasks/{registration['id']}/complete", "scjg_liu", json={"resource": "SCJG-YQ-009"})
    assert done["status"] == "completed"
