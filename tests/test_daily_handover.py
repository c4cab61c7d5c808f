"""转办 and 退回修改: a task handed to a colleague, a share request returned for amendment
with its review clock paused, amended by the applicant and reviewed again (replay consistent)."""
from tests.support import at
from tests.test_audit_replay import consistent


def _events(api, case_id, type_):
    return [e for e in api.ok("GET", f"/requests/{case_id}/history", "auditor")["events"] if e["type"] == type_]


def test_reassign_to_a_colleague_with_the_role_audited(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    bad = api.post(f"/tasks/{task['id']}/reassign", "ga_wang", json={"to": "gs_zhou", "reason": "休假"})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "not_a_colleague"
    assert api.post(f"/tasks/{task['id']}/reassign", "ga_wang", json={"to": "ga_chen"}).status_code == 422
    moved = api.ok("POST", f"/tasks/{task['id']}/reassign", "ga_wang", json={"to": "ga_chen", "reason": "休假"})
    assert moved["assignee"] == "ga_chen"
    assert api.ok("GET", "/tasks?assigned=me", "ga_chen")["total"] == 1
    assert api.ok("GET", "/tasks", "ga_wang")["total"] == 0
    # now ga_chen holds it: ga_wang may not take it back by reassigning
    assert api.post(f"/tasks/{task['id']}/reassign", "ga_wang",
                    json={"to": "ga_wang", "reason": "x"}).status_code == 409
    [event] = _events(api, case["id"], "task_reassigned")
    assert event["data"] == {"task": task["id"], "name": "提供单位审核", "from": None,
                             "to": "ga_chen", "reason": "休假"}
    assert event["actor"] == "ga_wang"
    done = api.ok("POST", f"/tasks/{task['id']}/complete", "ga_chen", json={"decision": "approve"})
    assert done["status"] == "granted"
    consistent(api, case["id"])


def test_return_for_amendment_pauses_the_review_clock_once_per_case(api):
    case = api.share("zrzy_sun", "GA-HJ-001", purpose="核验")  # Mon 2026-03-02, review due 2026-03-16
    review = api.task_of(case, "provider_review")
    assert review["due_date"] == "2026-03-16"
    api.set_clock(at(2026, 3, 4, 10))  # two working days used
    returned = api.ok("POST", f"/tasks/{review['id']}/return", "ga_wang", json={"reason": "用途不明确,请补充"})
    assert returned["status"] == "pending"
    clock = next(s for s in returned["sla"] if s["key"] == "provider_review")
    assert clock["state"] == "paused"
    amendment = api.task_of(returned, "applicant_amendment")
    assert amendment["department"] == "DY-ZRZY" and amendment["due_date"] is None
    notices = api.ok("GET", "/notifications", "zrzy_sun")["items"]
    assert any(n["kind"] == "returned_for_amendment" and "用途不明确" in n["message"] for n in notices)
    # only the applicant amends; the provider's reviewer waits
    assert api.post(f"/requests/{case['id']}/amend", "ga_wang", json={"note": "x"}).status_code == 403
    assert api.post(f"/requests/{case['id']}/amend", "zrzy_sun", json={}).status_code == 422
    api.set_clock(at(2026, 3, 9, 10))  # three working days later
    amended = api.ok("POST", f"/requests/{case['id']}/amend", "zrzy_sun",
                     json={"purpose": "核验不动产登记申请人户籍", "note": "已补充用途"})
    assert amended["purpose"] == "核验不动产登记申请人户籍"
    clock = next(s for s in amended["sla"] if s["key"] == "provider_review")
    assert clock["state"] == "running"
    again = api.task_of(amended, "provider_review")
    assert again["id"] != review["id"] and again["due_date"] > "2026-03-16"  # the paused days added
    assert api.post(f"/requests/{case['id']}/amend", "zrzy_sun", json={"note": "again"}).status_code == 409
    twice = api.post(f"/tasks/{again['id']}/return", "ga_wang", json={"reason": "再退"})
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "returned_once"
    done = api.ok("POST", f"/tasks/{again['id']}/complete", "ga_wang",
                  json={"decision": "refuse", "reason": "不属于法定职责"})
    assert done["status"] == "refused"
    completed = [e["element"] for e in _events(api, case["id"], "task_completed")]
    assert completed == ["provider_review", "applicant_amendment", "provider_review"]
    consistent(api, case["id"])


def test_only_a_share_review_can_be_returned(api):
    case = api.share("zrzy_sun", "GS-YS-001")  # dispatch feedback first
    task = api.task_of(case, "dispatch_feedback")
    resp = api.post(f"/tasks/{task['id']}/return", "gs_zhou", json={"reason": "x"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "not_returnable"
    assert api.post(f"/tasks/{task['id']}/return", "auditor", json={"reason": "x"}).status_code == 403
