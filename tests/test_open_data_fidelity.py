"""GIOR clocks that cannot be bent, and the reply types that need reasons (PRODUCT.md §6),
over HTTP with the testing clock across real holidays and make-up days."""
import pytest

from tests.support import at, sla

APPLY = {"resource": "ZRZY-BDC-001", "purpose": "核实本人房产登记信息", "description": "申请公开本人名下不动产登记信息",
         "channel": "online"}
PROVIDER, HEAD = "zrzy_sun_approver", "zrzy_head"


@pytest.fixture()
def api(api):
    for name in (PROVIDER, HEAD):
        api.ok("POST", "/users", "admin", 201, json={"username": name, "password": "demo-pass-2026",
                                                     "display_name": name, "department": "DY-ZRZY",
                                                     "roles": ["approver"]})
    return api


def _case(api, case_id):
    return api.ok("GET", f"/requests/{case_id}", "auditor")





def _received_on(api, day, hour=9):
    """An online application filed and confirmed received on ``day``."""
    api.set_clock(at(*day, hour))
    case = api.ok("POST", "/open-data-requests", "citizen_he", 201, json=APPLY)
    return api.complete(case["id"], "confirm_receipt", PROVIDER, {})


def test_online_receipt_overdue_escalates_and_cannot_push_the_start(api):
    api.set_clock(at(2026, 9, 30, 16))  # National Day 10-01..10-07 off
    case = api.ok("POST", "/open-data-requests", "citizen_he", 201, json=APPLY)
    assert api.task_of(case, "confirm_receipt")["due_date"] == "2026-10-08"  # 1 WD, a local choice
    api.fires_only_after(at(2026, 10, 8, 23, 0), at(2026, 10, 9, 0, 0, 1))
    late = _case(api, case["id"])
    assert sla(late, "receipt")["state"] == "breached" and late["status"] == "pending"
    assert {t["task_key"]: t["department"] for t in late["open_tasks"]} == {
        "confirm_receipt": "DY-ZRZY", "supervise_overdue": "DY-DSJ"}
    assert any(n["kind"] == "receipt_overdue" for n in api.ok("GET", "/notifications", "citizen_he")["items"])
    api.set_clock(at(2026, 10, 12, 9))
    err = api.complete(case["id"], "confirm_receipt", PROVIDER, {"received_on": "2026-10-12"}, 422)
    assert err["error"]["code"] == "receipt_day_too_late" and err["error"]["details"]["latest"] == "2026-10-08"
    after = api.complete(case["id"], "confirm_receipt", PROVIDER, {})  # defaults to the latest allowed day
    reply = sla(after, "open_data_reply")
    # 20 WD from 10-08: 10-09, 10-10 (Saturday worked), 10-12 .. 11-04
    assert (reply["started_on"], reply["due_date"]) == ("2026-10-08", "2026-11-04")
    api.assert_replays(case["id"])


def test_extension_approved_after_the_deadline_is_refused_and_the_breach_stays(api):
    received = _received_on(api, (2026, 4, 20))  # reply due 20 WD later, across Labour Day
    assert sla(received, "open_data_reply")["due_date"] == "2026-05-20"  # 05-01..05-05 off, 05-09 worked
    api.set_clock(at(2026, 5, 20, 10))
    api.complete(received["id"], "open_data_review", PROVIDER,
              {"action": "request_extension", "extension_days": 20, "reason": "需调取档案"})
    api.set_clock(at(2026, 5, 21, 0, 0, 1))
    assert api.run_timers() == 1  # the deadline passes while the head has not decided
    late = _case(api, received["id"])
    assert sla(late, "open_data_reply")["state"] == "breached"
    assert {t["task_key"] for t in late["open_tasks"]} == {"extension_approval", "supervise_overdue"}
    api.set_clock(at(2026, 5, 21, 9))
    err = api.complete(received["id"], "extension_approval", HEAD, {"decision": "approve"}, 422)
    assert err["error"]["code"] == "extension_too_late"
    after = api.complete(received["id"], "extension_approval", HEAD, {"decision": "refuse", "reason": "已逾期"})
    reply = sla(after, "open_data_reply")
    assert (reply["state"], reply["working_days"], reply["due_date"]) == ("breached", 20, "2026-05-20")
    api.run_timers()  # the review's own timer, already past: recorded, not escalated twice
    again = _case(api, received["id"])
    assert sorted(t["task_key"] for t in again["open_tasks"]) == ["open_data_review", "supervise_overdue"]
    assert [n["kind"] for n in api.ok("GET", "/notifications", "citizen_he")["items"]].count("reply_overdue") == 1
    err = api.complete(received["id"], "open_data_review", PROVIDER,
                    {"action": "request_extension", "extension_days": 5, "reason": "再申请"}, 422)
    assert err["error"]["code"] == "extension_too_late"
    api.assert_replays(received["id"])


