"""On-request open data under the 政府信息公开条例: receipt, reply, supplement, consultation,
extension, over HTTP with the testing clock."""
import pytest

from tests.support import at

APPLY = {"resource": "ZRZY-BDC-001", "purpose": "核实本人房产登记信息", "description": "申请公开本人名下不动产登记信息",
         "channel": "online"}


def _complete(api, case_id, key, user, body, status=200):
    task = api.task_of(api.ok("GET", f"/requests/{case_id}", "auditor"), key)
    return api.ok("POST", f"/tasks/{task['id']}/complete", user, status, json=body)


def _sla(case, key):
    return next(s for s in case["sla"] if s["key"] == key)


@pytest.fixture()
def received(api):
    """An online application filed Mon 2026-03-02 and confirmed received the same day."""
    case = api.ok("POST", "/open-data-requests", "citizen_he", 201, json=APPLY)
    assert api.task_of(case, "confirm_receipt")["department"] == "DY-ZRZY"
    after = _complete(api, case["id"], "confirm_receipt", "zrzy_sun_approver", {})
    return after


@pytest.fixture()
def api(api):
    """The demo plus an approver of the 自然资源和规划局 (the provider of ZRZY-BDC-001)."""
    for name in ("zrzy_sun_approver", "zrzy_head"):
        api.ok("POST", "/users", "admin", 201, json={"username": name, "password": "demo-pass-2026",
                                                     "display_name": name, "department": "DY-ZRZY",
                                                     "roles": ["approver"]})
    return api


def test_unconditional_open_resource_is_granted_at_once(api):
    case = api.ok("POST", "/open-data-requests", "citizen_he", 201,
                  json={**APPLY, "resource": "SCJG-QY-001"})
    assert case["status"] == "granted" and case["outcome"]["conditions"] == "仅限申请用途:核实本人房产登记信息"


def test_closed_resources_and_non_citizens_are_refused(api):
    assert api.post("/open-data-requests", "citizen_he", json={**APPLY, "resource": "GA-HJ-001"}).status_code == 422
    assert api.post("/open-data-requests", "zrzy_sun", json=APPLY).status_code == 403
    assert api.post("/open-data-requests", "citizen_he", json={**APPLY, "channel": "fax"}).status_code == 422


def test_reply_due_twenty_working_days_after_receipt(api, received):
    reply = _sla(received, "open_data_reply")
    assert (reply["started_on"], reply["due_date"]) == ("2026-03-02", "2026-03-30")
    assert api.task_of(received, "open_data_review")["due_date"] == "2026-03-30"
    done = _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
                     {"action": "reply", "reply_type": "disclosed", "content": "见附件"})
    assert done["status"] == "granted" and done["outcome"]["reply_type"] == "disclosed"
    assert done["outcome"]["conditions"] == "仅限申请用途:核实本人房产登记信息"
    assert _sla(done, "open_data_reply")["state"] == "met"


def test_in_person_receipt_is_the_day_submitted(api):
    """Art. 31(1): in person, the day submitted is the day received — there is no receipt step
    through which another day could be set (changed: it used to be a confirm_receipt task)."""
    case = api.ok("POST", "/open-data-requests", "citizen_he", 201, json={**APPLY, "channel": "in_person"})
    assert [t["task_key"] for t in case["open_tasks"]] == ["open_data_review"]
    assert _sla(case, "open_data_reply")["started_on"] == "2026-03-02"
    assert [s["key"] for s in case["sla"]] == ["open_data_reply"]
    bad = _complete(api, case["id"], "open_data_review", "zrzy_sun_approver", {"action": "reply"}, 422)
    assert bad["error"]["code"] == "validation_error"


def test_receipt_day_must_be_plausible(api):
    case = api.ok("POST", "/open-data-requests", "citizen_he", 201, json=APPLY)
    err = _complete(api, case["id"], "confirm_receipt", "zrzy_sun_approver", {"received_on": "2026-02-27"}, 422)
    assert err["error"]["code"] == "bad_receipt_day"
    _complete(api, case["id"], "confirm_receipt", "zrzy_sun_approver", {"received_on": "2026-03-03"}, 422)


@pytest.mark.parametrize("reply_type,status,extra", [
    ("not_disclosed", "refused", {"reason": "涉及个人隐私"}),
    ("not_exist", "completed", {}),
    ("not_our_agency", "completed", {"agency": "东营市住房和城乡建设局", "reason": "该信息由住建局制作"}),
    ("partially_disclosed", "granted", {"reason": "其余部分涉及他人隐私"}),
    ("not_processed", "refused", {"reason": "同一申请人一月内重复申请 30 次(第三十五条)"}),
    ("no_new_processing", "refused", {"reason": "需对现有数据进行统计分析(第三十八条)"}),
    ("not_gior", "completed", {"proper_channel": "12345 政务服务便民热线(信访、投诉)"}),
])
def test_reply_types(api, received, reply_type, status, extra):
    done = _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
                     {"action": "reply", "reply_type": reply_type, "content": "答复内容", **extra})
    assert done["status"] == status and done["outcome"]["reply_type"] == reply_type


