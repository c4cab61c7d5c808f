"""Dynamic dispatch, the green channel and emergency reclassification, over HTTP."""
from tests.support import at


def _complete(api, case, key, user, body, status=200):
    task = api.task_of(api.ok("GET", f"/requests/{case['id']}", user), key)
    return api.ok("POST", f"/tasks/{task['id']}/complete", user, status, json=body)


def _sla(case, key):
    return next(s for s in case["sla"] if s["key"] == key)


def test_dispatch_of_an_unconditional_resource_not_on_the_platform(api):
    case = api.share("zrzy_sun", "GS-YS-001")  # Mon 2026-03-02, provider DY-GS, not aggregated
    assert case["status"] == "pending"
    feedback = api.task_of(case, "dispatch_feedback")
    assert feedback["department"] == "DY-GS" and feedback["due_date"] == "2026-03-05"  # 3 WD
    api.set_clock(at(2026, 3, 4, 10))
    after = _complete(api, case, "dispatch_feedback", "gs_zhou", {"decision": "can_aggregate"})
    aggregation = api.task_of(after, "aggregation")
    assert aggregation["due_date"] == "2026-04-01"  # 20 WD after the feedback day (2026-03-04)
    assert _sla(after, "dispatch_feedback")["state"] == "met"
    assert api.ok("GET", "/resources/GS-YS-001", "gs_zhou")["on_platform"] is False
    done = _complete(api, case, "aggregation", "gs_zhou", {"done": True, "note": "已汇聚"})
    assert done["status"] == "granted" and done["outcome"]["decision"] == "direct"
    assert api.ok("GET", "/resources/GS-YS-001", "gs_zhou")["on_platform"] is True
    # the next request for it is granted at once
    assert api.share("zrzy_sun", "GS-YS-001")["status"] == "granted"


def test_dispatch_cannot_needs_a_reason_and_refuses(api):
    case = api.share("zrzy_sun", "SCJG-XY-002")
    task = api.task_of(case, "dispatch_feedback")
    resp = api.post(f"/tasks/{task['id']}/complete", "scjg_liu", json={"decision": "cannot"})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "reason_required"
    done = _complete(api, case, "dispatch_feedback", "scjg_liu", {"decision": "cannot", "reason": "系统不支持接口"})
    assert done["status"] == "refused" and done["outcome"] == {
        "decision": "cannot", "reason": "系统不支持接口", "conditions": None, "reply_type": None}


def test_dispatch_then_conditional_review(api):
    case = api.share("zrzy_sun", "SCJG-XY-002")
    _complete(api, case, "dispatch_feedback", "scjg_liu", {"decision": "can_aggregate"})
    after = _complete(api, case, "aggregation", "scjg_liu", {"done": True})
    review = api.task_of(after, "provider_review")
    assert review["due_date"] == "2026-03-16"
    done = _complete(api, case, "provider_review", "scjg_liu", {"decision": "approve", "conditions": "限信用监管"})
    assert done["status"] == "granted"
    assert [s["state"] for s in done["sla"]] == ["met", "met", "met"]


def test_dispatch_feedback_overdue_escalates(api):
    case = api.share("zrzy_sun", "GS-YS-001")
    api.set_clock(at(2026, 3, 6, 0, 0, 1))  # after 2026-03-05 23:59:59
    assert api.run_timers() == 1
    after = api.ok("GET", f"/requests/{case['id']}", "auditor")
    assert {t["task_key"]: t["department"] for t in after["open_tasks"]} == {
        "dispatch_feedback": "DY-GS", "coordinate_overdue": "DY-DSJ"}
    assert _sla(after, "dispatch_feedback")["state"] == "breached"


def _green(api, resource):
    return api.ok("POST", "/share-requests", "zrzy_sun", 201, json={
        "resource": resource, "purpose": "防汛应急处置", "green_channel": {"reason": "突发公共事件:黄河防汛"}})


def test_green_channel_approved_feedback_in_one_working_day(api):
    case = _green(api, "GA-HJ-001")
    review = api.task_of(case, "green_review")
    assert review["department"] == "DY-DSJ"
    assert api.ok("GET", "/tasks", "dsj_li")["items"][0]["task_key"] == "green_review"
    assert review["due_date"] == "2026-03-03"  # its own clock: 1 WD, a local choice
    after = _complete(api, case, "green_review", "dsj_li", {"decision": "approve"})
    assert _sla(after, "green_review")["state"] == "met"
    assert api.task_of(after, "green_feedback")["due_date"] == "2026-03-03"
    done = _complete(api, case, "green_feedback", "ga_wang", {"decision": "approve", "conditions": "仅限防汛处置"})
    assert done["status"] == "granted" and done["outcome"]["decision"] == "green_channel"
    assert done["outcome"]["conditions"] == "仅限防汛处置"


def test_green_channel_with_aggregation_in_five_working_days(api):
    api.set_clock(at(2026, 4, 30, 9))  # Labour Day 05-01..05-05 off, Saturday 05-09 worked
    case = _green(api, "SCJG-XY-002")
    after = _complete(api, case, "green_review", "dsj_li", {"decision": "approve"})
    assert api.task_of(after, "green_feedback")["due_date"] == "2026-05-06"
    after = _complete(api, case, "green_feedback", "scjg_liu", {"decision": "approve", "conditions": "用于防汛"})
    assert api.task_of(after, "aggregation")["due_date"] == "2026-05-11"  # 6,7,8,9(Sat),11
    done = _complete(api, case, "aggregation", "scjg_liu", {"done": True})
    assert done["status"] == "granted"