def test_extension_approved_in_time_across_national_day(api):
    received = _received_on(api, (2026, 9, 14))
    # 09-20 and 10-10 worked; Mid-Autumn 09-25 and 10-01..07 off
    assert sla(received, "open_data_reply")["due_date"] == "2026-10-16"
    api.set_clock(at(2026, 10, 16, 9))
    api.complete(received["id"], "open_data_review", PROVIDER,
              {"action": "request_extension", "extension_days": 20, "reason": "需调取档案"})
    after = api.complete(received["id"], "extension_approval", HEAD, {"decision": "approve"})
    reply = sla(after, "open_data_reply")
    assert (reply["state"], reply["working_days"], reply["due_date"]) == ("running", 40, "2026-11-13")
    api.assert_replays(received["id"])


def test_consulting_another_agency_pauses_the_clock(api):
    received = _received_on(api, (2026, 9, 28))  # Art. 33 ¶2
    api.set_clock(at(2026, 9, 29, 9))
    err = api.complete(received["id"], "open_data_review", PROVIDER, {"action": "consult_agency"}, 422)
    assert "agency" in err["error"]["details"]
    after = api.complete(received["id"], "open_data_review", PROVIDER,
                      {"action": "consult_agency", "agency": "东营市住房和城乡建设局"})
    assert sla(after, "open_data_reply")["state"] == "paused"
    assert api.task_of(after, "agency_opinion")["due_date"] == "2026-10-26"  # 15 WD, local; 10-10 worked
    api.set_clock(at(2026, 10, 12, 9))
    after = api.complete(received["id"], "agency_opinion", PROVIDER, {"opinion": "同意公开"})
    reply = sla(after, "open_data_reply")
    # 1 WD used (09-29); 19 left from 10-12
    assert (reply["state"], reply["due_date"]) == ("running", "2026-11-06")
    api.assert_replays(received["id"])


def test_another_agency_silent_the_clock_resumes_and_nothing_is_decided(api):
    received = _received_on(api, (2026, 9, 28))
    api.complete(received["id"], "open_data_review", PROVIDER, {"action": "consult_agency", "agency": "住建局"})
    api.set_clock(at(2026, 10, 24, 0, 0, 1))  # 15 WD after 09-28 (its own day not counted) is 10-23
    fired = api.run_timers()
    case = _case(api, received["id"])
    assert fired == 1 and sla(case, "agency_consultation")["state"] == "breached"
    assert sla(case, "open_data_reply")["state"] == "running" and case["status"] == "pending"
    assert [t["task_key"] for t in case["open_tasks"]] == ["open_data_review"]
    api.assert_replays(received["id"])


