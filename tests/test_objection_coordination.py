"""Data-quality objections (Art. 18) and coordination of a refusal (Art. 23 ¶1), over HTTP with
the testing clock across National Day (10-01..10-07 off) and its make-up Saturday 10-10."""

from tests.support import at, sla


def _case(api, case_id):
    return api.ok("GET", f"/requests/{case_id}", "auditor")





def _object(api):
    api.set_clock(at(2026, 9, 28, 9))
    return api.ok("POST", "/objections", "zrzy_sun", 201,
                  json={"resource": "GA-HJ-001", "description": "户籍地址字段与实际不符"})


# -- data-quality objection ---------------------------------------------------------------

def test_objection_goes_to_the_provider_due_in_five_working_days_and_is_accepted(api):
    case = _object(api)
    assert case["kind"] == "objection" and case["status"] == "pending"
    task = api.task_of(case, "provider_verification")
    assert (task["department"], task["due_date"]) == ("DY-GA", "2026-10-10")  # a make-up Saturday
    err = api.complete(case["id"], "provider_verification", "ga_wang", {"result": "corrected"}, 422)
    assert "explanation" in err["error"]["details"]
    after = api.complete(case["id"], "provider_verification", "ga_wang",
                      {"result": "corrected", "explanation": "已按户籍系统更正 12 条记录"})
    assert sla(after, "verification")["state"] == "met"
    assert api.task_of(after, "objector_review")["department"] == "DY-ZRZY"
    notes = [n for n in api.ok("GET", "/notifications", "zrzy_sun")["items"] if n["kind"] == "objection_verified"]
    assert notes[0]["data"]["explanation"] == "已按户籍系统更正 12 条记录"
    done = api.complete(case["id"], "objector_review", "zrzy_sun", {"decision": "accept"})
    assert done["status"] == "completed" and done["outcome"]["decision"] == "corrected"
    assert done["outcome"]["reason"] == "已按户籍系统更正 12 条记录" and done["open_tasks"] == []
    api.assert_replays(case["id"])


def test_objector_asks_the_authority_to_coordinate_with_reasons(api):
    case = _object(api)
    api.complete(case["id"], "provider_verification", "ga_wang", {"result": "no_error", "explanation": "数据无误"})
    err = api.complete(case["id"], "objector_review", "zrzy_sun", {"decision": "coordinate"}, 422)
    assert err["error"]["code"] == "reason_required"
    after = api.complete(case["id"], "objector_review", "zrzy_sun",
                      {"decision": "coordinate", "reason": "现场核查与数据不符"})
    assert api.task_of(after, "coordinate_objection")["department"] == "DY-DSJ"
    done = api.complete(case["id"], "coordinate_objection", "dsj_li",
                     {"finding": "correction_ordered", "resolution": "责成公安局五日内复核更正"})
    assert done["status"] == "completed" and done["outcome"]["decision"] == "correction_ordered"
    api.assert_replays(case["id"])


def test_verification_timeout_escalates_and_decides_nothing(api):
    case = _object(api)
    api.fires_only_after(at(2026, 10, 10, 23, 59), at(2026, 10, 11, 0, 0, 1))
    late = _case(api, case["id"])
    assert late["status"] == "pending" and late["outcome"] is None
    assert sla(late, "verification")["state"] == "breached"
    assert {t["task_key"]: t["department"] for t in late["open_tasks"]} == {
        "provider_verification": "DY-GA", "supervise_verification": "DY-DSJ"}
    api.assert_replays(case["id"])


def test_objector_silence_closes_on_the_verification_result(api):
    case = _object(api)
    api.complete(case["id"], "provider_verification", "ga_wang", {"result": "no_error", "explanation": "数据无误"})
    assert api.task_of(_case(api, case["id"]), "objector_review")["due_date"] == "2026-10-16"  # 10 WD, local
    api.set_clock(at(2026, 10, 17, 0, 0, 1))
    assert api.run_timers() == 1
    done = _case(api, case["id"])
    assert done["status"] == "completed" and done["outcome"]["decision"] == "no_error"
    assert sla(done, "objector_answer")["state"] == "breached" and done["open_tasks"] == []
    api.assert_replays(case["id"])


def test_who_may_object(api):
    api.ok("POST", "/users", "admin", 201, json={"username": "gs_user", "password": "demo-pass-2026",
                                                 "display_name": "gs_user", "department": "DY-GS",
                                                 "roles": ["applicant"]})
    err = api.ok("POST", "/objections", "gs_user", 422, json={"resource": "GA-HJ-001", "description": "x"})
    assert err["error"]["code"] == "objection_government_only"
    err = api.ok("POST", "/objections", "scjg_liu", 422, json={"resource": "SCJG-XY-002", "description": "x"})
    assert err["error"]["code"] == "objection_own_resource"
    assert api.post("/objections", "ga_wang", json={"resource": "SCJG-XY-002", "description": "x"}).status_code == 403
    err = api.ok("POST", "/objections", "zrzy_sun", 422, json={"resource": "NOPE", "description": "x"})
    assert err["error"]["code"] == "unknown_resource"
    assert api.ok("GET", "/requests", "auditor")["total"] == 0


