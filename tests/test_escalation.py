"""A conditional review past its 10 working days escalates to the authority; never auto-approves."""
from tests.support import at


def _file(api):
    case = api.share("zrzy_sun", "GA-HJ-001")  # Mon 2026-03-02, due Mon 2026-03-16
    assert case["sla"][0]["due_date"] == "2026-03-16"
    return case


def test_not_late_until_the_end_of_the_due_date(api):
    case = _file(api)
    api.set_clock(at(2026, 3, 16, 23, 59, 59))
    assert api.run_timers() == 0
    after = api.ok("GET", f"/requests/{case['id']}", "zrzy_sun")
    assert [t["task_key"] for t in after["open_tasks"]] == ["provider_review"]
    assert after["sla"][0]["state"] == "running"


def test_overdue_review_escalates_to_the_provider_region_authority(api):
    case = _file(api)
    api.set_clock(at(2026, 3, 17, 0, 0, 1))
    assert api.run_timers() == 1
    after = api.ok("GET", f"/requests/{case['id']}", "zrzy_sun")
    assert after["status"] == "pending"
    assert {t["task_key"]: t["department"] for t in after["open_tasks"]} == {
        "provider_review": "DY-GA", "coordinate_overdue": "DY-DSJ"}
    assert after["sla"][0]["state"] == "breached"
    inbox = api.ok("GET", "/tasks", "dsj_li")["items"]
    assert [t["task_key"] for t in inbox] == ["coordinate_overdue"]
    overdue = api.ok("GET", "/tasks?overdue=true", "ga_wang")["items"]
    assert [t["task_key"] for t in overdue] == ["provider_review"] and overdue[0]["overdue"] is True
    assert api.run_timers() == 0  # fired exactly once


def test_late_approval_still_grants_and_the_clock_stays_breached(api):
    case = _file(api)
    api.set_clock(at(2026, 3, 18, 10))
    api.run_timers()
    review = api.task_of(api.ok("GET", f"/requests/{case['id']}", "ga_wang"), "provider_review")
    done = api.ok("POST", f"/tasks/{review['id']}/complete", "ga_wang", json={"decision": "approve"})
    assert done["status"] == "granted"
    assert done["sla"][0]["state"] == "breached"
    assert done["open_tasks"] == []  # the coordination ends with the decision
    types = [e["type"] for e in api.ok("GET", f"/requests/{case['id']}/history", "auditor")["events"]]
    assert "timer_fired" in types and types[-3:] == ["task_cancelled", "case_decided", "grant_created"]


def test_approval_in_time_is_met_and_cancels_the_timer(api):
    case = _file(api)
    api.set_clock(at(2026, 3, 16, 18))
    review = api.task_of(case, "provider_review")
    done = api.ok("POST", f"/tasks/{review['id']}/complete", "ga_wang", json={"decision": "approve"})
    assert done["sla"][0]["state"] == "met"
    api.set_clock(at(2026, 4, 1, 9))
    assert api.run_timers() == 0


def test_a_timer_never_decides(api):
    case = _file(api)
    api.set_clock(at(2026, 6, 1, 9))
    api.run_timers()
    after = api.ok("GET", f"/requests/{case['id']}", "auditor")
    assert after["status"] == "pending" and after["outcome"] is None


def test_coordination_resolution_closes_only_the_coordination(api):
    case = _file(api)
    api.set_clock(at(2026, 3, 17, 9))
    api.run_timers()
    coord = api.task_of(api.ok("GET", f"/requests/{case['id']}", "dsj_li"), "coordinate_overdue")
    assert api.post(f"/tasks/{coord['id']}/complete", "dsj_li", json={}).status_code == 422
    after = api.ok("POST", f"/tasks/{coord['id']}/complete", "dsj_li", json={"resolution": "已督促公安局三日内答复"})
    assert after["status"] == "pending"
    assert [t["task_key"] for t in after["open_tasks"]] == ["provider_review"]


def test_the_authority_reads_an_escalated_case_through_its_task_alone(api):
    """The city authority is neither the case's applicant nor its provider: its coordination
    task (flagged ``other_department``) is what lets it read the case, in lists too."""
    case = _file(api)
    before = [c["id"] for c in api.ok("GET", "/requests", "dsj_li")["items"]]
    assert case["id"] not in before
    assert api.get(f"/requests/{case['id']}", "dsj_li").status_code == 404
    api.set_clock(at(2026, 3, 17, 9))
    assert api.run_timers() == 1
    assert case["id"] in [c["id"] for c in api.ok("GET", "/requests", "dsj_li")["items"]]
    assert api.ok("GET", f"/requests/{case['id']}", "dsj_li")["id"] == case["id"]
    assert case["id"] not in [c["id"] for c in api.ok("GET", "/requests", "scjg_liu")["items"]]