def test_green_channel_refused_continues_on_the_normal_path(api):
    case = _green(api, "GA-HJ-001")
    task = api.task_of(case, "green_review")
    assert api.post(f"/tasks/{task['id']}/complete", "dsj_li", json={"decision": "refuse"}).status_code == 422
    after = _complete(api, case, "green_review", "dsj_li", {"decision": "refuse", "reason": "不属于紧急情形"})
    assert after["status"] == "pending"
    assert api.task_of(after, "provider_review")["due_date"] == "2026-03-16"


def test_dragon_boat_deadline(api):
    api.set_clock(at(2026, 6, 18, 9))  # Dragon Boat 2026-06-19 (Fri) off
    case = _green(api, "GA-HJ-001")
    after = _complete(api, case, "green_review", "dsj_li", {"decision": "approve"})
    assert api.task_of(after, "green_feedback")["due_date"] == "2026-06-22"


def test_emergency_reclassification_decides_until_it_lapses(api):
    assert api.share("zrzy_sun", "GA-ZDRY-002")["status"] == "refused"
    assert api.post("/resources/GA-ZDRY-002/emergency", "scjg_liu",
                    json={"share_type": "conditional", "until": "2026-03-10", "reason": "x"}).status_code == 403
    bad = api.post("/resources/GA-ZDRY-002/emergency", "ga_wang",
                   json={"share_type": "conditional", "until": "2026-03-01", "reason": "x"})
    assert bad.status_code == 422
    case = api.ok("POST", "/resources/GA-ZDRY-002/emergency", "ga_wang", 201,
                  json={"share_type": "conditional", "until": "2026-03-10", "reason": "突发公共卫生事件"})
    review = api.task_of(case, "emergency_review")
    api.ok("POST", f"/tasks/{review['id']}/complete", "dsj_li", json={"decision": "approve"})
    res = api.ok("GET", "/resources/GA-ZDRY-002", "zrzy_sun")
    assert res["effective_share_type"] == "conditional" and res["share_type"] == "none"
    case = api.share("zrzy_sun", "GA-ZDRY-002")
    assert case["status"] == "pending" and api.task_of(case, "provider_review")
    api.set_clock(at(2026, 3, 11, 9))
    assert api.ok("GET", "/resources/GA-ZDRY-002", "zrzy_sun")["effective_share_type"] == "none"
    assert api.share("zrzy_sun", "GA-ZDRY-002")["status"] == "refused"


def test_aggregation_overdue_escalates_and_still_grants_when_done(api):
    case = api.share("zrzy_sun", "GS-YS-001")
    after = _complete(api, case, "dispatch_feedback", "gs_zhou", {"decision": "can_aggregate"})
    assert api.task_of(after, "aggregation")["due_date"] == "2026-03-30"  # 20 WD after 03-02
    api.set_clock(at(2026, 3, 31, 9))
    assert api.run_timers() == 1
    late = api.ok("GET", f"/requests/{case['id']}", "auditor")
    assert {t["task_key"] for t in late["open_tasks"]} == {"aggregation", "coordinate_overdue"}
    assert _sla(late, "aggregation")["state"] == "breached"
    done = _complete(api, case, "aggregation", "gs_zhou", {"done": True})
    assert done["status"] == "granted" and _sla(done, "aggregation")["state"] == "breached"


def test_green_channel_answer_is_the_art21_answer_agree_needs_conditions_disagree_reasons(api):
    api.set_clock(at(2026, 9, 30, 9))  # National Day 10-01..10-07 off, Saturday 10-10 worked
    case = _green(api, "GA-HJ-001")
    assert api.task_of(case, "green_review")["due_date"] == "2026-10-08"
    after = _complete(api, case, "green_review", "dsj_li", {"decision": "approve"})
    assert api.task_of(after, "green_feedback")["due_date"] == "2026-10-08"
    for body, code in (({"decision": "approve"}, "validation_error"), ({"decision": "refuse"}, "reason_required"),
                       ({"decision": "can_aggregate"}, "validation_error")):
        err = _complete(api, case, "green_feedback", "ga_wang", body, 422)
        assert err["error"]["code"] == code
    done = _complete(api, case, "green_feedback", "ga_wang", {"decision": "refuse", "reason": "涉及侦查秘密"})
    assert done["status"] == "refused" and done["outcome"]["decision"] == "green_refused"
    assert done["outcome"]["reason"] == "涉及侦查秘密" and done["open_tasks"] == []
    api.assert_replays(case["id"])


def test_green_review_timeout_never_grants_it_continues_on_the_normal_path(api):
    api.set_clock(at(2026, 9, 30, 9))
    case = _green(api, "GA-HJ-001")
    # still in time: the holiday is not counted
    api.fires_only_after(at(2026, 10, 8, 23, 59, 0), at(2026, 10, 9, 0, 0, 1))
    late = api.ok("GET", f"/requests/{case['id']}", "auditor")
    assert late["status"] == "pending" and _sla(late, "green_review")["state"] == "breached"
    assert [t["task_key"] for t in late["open_tasks"]] == ["provider_review"]
    assert api.task_of(late, "provider_review")["due_date"] == "2026-10-22"  # 10 WD from 10-09, 10-10 worked
    api.assert_replays(case["id"])


def test_green_feedback_timeout_escalates_and_never_grants(api):
    api.set_clock(at(2026, 9, 30, 9))
    case = _green(api, "GA-HJ-001")
    _complete(api, case, "green_review", "dsj_li", {"decision": "approve"})
    api.set_clock(at(2026, 10, 9, 0, 0, 1))
    assert api.run_timers() == 1
    late = api.ok("GET", f"/requests/{case['id']}", "auditor")
    assert late["status"] == "pending" and _sla(late, "dispatch_feedback")["state"] == "breached"
    assert {t["task_key"] for t in late["open_tasks"]} == {"green_feedback", "coordinate_overdue"}
    api.assert_replays(case["id"])