# -- coordination of a refusal ------------------------------------------------------------

def _refused(api):
    api.set_clock(at(2026, 9, 28, 9))
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    done = api.ok("POST", f"/tasks/{task['id']}/complete", "ga_wang", json={"decision": "refuse", "reason": "用途不符"})
    assert done["status"] == "refused"
    return case


def test_coordination_upheld_keeps_the_refusal(api):
    refused = _refused(api)
    assert api.post(f"/requests/{refused['id']}/coordinate", "zrzy_sun", json={}).status_code == 422
    coord = api.ok("POST", f"/requests/{refused['id']}/coordinate", "zrzy_sun", json={"reason": "属于法定职责所需"})
    assert coord["kind"] == "coordination" and coord["status"] == "pending"
    task = api.task_of(coord, "coordinate_refusal")
    assert (task["department"], task["due_date"]) == ("DY-DSJ", "2026-10-16")  # 10 WD, local; 10-10 worked
    err = api.complete(coord["id"], "coordinate_refusal", "dsj_li", {"conclusion": "uphold"}, 422)
    assert "resolution" in err["error"]["details"]
    done = api.complete(coord["id"], "coordinate_refusal", "dsj_li",
                     {"conclusion": "uphold", "resolution": "提供单位理由充分"})
    assert done["status"] == "refused" and done["outcome"]["decision"] == "coordination_upheld"
    assert _case(api, refused["id"])["status"] == "refused"
    err = api.ok("POST", f"/requests/{refused['id']}/coordinate", "zrzy_sun", 409, json={"reason": "再次"})
    assert err["error"]["code"] == "already_coordinated"
    api.assert_replays(coord["id"])


def test_coordination_overturns_only_by_a_reasoned_decision_and_the_provider_answers_again(api):
    refused = _refused(api)
    coord = api.ok("POST", f"/requests/{refused['id']}/coordinate", "zrzy_sun", json={"reason": "防汛急需"})
    api.set_clock(at(2026, 10, 9, 9))
    after = api.complete(coord["id"], "coordinate_refusal", "dsj_li",
                      {"conclusion": "reopen", "resolution": "申请符合共享条件,请重新答复"})
    assert after["status"] == "pending"
    review = api.task_of(after, "provider_review")
    assert (review["department"], review["due_date"]) == ("DY-GA", "2026-10-22")  # 10 WD from 10-09
    assert any(n["kind"] == "review_reopened" for n in api.ok("GET", "/notifications", "zrzy_sun")["items"])
    done = api.complete(coord["id"], "provider_review", "ga_wang", {"decision": "approve", "conditions": "仅限防汛"})
    assert done["status"] == "granted" and done["outcome"]["conditions"] == "仅限防汛"
    # the overturned refusal grants through the coordination case: the register holds it
    grants = api.ok("GET", "/grants?resource=GA-HJ-001&department=DY-ZRZY", "auditor")["items"]
    assert [(g["case_id"], g["conditions"], g["state"]) for g in grants] == [(coord["id"], "仅限防汛", "active")]
    # the refused request and its coordination name each other
    assert api.ok("GET", f"/requests/{refused['id']}", "zrzy_sun")["linked"] == [
        {"id": coord["id"], "kind": "coordination", "status": "granted"}]
    assert done["linked"] == [{"id": refused["id"], "kind": "share", "status": "refused"}]
    api.assert_replays(coord["id"])


def test_coordination_and_reopened_review_timeouts_never_grant(api):
    refused = _refused(api)
    coord = api.ok("POST", f"/requests/{refused['id']}/coordinate", "zrzy_sun", json={"reason": "防汛急需"})
    api.set_clock(at(2026, 10, 17, 0, 0, 1))
    assert api.run_timers() == 1
    late = _case(api, coord["id"])
    assert late["status"] == "pending" and sla(late, "coordinate_refusal")["state"] == "breached"
    assert [t["task_key"] for t in late["open_tasks"]] == ["coordinate_refusal"]
    api.complete(coord["id"], "coordinate_refusal", "dsj_li", {"conclusion": "reopen", "resolution": "请重新答复"})
    api.set_clock(at(2026, 11, 1, 0, 0, 1))  # 10 WD after 10-17 is 10-30
    assert api.run_timers() == 1
    late = _case(api, coord["id"])
    assert late["status"] == "pending" and sla(late, "provider_review")["state"] == "breached"
    assert [t["task_key"] for t in late["open_tasks"]] == ["provider_review"]
    api.assert_replays(coord["id"])


def test_only_a_refused_share_request_of_ones_own_department(api):
    granted = api.share("zrzy_sun", "SCJG-QY-001")
    err = api.ok("POST", f"/requests/{granted['id']}/coordinate", "zrzy_sun", 409, json={"reason": "x"})
    assert err["error"]["code"] == "not_refused"
    refused = _refused(api)
    assert api.post(f"/requests/{refused['id']}/coordinate", "kl_mz_wu", json={"reason": "x"}).status_code in (403, 404)
    assert api.post(f"/requests/{refused['id']}/coordinate", "ga_wang", json={"reason": "x"}).status_code == 403