def test_not_disclosed_needs_a_reason(api, received):
    err = _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
                    {"action": "reply", "reply_type": "not_disclosed", "content": "x"}, 422)
    assert err["error"]["code"] == "reason_required"


def test_supplement_restarts_the_clock_from_zero(api, received):
    api.set_clock(at(2026, 3, 5, 9))
    after = _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
                      {"action": "request_supplement", "items": "请提供不动产坐落地址", "supplement_days": 5})
    assert _sla(after, "open_data_reply")["state"] == "paused"
    assert _sla(after, "supplement")["due_date"] == "2026-03-12"
    notes = api.ok("GET", "/notifications", "citizen_he")["items"]
    assert any(n["kind"] == "supplement_requested" for n in notes)
    mine = api.ok("GET", "/tasks", "citizen_he")["items"]
    assert [t["task_key"] for t in mine] == ["applicant_supplement"]
    api.set_clock(at(2026, 3, 10, 9))
    done = api.ok("POST", f"/requests/{received['id']}/supplement", "citizen_he",
                  json={"description": "坐落于东营区某路 1 号"})
    reply = _sla(done, "open_data_reply")
    assert (reply["started_on"], reply["due_date"], reply["state"]) == ("2026-03-10", "2026-04-08", "running")
    assert len(reply["restarts"]) == 1
    # only once
    err = _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
                    {"action": "request_supplement", "items": "再补", "supplement_days": 5}, 422)
    assert err["error"]["code"] == "supplement_once"


def test_supplement_only_within_seven_working_days_of_receipt(api, received):
    api.set_clock(at(2026, 3, 12, 9))  # receipt 03-02 + 7 WD = 03-11
    err = _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
                    {"action": "request_supplement", "items": "x", "supplement_days": 5}, 422)
    assert err["error"]["code"] == "supplement_too_late"


def test_no_supplement_in_time_means_abandoned(api, received):
    _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
              {"action": "request_supplement", "items": "x", "supplement_days": 3})  # due 03-05
    api.set_clock(at(2026, 3, 6, 0, 0, 1))
    assert api.run_timers() == 1
    case = api.ok("GET", f"/requests/{received['id']}", "citizen_he")
    # changed: the applicant may still send a late supplement with a good reason (Art. 30)
    assert case["status"] == "abandoned" and [t["task_key"] for t in case["open_tasks"]] == ["late_supplement"]
    err = api.ok("POST", f"/requests/{received['id']}/supplement", "citizen_he", 422,
                 json={"description": "迟到的补正"})
    assert "good_reason" in err["error"]["details"]
    api.set_clock(at(2026, 3, 21, 0, 0, 1))  # 10 WD (local choice) after 03-06 is 03-20
    assert api.run_timers() == 1
    case = api.ok("GET", f"/requests/{received['id']}", "citizen_he")
    assert case["status"] == "abandoned" and case["open_tasks"] == []
    assert api.post(f"/requests/{received['id']}/supplement", "citizen_he",
                    json={"description": "迟到的补正", "good_reason": "住院"}).status_code == 409


def test_third_party_consultation_pauses_the_clock(api, received):
    api.set_clock(at(2026, 3, 4, 9))
    after = _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
                      {"action": "consult_third_party", "third_party": "不动产共有人张某"})
    assert _sla(after, "open_data_reply")["state"] == "paused"
    assert _sla(after, "third_party")["due_date"] == "2026-03-25"  # 15 WD
    api.set_clock(at(2026, 3, 11, 9))
    after = _complete(api, received["id"], "third_party_opinion", "zrzy_sun_approver",
                      {"opinion": "disagree", "reason": "涉及个人隐私"})
    reply = _sla(after, "open_data_reply")
    # 2 WD used (03-03, 03-04); the 18 left count from 03-11
    assert (reply["state"], reply["due_date"]) == ("running", "2026-04-07")
    assert api.task_of(after, "open_data_review")


def test_third_party_silence_is_not_consent(api, received):
    _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
              {"action": "consult_third_party", "third_party": "第三方"})
    api.set_clock(at(2026, 3, 24, 0, 0, 1))  # 15 WD after 03-02 is 03-23
    assert api.run_timers() == 1
    case = api.ok("GET", f"/requests/{received['id']}", "auditor")
    assert _sla(case, "third_party")["state"] == "breached"
    assert _sla(case, "open_data_reply")["state"] == "running"
    assert [t["task_key"] for t in case["open_tasks"]] == ["open_data_review"]
    assert case["status"] == "pending"  # nobody consented: the agency decides


def test_extension_approved_by_another_approver_and_told_to_the_applicant(api, received):
    _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
              {"action": "request_extension", "extension_days": 20, "reason": "需调取档案"})
    err = _complete(api, received["id"], "extension_approval", "zrzy_sun_approver", {"decision": "approve"}, 422)
    assert err["error"]["code"] == "extension_self_approval"
    after = _complete(api, received["id"], "extension_approval", "zrzy_head", {"decision": "approve"})
    reply = _sla(after, "open_data_reply")
    assert (reply["working_days"], reply["due_date"]) == (40, "2026-04-28")  # Qingming 04-06 off
    notes = api.ok("GET", "/notifications", "citizen_he")["items"]
    assert any(n["kind"] == "deadline_extended" for n in notes)
    err = _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
                    {"action": "request_extension", "extension_days": 5, "reason": "再延"}, 422)
    assert err["error"]["code"] == "extension_once"


