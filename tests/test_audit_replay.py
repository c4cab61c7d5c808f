"""Replay re-executes a case from its recorded events and finds any stored state that the
events do not explain."""
import pytest
from sqlalchemy import delete, func, select, update

from app.extensions import db
from app.models import AuditEvent, Case, ChainHead, HumanTask, TimerJob
from tests.support import at


# the bought data's new catalog entry, filed as a catalog change (Art. 13, PRODUCT.md §6)
BOUGHT_ENTRY = {"change": {"code": "SCJG-YQ-009", "name": "企业舆情数据(采购)", "provider": "DY-SCJG",
                           "share_type": "conditional", "share_conditions": "仅限风险预警", "legal_basis": "采购合同",
                           "open_type": "closed"}, "reason": "纳入所购数据"}


def replay(api, case_id: str, user: str = "auditor") -> dict:
    return api.ok("POST", f"/requests/{case_id}/replay", user)


def consistent(api, case_id: str) -> None:
    body = replay(api, case_id)
    assert body["divergence"] is None and body["consistent"] is True, body
    assert body["events"] == len(api.ok("GET", f"/requests/{case_id}/history", "auditor")["events"])


def complete(api, case: dict, key: str, user: str, data: dict) -> dict:
    task = api.task_of(api.ok("GET", f"/requests/{case['id']}", user), key)
    return api.ok("POST", f"/tasks/{task['id']}/complete", user, json=data)


def change(stmt) -> None:
    db.session.execute(stmt)
    db.session.commit()


