"""SLA clocks: pause/resume/restart/recompute as pure functions, then through BPMN helpers."""
from __future__ import annotations

from datetime import date

import pytest

from app.calendar import WorkCalendar, YearSchedule, estimate_year
from app.models import TimerJob
from app.extensions import db
from app.sla import clock as sla
from app.engine.deadline_timers import deadline_key
from tests.support import at

CAL = WorkCalendar.official()
D = date.fromisoformat


def _clock(started: str = "2026-03-02", days: int = 10) -> dict:
    return sla.start("review", "审核", days, "第二十一条", D(started), CAL)


# --- the clock as data ------------------------------------------------------------------------

def test_start_counts_working_days_after_the_start_day():
    clock = _clock()
    assert (clock["due_date"], clock["state"], clock["provisional"]) == ("2026-03-16", "running", False)
    assert clock["segments"] == [{"state": "running", "from": "2026-03-02", "to": None, "reason": None}]
    assert clock["remaining_working_days"] == 10 and clock["restarts"] == []


def test_pause_then_resume_moves_the_due_date_by_the_working_days_paused():
    paused = sla.pause(_clock(), "征求第三方意见", D("2026-03-04"), CAL)  # used 03-03, 03-04
    assert paused["state"] == "paused" and paused["remaining_working_days"] == 8
    assert paused["due_date"] == "2026-03-16"  # as if resumed the same day: the earliest it can be
    resumed = sla.resume(paused, D("2026-03-09"), CAL)  # 03-05, 03-06, 03-09 not counted
    assert resumed["state"] == "running" and resumed["due_date"] == "2026-03-19"
    assert resumed["segments"] == [
        {"state": "running", "from": "2026-03-02", "to": "2026-03-04", "reason": None},
        {"state": "paused", "from": "2026-03-04", "to": "2026-03-09", "reason": "征求第三方意见"},
        {"state": "running", "from": "2026-03-09", "to": None, "reason": None}]
    assert CAL.working_days_between(D("2026-03-02"), D("2026-03-04")) \
        + CAL.working_days_between(D("2026-03-09"), D("2026-03-19")) == 10


def test_pause_and_resume_on_the_same_day_change_nothing():
    clock = _clock()
    same = sla.resume(sla.pause(clock, "x", D("2026-03-05"), CAL), D("2026-03-05"), CAL)
    assert same["due_date"] == clock["due_date"]


def test_a_weekend_or_holiday_pause_costs_nothing():
    clock = _clock("2026-02-10", 5)  # 11, 12, 13, 14 (make-up Saturday), 24
    assert clock["due_date"] == "2026-02-24"
    resumed = sla.resume(sla.pause(clock, "x", D("2026-02-15"), CAL), D("2026-02-23"), CAL)
    assert resumed["due_date"] == "2026-02-24"  # the whole pause fell in the Spring Festival


def test_several_pauses_add_up():
    clock = _clock()
    clock = sla.resume(sla.pause(clock, "a", D("2026-03-03"), CAL), D("2026-03-05"), CAL)  # 04, 05 off
    clock = sla.resume(sla.pause(clock, "b", D("2026-03-10"), CAL), D("2026-03-11"), CAL)  # 11 off
    assert clock["due_date"] == "2026-03-19"
    assert [s["reason"] for s in clock["segments"] if s["state"] == "paused"] == ["a", "b"]


def test_stop_while_paused_with_days_left_is_met_even_past_the_earliest_due_date():
    paused = sla.pause(_clock(), "x", D("2026-03-04"), CAL)
    done = sla.stop(paused, D("2026-04-01"))
    assert (done["state"], done["breached"], done["stopped_on"]) == ("met", False, "2026-04-01")
    assert done["segments"][-1]["to"] == "2026-04-01"