def test_manifestly_excessive_request_gets_a_longer_period_with_reasons(api):
    received = _received_on(api, (2026, 4, 27))  # Art. 35
    err = api.complete(received["id"], "open_data_review", PROVIDER,
                    {"action": "longer_period", "extension_days": 30}, 422)
    assert err["error"]["code"] == "reason_required"
    api.complete(received["id"], "open_data_review", PROVIDER,
              {"action": "longer_period", "extension_days": 41, "reason": "x"}, 422)
    after = api.complete(received["id"], "open_data_review", PROVIDER,
                      {"action": "longer_period", "extension_days": 30, "reason": "一次申请 500 宗不动产信息"})
    reply = sla(after, "open_data_reply")
    assert (reply["working_days"], reply["due_date"]) == (50, "2026-07-09")  # Labour Day, 05-09, Dragon Boat
    notes = [n for n in api.ok("GET", "/notifications", "citizen_he")["items"] if n["kind"] == "longer_period"]
    assert notes[0]["data"]["reason"] == "一次申请 500 宗不动产信息"
    err = api.complete(received["id"], "open_data_review", PROVIDER,
                    {"action": "longer_period", "extension_days": 5, "reason": "再延"}, 422)
    assert err["error"]["code"] == "extension_once"
    api.assert_replays(received["id"])


@pytest.mark.parametrize("body,missing", [
    ({"reply_type": "partially_disclosed"}, "reason"),
    ({"reply_type": "not_our_agency", "reason": "非本机关制作"}, "agency"),
    ({"reply_type": "not_our_agency", "agency": "住建局"}, "reason"),
    ({"reply_type": "not_processed"}, "reason"),
    ({"reply_type": "no_new_processing"}, "reason"),
    ({"reply_type": "not_gior"}, "proper_channel"),
])
def test_reply_types_that_need_reasons(api, body, missing):
    received = _received_on(api, (2026, 3, 2))
    err = api.complete(received["id"], "open_data_review", PROVIDER,
                    {"action": "reply", "content": "答复", **body}, 422)
    assert missing in err["error"]["details"]
    assert _case(api, received["id"])["status"] == "pending"


def test_not_our_agency_names_the_competent_agency(api):
    received = _received_on(api, (2026, 3, 2))
    done = api.complete(received["id"], "open_data_review", PROVIDER,
                     {"action": "reply", "reply_type": "not_our_agency", "content": "答复",
                      "reason": "该信息由住建局制作", "agency": "东营市住房和城乡建设局"})
    assert done["status"] == "completed"
    assert done["outcome"]["reason"] == "该信息由住建局制作(负责公开的行政机关:东营市住房和城乡建设局)"


def test_disclosing_over_a_third_party_objection_notifies_it_in_writing(api):
    received = _received_on(api, (2026, 9, 28))
    api.complete(received["id"], "open_data_review", PROVIDER,
              {"action": "consult_third_party", "third_party": "不动产共有人张某"})
    api.set_clock(at(2026, 10, 9, 9))
    api.complete(received["id"], "third_party_opinion", PROVIDER, {"opinion": "disagree", "reason": "涉及隐私"})
    err = api.complete(received["id"], "open_data_review", PROVIDER,
                    {"action": "reply", "reply_type": "disclosed", "content": "全部公开"}, 422)
    assert err["error"]["code"] == "reason_required"
    done = api.complete(received["id"], "open_data_review", PROVIDER,
                     {"action": "reply", "reply_type": "disclosed", "content": "全部公开",
                      "reason": "不公开将对公共利益造成重大影响"})
    assert done["status"] == "granted"
    events = api.ok("GET", f"/requests/{received['id']}/history", "auditor")["events"]
    notices = [e for e in events if e["type"] == "party_notified"]
    assert len(notices) == 1 and notices[0]["data"]["party"] == "不动产共有人张某"
    assert notices[0]["data"]["reason"] == "不公开将对公共利益造成重大影响"
    assert notices[0]["data"]["to"] == "third_party"
    kinds = {n["kind"] for n in api.ok("GET", "/notifications", "citizen_he")["items"]}
    assert "disclosure_over_objection" not in kinds  # the applicant does not see the third party's notice
    api.assert_replays(received["id"])