@pytest.fixture()
def approved(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    review = api.task_of(case, "provider_review")
    api.ok("POST", f"/tasks/{review['id']}/claim", "ga_wang")
    api.ok("POST", f"/tasks/{review['id']}/unclaim", "ga_wang")
    api.set_clock(at(2026, 3, 5, 15))
    done = complete(api, case, "provider_review", "ga_chen", {"decision": "approve", "conditions": "仅用于不动产审批"})
    assert done["status"] == "granted"
    return case["id"]


# -- untouched cases replay consistent -------------------------------------------------------

def test_a_conditional_share_approved_replays_consistent(api, approved):
    body = replay(api, approved)
    assert body["consistent"] is True
    assert [s["type"] for s in body["steps"]] == ["case_started", "task_claimed", "task_unclaimed",
                                                  "task_completed"]
    assert body["steps"][0]["open_tasks"] == ["provider_review"] and body["steps"][-1]["status"] == "granted"
    assert replay(api, approved, "admin")["consistent"] is True


def test_a_refused_share_replays_consistent(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    assert complete(api, case, "provider_review", "ga_wang",
                    {"decision": "refuse", "reason": "用途与共享条件不符"})["status"] == "refused"
    consistent(api, case["id"])


def test_a_case_escalated_by_timer_then_approved_late_replays_consistent(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    api.set_clock(at(2026, 3, 17, 8))
    assert api.run_timers() == 1
    api.set_clock(at(2026, 3, 18, 10))
    coord = api.task_of(api.ok("GET", f"/requests/{case['id']}", "dsj_li"), "coordinate_overdue")
    api.ok("POST", f"/tasks/{coord['id']}/complete", "dsj_li", json={"resolution": "已督促答复"})
    api.set_clock(at(2026, 3, 19, 10))
    done = complete(api, case, "provider_review", "ga_wang", {"decision": "approve"})
    assert done["status"] == "granted" and done["sla"][0]["state"] == "breached"
    body = replay(api, case["id"])
    assert body["consistent"] is True, body
    assert "timer_fired" in [s["type"] for s in body["steps"]]


def test_a_case_escalated_and_approved_with_the_coordination_open_replays_consistent(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    api.set_clock(at(2026, 3, 18, 10))
    api.run_timers()
    done = complete(api, case, "provider_review", "ga_wang", {"decision": "approve"})
    assert done["open_tasks"] == []  # the coordination was cancelled with the decision
    consistent(api, case["id"])


def test_a_withdrawn_case_replays_consistent(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    api.set_clock(at(2026, 3, 3, 9))
    api.ok("POST", f"/requests/{case['id']}/withdraw", "zrzy_sun")
    consistent(api, case["id"])


@pytest.mark.parametrize("resource", ["SCJG-QY-001", "GA-ZDRY-002", "SCJG-XY-002"])
def test_cases_decided_or_dispatched_at_once_replay_consistent(api, resource):
    consistent(api, api.share("zrzy_sun", resource)["id"])


def _dispatch_aggregate_review(api):
    case = api.share("zrzy_sun", "SCJG-XY-002")  # conditional, not on the platform
    complete(api, case, "dispatch_feedback", "scjg_liu", {"decision": "can_aggregate"})
    api.set_clock(at(2026, 3, 9, 10))
    complete(api, case, "aggregation", "scjg_liu", {"done": True, "note": "已汇聚"})  # + resource_aggregated
    assert complete(api, case, "provider_review", "scjg_liu", {"decision": "approve"})["status"] == "granted"
    return case


def _dispatch_overdue(api):
    case = api.share("zrzy_sun", "GS-YS-001")
    api.set_clock(at(2026, 3, 6, 0, 0, 1))
    assert api.run_timers() == 1
    return case


def _green_channel(api):
    api.set_clock(at(2026, 4, 30, 9))  # across Labour Day and a make-up Saturday
    case = api.ok("POST", "/share-requests", "zrzy_sun", 201, json={
        "resource": "SCJG-XY-002", "purpose": "防汛应急处置", "green_channel": {"reason": "突发公共事件:黄河防汛"}})
    complete(api, case, "green_review", "dsj_li", {"decision": "approve"})
    complete(api, case, "green_feedback", "scjg_liu", {"decision": "approve", "conditions": "用于防汛"})
    assert complete(api, case, "aggregation", "scjg_liu", {"done": True})["status"] == "granted"
    return case


def _purchase(api):
    case = api.ok("POST", "/purchase-requests", "scjg_liu", 201, json={
        "title": "企业舆情数据采购", "supplier": "某数据服务公司", "description": "一年期", "purpose": "风险预警",
        "budget_yuan": "120000.00"})
    complete(api, case, "purchase_review", "dsj_li", {"decision": "approve"})
    entry = api.ok("POST", "/catalog-changes", "scjg_liu", 201, json=BOUGHT_ENTRY)
    complete(api, entry, "catalog_review", "dsj_li", {"decision": "approve"})
    assert complete(api, case, "catalog_registration", "scjg_liu", {"resource": "SCJG-YQ-009"})["status"] == "completed"
    return case


@pytest.mark.parametrize("path", [_dispatch_aggregate_review, _dispatch_overdue, _green_channel, _purchase])
def test_the_other_paths_replay_consistent(api, path):
    consistent(api, path(api)["id"])


def test_replay_writes_nothing(api, approved):
    def counts():
        return (db.session.scalar(select(ChainHead.last_seq)), db.session.scalar(select(func.count(HumanTask.id))),
                db.session.scalar(select(func.count(TimerJob.id))),
                db.session.execute(select(Case.status, Case.version, Case.workflow_state)).all())

    api.token("auditor")  # logging in is audited: done before counting
    before = counts()
    db.session.rollback()
    replay(api, approved)
    assert counts() == before


# -- stored state the events do not explain --------------------------------------------------

def test_a_status_changed_underneath_is_reported(api, approved):
    change(update(Case).where(Case.id == approved).values(status="refused"))
    body = replay(api, approved)
    assert body["consistent"] is False
    assert body["divergence"] == {"seq": None, "what": "case.status", "expected": "granted", "found": "refused"}


def test_an_outcome_changed_underneath_is_reported(api, approved):
    change(update(Case).where(Case.id == approved).values(
        outcome={"decision": "approve", "reason": None, "conditions": "无任何限制", "reply_type": None}))
    divergence = replay(api, approved)["divergence"]
    assert divergence["what"] == "case.outcome"
    assert divergence["expected"]["conditions"] == "仅用于不动产审批"
    assert divergence["found"]["conditions"] == "无任何限制"


def test_a_deleted_task_row_is_reported(api, approved):
    change(delete(HumanTask).where(HumanTask.case_id == approved))
    divergence = replay(api, approved)["divergence"]
    assert divergence["what"] == "human_task.missing"
    assert divergence["expected"]["element"] == "provider_review" and divergence["found"] is None


def test_a_deleted_open_task_row_is_reported(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    change(delete(HumanTask).where(HumanTask.case_id == case["id"]))
    assert replay(api, case["id"])["divergence"]["what"] == "human_task.missing"


def test_a_task_moved_to_another_department_is_reported(api):
    from app.models import Department

    case = api.share("zrzy_sun", "GA-HJ-001")
    other = db.session.scalar(select(Department.id).where(Department.code == "DY-GS"))
    change(update(HumanTask).where(HumanTask.case_id == case["id"]).values(department_id=other))
    divergence = replay(api, case["id"])["divergence"]
    assert divergence["what"] == "human_task"
    assert (divergence["expected"]["department"], divergence["found"]["department"]) == ("DY-GA", "DY-GS")


def test_a_changed_sla_clock_is_reported(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    row = db.session.get(Case, case["id"])
    clocks = [{**c, "due_date": "2026-04-30"} for c in row.sla]
    change(update(Case).where(Case.id == case["id"]).values(sla=clocks))
    divergence = replay(api, case["id"])["divergence"]
    assert divergence["what"] == "case.sla"
    assert divergence["expected"][0]["due_date"] == "2026-03-16" and divergence["found"][0]["due_date"] == "2026-04-30"


def test_a_removed_timer_job_is_reported(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    change(delete(TimerJob).where(TimerJob.case_id == case["id"]))
    assert replay(api, case["id"])["divergence"]["what"] == "timer_jobs"


def test_changed_completion_data_is_reported_and_breaks_the_chain(api, approved):
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.case_id == approved,
                                                       AuditEvent.type == "task_completed"))
    forged = {**event.data, "data": {**event.data["data"], "decision": "refuse", "reason": "伪造的理由"}}
    change(update(AuditEvent).where(AuditEvent.seq == event.seq).values(data=forged))
    body = replay(api, approved)
    assert body["consistent"] is False
    # the replayed refusal disagrees with the decision recorded by that very command
    divergence = body["divergence"]
    assert (divergence["seq"], divergence["what"]) == (event.seq, "case_decided")
    assert divergence["expected"][0]["status"] == "refused" and divergence["found"][0]["status"] == "granted"
    assert api.ok("GET", "/audit/verify", "auditor")["first_bad_seq"] == event.seq


def test_a_deleted_completion_event_is_reported(api, approved):
    change(delete(AuditEvent).where(AuditEvent.case_id == approved, AuditEvent.type == "task_completed"))
    # the decision recorded with the deleted completion is left without its command
    assert replay(api, approved)["divergence"]["what"] == "unexpected_event"


def test_a_changed_workflow_state_is_reported(api):
    first = api.share("zrzy_sun", "GA-HJ-001")
    second = api.share("zrzy_sun", "GA-HJ-001")
    complete(api, second, "provider_review", "ga_wang", {"decision": "approve"})
    granted_state = db.session.get(Case, second["id"]).workflow_state
    change(update(Case).where(Case.id == first["id"]).values(workflow_state=granted_state))
    assert replay(api, first["id"])["divergence"]["what"].startswith("workflow_state")


def test_a_changed_process_definition_is_reported(api, approved):
    from app.models import ProcessDefinition

    row = db.session.get(Case, approved)
    xml = row.definition.xml.replace("仅用于", "仅用于")  # same text: unchanged is consistent
    assert xml == row.definition.xml
    change(update(ProcessDefinition).where(ProcessDefinition.id == row.process_definition_id)
           .values(xml=xml.replace('decision == "approve"', 'decision != "approve"')))
    divergence = replay(api, approved)["divergence"]
    assert divergence["what"] == "process_definition_changed"


# -- who may replay --------------------------------------------------------------------------

def test_only_auditors_and_admins_replay(api, approved):
    for user in ("ga_wang", "zrzy_sun", "dsj_li"):
        assert api.post(f"/requests/{approved}/replay", user).status_code == 403
    assert api.post(f"/requests/{approved}/replay").status_code == 401
    resp = api.post("/requests/nope/replay", "auditor")
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"


# -- the calendar as it was ------------------------------------------------------------------

def _invented_2027(*extra_holidays: str) -> dict:
    """A stand-in for the 2027 notice (not out yet): the statutory days plus ``extra_holidays``."""
    from app.calendar import estimate_year

    return {"holidays": sorted(estimate_year(2027).to_dict()["holidays"] + list(extra_holidays)),
            "workdays": [], "source_ref": "国办发明电〔2026〕测试号 (2026-11-01)"}


@pytest.fixture()
def provisional(api):
    """A review filed 2026-12-18, due 10 WD later in 2027, a year with no official schedule yet."""
    api.set_clock(at(2026, 12, 18, 10))
    case = api.share("zrzy_sun", "GA-HJ-001")
    assert (case["sla"][0]["due_date"], case["sla"][0]["provisional"]) == ("2027-01-04", True)
    started = api.ok("GET", f"/requests/{case['id']}/history", "auditor")["events"][0]
    assert started["data"]["calendar"]["2027"]["source"] == "provisional"
    return case


def test_replay_counts_with_the_calendar_as_it_was_not_as_it_is(api, provisional):
    from app.models import CalendarYear

    # an official 2027 appears without the recompute (as if a release shipped it): the stored
    # deadline still stands on the estimate, and so does the replay
    body = _invented_2027("2027-01-04")
    db.session.add(CalendarYear(year=2027, holidays=body["holidays"], workdays=[], special_holidays=[],
                                source_ref=body["source_ref"], loaded_at=at(2026, 12, 19), loaded_by="sql",
                                revision=1))
    db.session.commit()
    assert api.ok("GET", "/calendar/add-working-days?start=2026-12-18&days=10", "auditor")["date"] == "2027-01-05"
    consistent(api, provisional["id"])


def test_a_deadline_recomputed_by_a_loaded_year_replays_consistent(api, provisional):
    api.set_clock(at(2026, 12, 21, 10))
    loaded = api.ok("PUT", "/calendar/years/2027", "admin", json=_invented_2027("2027-01-04"))
    assert [c["new_due_date"] for c in loaded["recomputed"]] == ["2027-01-05"]
    consistent(api, provisional["id"])
    # corrected again: the first official 2027 now lives only in its calendar_loaded event
    api.set_clock(at(2026, 12, 22, 10))
    api.ok("PUT", "/calendar/years/2027", "admin", json=_invented_2027("2027-01-04", "2027-01-05"))
    body = replay(api, provisional["id"])
    assert body["consistent"] is True, body
    assert [s["type"] for s in body["steps"]] == ["case_started", "deadline_recomputed", "deadline_recomputed"]
    api.set_clock(at(2027, 1, 7, 9))
    assert api.run_timers() == 1
    complete(api, provisional, "provider_review", "ga_wang", {"decision": "approve"})
    consistent(api, provisional["id"])


def test_a_recorded_schedule_that_can_no_longer_be_found_is_reported(api, provisional):
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.case_id == provisional["id"],
                                                       AuditEvent.type == "case_started"))
    seq, data = event.seq, {**event.data, "calendar": {**event.data["calendar"],
                                                        "2027": {"source": "official", "fp": "0" * 16}}}
    change(update(AuditEvent).where(AuditEvent.seq == seq).values(data=data))
    divergence = replay(api, provisional["id"])["divergence"]
    assert divergence["seq"] == seq and divergence["what"] == "calendar_unavailable"
    assert divergence["expected"] == {"2027": {"source": "official", "fp": "0" * 16}}


def test_a_changed_recorded_due_date_is_reported_at_its_command(api, provisional):
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.case_id == provisional["id"],
                                                       AuditEvent.type == "task_created"))
    seq = event.seq
    change(update(AuditEvent).where(AuditEvent.seq == seq).values(data={**event.data, "due_date": "2027-01-08"}))
    divergence = replay(api, provisional["id"])["divergence"]
    assert (divergence["seq"], divergence["what"]) == (seq - 1, "task_created")
    assert divergence["expected"][0]["due_date"] == "2027-01-04" and divergence["found"][0]["due_date"] == "2027-01-08"


def test_the_cli_replays_a_case_and_exits_non_zero_when_it_diverges(api, approved):
    runner = api.app.test_cli_runner()
    good = runner.invoke(args=["audit", "replay", approved])
    assert good.exit_code == 0 and '"consistent": true' in good.output
    change(update(Case).where(Case.id == approved).values(status="pending"))
    bad = runner.invoke(args=["audit", "replay", approved])
    assert bad.exit_code == 1 and "case.status" in bad.output
    assert runner.invoke(args=["audit", "replay", "nope"]).exit_code != 0