def test_a_pause_after_the_deadline_does_not_rescue_it():
    paused = sla.pause(_clock(), "x", D("2026-03-18"), CAL)
    assert paused["remaining_working_days"] == 0 and paused["due_date"] == "2026-03-16"
    assert sla.is_late(paused, D("2026-03-18"))
    resumed = sla.resume(paused, D("2026-03-25"), CAL)
    assert resumed["due_date"] == "2026-03-16"
    assert sla.stop(resumed, D("2026-03-26"))["state"] == "breached"


def test_breach_is_sticky_across_pause_and_resume():
    breached = sla.breach(_clock())
    paused = sla.pause(breached, "x", D("2026-03-17"), CAL)
    assert paused["state"] == "paused" and paused["breached"]
    assert sla.breach(paused)["state"] == "paused"
    assert sla.resume(paused, D("2026-03-18"), CAL)["state"] == "breached"
    assert sla.stop(sla.resume(paused, D("2026-03-18"), CAL), D("2026-03-18"))["state"] == "breached"


def test_met_in_time_and_breached_when_late():
    assert sla.stop(_clock(), D("2026-03-16"))["state"] == "met"
    assert sla.stop(_clock(), D("2026-03-17"))["state"] == "breached"
    assert sla.breach(sla.stop(_clock(), D("2026-03-05")))["state"] == "met"


def test_restart_from_zero_keeps_the_earlier_runs():
    first = sla.pause(_clock(), "补正", D("2026-03-04"), CAL)
    second = sla.start("review", "审核", 10, "第二十一条", D("2026-03-10"), CAL, previous=first)
    assert (second["started_on"], second["due_date"], second["state"]) == ("2026-03-10", "2026-03-24", "running")
    assert len(second["restarts"]) == 1
    earlier = second["restarts"][0]
    assert (earlier["started_on"], earlier["restarted_on"], earlier["state"]) == ("2026-03-02", "2026-03-10", "paused")
    assert earlier["segments"][-1] == {"state": "paused", "from": "2026-03-04", "to": "2026-03-10", "reason": "补正"}
    third = sla.start("review", "审核", 10, "第二十一条", D("2026-03-12"), CAL, previous=second)
    assert [r["started_on"] for r in third["restarts"]] == ["2026-03-02", "2026-03-10"]
    assert "restarts" not in third["restarts"][1]


def test_misuse_is_refused():
    clock = _clock()
    with pytest.raises(sla.ClockError):
        sla.resume(clock, D("2026-03-03"), CAL)
    paused = sla.pause(clock, "x", D("2026-03-03"), CAL)
    with pytest.raises(sla.ClockError):
        sla.pause(paused, "again", D("2026-03-04"), CAL)
    with pytest.raises(sla.ClockError):
        sla.pause(sla.stop(clock, D("2026-03-03")), "late", D("2026-03-04"), CAL)


def test_recompute_with_a_newly_official_year_even_across_a_pause():
    clock = _clock("2026-12-18")
    assert (clock["due_date"], clock["provisional"]) == ("2027-01-04", True)
    invented = estimate_year(2027).to_dict()
    invented.update(source="official", source_ref="测试通知", holidays=invented["holidays"] + ["2027-01-04"])
    official = CAL.with_year(YearSchedule.from_dict(invented))
    assert (sla.recompute(clock, official)["due_date"], sla.recompute(clock, official)["provisional"]) \
        == ("2027-01-05", False)
    paused = sla.resume(sla.pause(clock, "x", D("2026-12-22"), CAL), D("2026-12-24"), CAL)  # 23, 24 off
    assert paused["due_date"] == "2027-01-06" and paused["provisional"]
    assert sla.recompute(paused, official)["due_date"] == "2027-01-07"


def test_clocks_stored_before_segments_still_work():
    old = {"key": "review", "name": "审核", "legal_basis": "x", "working_days": 10, "started_on": "2026-03-02",
           "due_date": "2026-03-16", "state": "running", "provisional": False, "stopped_on": None,
           "breached": False}
    assert sla.stop(old, D("2026-03-10"))["state"] == "met"
    assert sla.resume(sla.pause(old, "x", D("2026-03-04"), CAL), D("2026-03-09"), CAL)["due_date"] == "2026-03-19"
    assert sla.recompute(old, CAL)["due_date"] == "2026-03-16"