def test_no_notice_when_the_third_party_agreed(api):
    received = _received_on(api, (2026, 3, 2))
    api.complete(received["id"], "open_data_review", PROVIDER, {"action": "consult_third_party", "third_party": "张某"})
    api.complete(received["id"], "third_party_opinion", PROVIDER, {"opinion": "agree"})
    api.complete(received["id"], "open_data_review", PROVIDER,
              {"action": "reply", "reply_type": "disclosed", "content": "全部公开"})
    events = api.ok("GET", f"/requests/{received['id']}/history", "auditor")["events"]
    assert not [e for e in events if e["type"] == "party_notified"]


def _abandoned(api):
    received = _received_on(api, (2026, 9, 28))
    api.complete(received["id"], "open_data_review", PROVIDER,
              {"action": "request_supplement", "items": "不动产坐落地址", "supplement_days": 3})
    api.set_clock(at(2026, 10, 10, 0, 0, 1))  # 3 WD after 09-28: 09-29, 09-30, 10-08
    assert api.run_timers() == 1
    assert _case(api, received["id"])["status"] == "abandoned"
    return received


def test_late_supplement_with_a_good_reason_accepted_reopens_the_case(api):
    received = _abandoned(api)
    api.set_clock(at(2026, 10, 12, 9))
    after = api.ok("POST", f"/requests/{received['id']}/supplement", "citizen_he",
                   json={"description": "坐落于东营区某路 1 号", "good_reason": "国庆期间住院,附诊断证明"})
    assert after["status"] == "abandoned"
    assert api.task_of(_case(api, received["id"]), "accept_late_supplement")["department"] == "DY-ZRZY"
    api.set_clock(at(2026, 10, 13, 9))
    done = api.complete(received["id"], "accept_late_supplement", PROVIDER, {"decision": "accept"})
    assert done["status"] == "pending" and done["outcome"]["decision"] == "reopened"
    reply = sla(done, "open_data_reply")
    assert (reply["started_on"], reply["due_date"], reply["state"]) == ("2026-10-12", "2026-11-09", "running")
    done = api.complete(received["id"], "open_data_review", PROVIDER,
                     {"action": "reply", "reply_type": "disclosed", "content": "见附件"})
    assert done["status"] == "granted"
    api.assert_replays(received["id"])


def test_late_supplement_without_a_good_reason_stays_abandoned(api):
    received = _abandoned(api)
    api.ok("POST", f"/requests/{received['id']}/supplement", "citizen_he",
           json={"description": "地址", "good_reason": "忘记了"})
    err = api.complete(received["id"], "accept_late_supplement", PROVIDER, {"decision": "refuse"}, 422)
    assert err["error"]["code"] == "reason_required"
    done = api.complete(received["id"], "accept_late_supplement", PROVIDER,
                     {"decision": "refuse", "reason": "遗忘不属于正当理由"})
    assert done["status"] == "abandoned" and done["outcome"]["decision"] == "late_supplement_refused"
    assert done["open_tasks"] == []
    api.assert_replays(received["id"])


def test_in_person_receipt_day_holds_even_where_a_model_asks_to_confirm_it(api):
    """Cases on a model version that still routes in-person applications through confirm_receipt
    (as before this change) cannot set a receipt day other than the day submitted."""
    import pathlib

    xml = (pathlib.Path(__file__).resolve().parents[1] / "bpmn" / "open_data_request.bpmn").read_text(encoding="utf-8")
    older = xml.replace('channel == "in_person"', 'channel == "no_such_channel"')
    api.ok("POST", "/process-definitions", "admin", 201, data=older.encode("utf-8"), content_type="application/xml")
    api.set_clock(at(2026, 4, 30, 16))
    case = api.ok("POST", "/open-data-requests", "citizen_he", 201, json={**APPLY, "channel": "in_person"})
    api.set_clock(at(2026, 5, 6, 9))  # after Labour Day
    err = api.complete(case["id"], "confirm_receipt", PROVIDER, {"received_on": "2026-05-06"}, 422)
    assert err["error"]["code"] == "receipt_day_too_late" and err["error"]["details"]["latest"] == "2026-04-30"
    after = api.complete(case["id"], "confirm_receipt", PROVIDER, {})
    assert sla(after, "open_data_reply")["started_on"] == "2026-04-30"