def test_extension_over_twenty_days_is_refused(api, received):
    err = _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
                    {"action": "request_extension", "extension_days": 21, "reason": "x"}, 422)
    assert "extension_days" in err["error"]["details"]


def test_refused_extension_goes_back_to_review(api, received):
    _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
              {"action": "request_extension", "extension_days": 10, "reason": "需调取档案"})
    after = _complete(api, received["id"], "extension_approval", "zrzy_head", {"decision": "refuse", "reason": "不必要"})
    assert _sla(after, "open_data_reply")["working_days"] == 20
    assert api.task_of(after, "open_data_review")


def test_reply_overdue_is_recorded_as_breached_and_escalated(api, received):
    api.set_clock(at(2026, 3, 31, 0, 0, 1))
    assert api.run_timers() == 1
    case = api.ok("GET", f"/requests/{received['id']}", "auditor")
    assert _sla(case, "open_data_reply")["state"] == "breached" and case["status"] == "pending"
    # changed: it now reaches someone — the authority gets a task, the applicant a notice
    assert {t["task_key"]: t["department"] for t in case["open_tasks"]} == {
        "open_data_review": "DY-ZRZY", "supervise_overdue": "DY-DSJ"}
    assert [n["data"]["due_date"] for n in api.ok("GET", "/notifications", "citizen_he")["items"]
            if n["kind"] == "reply_overdue"] == ["2026-03-30"]
    authority_notes = api.ok("GET", "/notifications", "dsj_li")["items"]
    assert [n["message"] for n in authority_notes if n["kind"] == "new_task"] == ["新的待办:逾期督办(大数据主管部门)"]
    done = _complete(api, received["id"], "supervise_overdue", "dsj_li", {"resolution": "已约谈,限三日内答复"})
    assert [t["task_key"] for t in done["open_tasks"]] == ["open_data_review"]
    done = _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
                     {"action": "reply", "reply_type": "disclosed", "content": "见附件"})
    assert done["status"] == "granted" and _sla(done, "open_data_reply")["state"] == "breached"
    _replays_consistent(api, received["id"])


def _replays_consistent(api, case_id):
    body = api.ok("POST", f"/requests/{case_id}/replay", "auditor")
    assert body["consistent"] is True, body["divergence"]


def test_every_open_data_branch_replays_consistent(api, received):
    # supplement, then consultation, then extension, then reply: one case through every loop
    api.set_clock(at(2026, 3, 3, 9))
    _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
              {"action": "request_supplement", "items": "地址", "supplement_days": 5})
    api.set_clock(at(2026, 3, 5, 9))
    api.ok("POST", f"/requests/{received['id']}/supplement", "citizen_he", json={"description": "补充地址"})
    _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
              {"action": "consult_third_party", "third_party": "共有人"})
    api.set_clock(at(2026, 3, 30, 9))
    api.run_timers()  # the third party stays silent
    _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
              {"action": "request_extension", "extension_days": 15, "reason": "需调档"})
    _complete(api, received["id"], "extension_approval", "zrzy_head", {"decision": "approve"})
    done = _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
                     {"action": "reply", "reply_type": "partially_disclosed", "content": "部分公开",
                      "reason": "其余部分涉及共有人隐私"})
    assert done["status"] == "granted"
    _replays_consistent(api, received["id"])


def test_abandoned_case_replays_consistent(api, received):
    _complete(api, received["id"], "open_data_review", "zrzy_sun_approver",
              {"action": "request_supplement", "items": "x", "supplement_days": 1})
    api.set_clock(at(2026, 3, 5, 9))
    api.run_timers()
    _replays_consistent(api, received["id"])


def test_notifications_for_applicants_and_approvers(api):
    case = api.share("zrzy_sun", "GA-HJ-001")  # due 2026-03-16
    inbox_notes = api.ok("GET", "/notifications", "ga_wang")["items"]
    assert [n["kind"] for n in inbox_notes] == ["new_task"]
    assert inbox_notes[0]["message"] == "新的待办:提供单位审核"
    api.set_clock(at(2026, 3, 13, 9))  # Friday: due the next working day
    kinds = {n["kind"] for n in api.ok("GET", "/notifications", "ga_wang")["items"]}
    assert kinds == {"new_task", "deadline_near"}
    assert api.ok("GET", "/notifications", "gs_zhou")["items"] == []
    task = api.task_of(case, "provider_review")
    api.ok("POST", f"/tasks/{task['id']}/complete", "ga_wang", json={"decision": "refuse", "reason": "用途不符"})
    notes = api.ok("GET", "/notifications", "zrzy_sun", headers={"Accept-Language": "en"})["items"]
    assert notes[0]["kind"] == "decision" and notes[0]["message"] == "Your request has been decided: refused"
    assert notes[0]["data"]["reason"] == "用途不符"