def test_which_years_a_clock_touches():
    clock = _clock("2026-12-18")  # provisional: every year load is a candidate
    assert sla.touches_year(clock, 2030)
    settled = _clock("2026-03-02")
    assert sla.touches_year(settled, 2026) and not sla.touches_year(settled, 2027)
    assert sla.touches_year(sla.pause(settled, "x", D("2026-03-03"), CAL), 2027)


@pytest.mark.parametrize("expression, key", [
    ('sla_deadline("review")', "review"), ("  sla_deadline('a b') ", "a b"),
    ('sla_deadline(key)', None), ('today()', None), ('"2026-01-01T00:00:00"', None), ("(", None), (None, None)])
def test_deadline_timer_expressions_are_recognised(expression, key):
    assert deadline_key(expression) == key


# --- the helpers in a running model -----------------------------------------------------------

def _model() -> str:
    """A review with an SLA timer; a parallel branch pauses, resumes and restarts its clock."""
    def script(element: str, code: str) -> str:
        return f'<bpmn:scriptTask id="{element}"><bpmn:script>{code}</bpmn:script></bpmn:scriptTask>'

    flows = [("start", "clock"), ("clock", "split"), ("split", "review"), ("split", "consult"),
             ("review", "stop"), ("stop", "done"), ("late", "breach"), ("breach", "late_end"),
             ("consult", "pause"), ("pause", "consult_done"), ("consult_done", "resume"),
             ("resume", "supplement"), ("supplement", "restart"), ("restart", "branch_end")]
    flow_xml = "".join(f'<bpmn:sequenceFlow id="f{n}" sourceRef="{a}" targetRef="{b}" />'
                       for n, (a, b) in enumerate(flows))
    users = ("review", "consult", "consult_done", "supplement")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="urn:t">
  <bpmn:process id="share_request" name="计时测试" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="provider" name="提供单位">
      {"".join(f"<bpmn:flowNodeRef>{u}</bpmn:flowNodeRef>" for u in users)}
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start" />
    {script("clock", 'sla_start("review", "答复", 5, "测试依据")')}
    <bpmn:parallelGateway id="split" />
    {"".join(f'<bpmn:userTask id="{u}" name="{u}" />' for u in users)}
    <bpmn:boundaryEvent id="late" attachedToRef="review" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDate>sla_deadline("review")</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    {script("breach", 'sla_breach("review")')}
    {script("stop", 'sla_stop("review")' + chr(10) + 'decide("granted", decision="approve")')}
    {script("pause", 'sla_pause("review", "征求第三方意见")')}
    {script("resume", 'sla_resume("review")')}
    {script("restart", 'sla_start("review", "答复", 5, "测试依据")')}
    <bpmn:endEvent id="done"><bpmn:terminateEventDefinition /></bpmn:endEvent>
    <bpmn:endEvent id="late_end" /><bpmn:endEvent id="branch_end" />
    {flow_xml}
  </bpmn:process>
</bpmn:definitions>"""


@pytest.fixture()
def timed(api):
    api.ok("POST", "/process-definitions", "admin", 201, data=_model().encode(), content_type="application/xml")
    return api


def _work(api, case_id: str, key: str, when) -> dict:
    api.set_clock(when)
    task = api.task_of(api.ok("GET", f"/requests/{case_id}", "ga_wang"), key)
    return api.ok("POST", f"/tasks/{task['id']}/complete", "ga_wang", json={})


def _review(case: dict) -> dict:
    return next(c for c in case["sla"] if c["key"] == "review")


def _timer_due(case_id: str) -> str:
    db.session.rollback()
    job = db.session.query(TimerJob).filter_by(case_id=case_id, state="waiting").one()
    return job.due_at.isoformat()


def test_a_paused_clock_does_not_fire_and_resume_moves_the_timer(timed):
    api = timed
    case = api.share("zrzy_sun", "GA-HJ-001")  # Mon 2026-03-02: 5 WD -> 03-09
    assert _review(case)["due_date"] == "2026-03-09"
    assert _timer_due(case["id"]) == "2026-03-09T15:59:59.999999+00:00"

    paused = _work(api, case["id"], "consult", at(2026, 3, 4, 10))  # used 03-03, 03-04
    clock = _review(paused)
    assert (clock["state"], clock["remaining_working_days"]) == ("paused", 3)
    assert clock["segments"][-1] == {"state": "paused", "from": "2026-03-04", "to": None, "reason": "征求第三方意见"}
    assert _timer_due(case["id"]).startswith("9999-12-30")
    assert api.task_of(paused, "review")["due_date"] is None  # no deadline while paused

    api.set_clock(at(2026, 3, 20, 9))  # long past the original deadline
    assert api.run_timers() == 0
    assert api.ok("GET", "/tasks?overdue=true", "ga_wang")["items"] == []

    resumed = _work(api, case["id"], "consult_done", at(2026, 3, 20, 10))  # 3 WD from 03-20
    assert _review(resumed)["state"] == "running" and _review(resumed)["due_date"] == "2026-03-25"
    assert api.task_of(resumed, "review")["due_date"] == "2026-03-25"
    assert _timer_due(case["id"]) == "2026-03-25T15:59:59.999999+00:00"

    api.fires_only_after(at(2026, 3, 25, 23, 59, 59), at(2026, 3, 26, 0, 0, 1))
    assert _review(api.ok("GET", f"/requests/{case['id']}", "ga_wang"))["state"] == "breached"


def test_restart_from_zero_moves_the_timer_and_keeps_history(timed):
    api = timed
    case = api.share("zrzy_sun", "GA-HJ-001")
    _work(api, case["id"], "consult", at(2026, 3, 3, 10))
    _work(api, case["id"], "consult_done", at(2026, 3, 5, 10))  # due 03-11
    restarted = _work(api, case["id"], "supplement", at(2026, 3, 10, 10))
    clock = _review(restarted)
    assert (clock["started_on"], clock["due_date"], clock["state"]) == ("2026-03-10", "2026-03-17", "running")
    assert [(r["started_on"], r["restarted_on"], r["due_date"]) for r in clock["restarts"]] == [
        ("2026-03-02", "2026-03-10", "2026-03-11")]
    assert [s["state"] for s in clock["restarts"][0]["segments"]] == ["running", "paused", "running"]
    assert _timer_due(case["id"]) == "2026-03-17T15:59:59.999999+00:00"
    api.set_clock(at(2026, 3, 12, 9))
    assert api.run_timers() == 0  # the earlier run's deadline (03-11) is gone


def test_approval_while_paused_is_met(timed):
    api = timed
    case = api.share("zrzy_sun", "GA-HJ-001")
    _work(api, case["id"], "consult", at(2026, 3, 4, 10))
    done = _work(api, case["id"], "review", at(2026, 3, 30, 10))
    assert done["status"] == "granted"
    assert (_review(done)["state"], _review(done)["stopped_on"]) == ("met", "2026-03-30")
    api.set_clock(at(2027, 1, 1, 9))
    assert api.run_timers() == 0


def test_resuming_a_running_clock_is_a_model_error(api):
    bad = _model().replace('sla_pause("review", "征求第三方意见")', 'sla_resume("review")')
    api.ok("POST", "/process-definitions", "admin", 201, data=bad.encode(), content_type="application/xml")
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "consult")
    resp = api.post(f"/tasks/{task['id']}/complete", "ga_wang", json={})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "engine_error"
    assert _review(api.ok("GET", f"/requests/{case['id']}", "ga_wang"))["state"] == "running"
