"""Functions BPMN scripts and expressions may call: dates, working days, SLA clocks, outcome.

SLA clocks and the outcome live in the workflow-level data (``workflow.data``), so parallel
branches (a review and its escalation) see one clock, and the projections read them there.
"""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from app.engine.clock import end_of_day
from app.engine.context import current
from app.sla import clock as sla
from app.engine.deadline_timers import reschedule_deadline_timers

OUTCOME_STATUSES = ("granted", "refused", "abandoned", "completed")
PAUSED_UNTIL = date(9999, 12, 30)  # a paused clock's timer waits "for ever" (until it resumes)


def today() -> str:
    """Today's date in the service time zone, ISO format."""
    return current().today().isoformat()


def add_working_days(start: str, days: int) -> str:
    """The ``days``-th working day after ``start`` (start itself not counted)."""
    due, _provisional = current().calendar.add_working_days(date.fromisoformat(start), int(days))
    return due.isoformat()


def _clocks() -> dict:
    return current().workflow.data.setdefault("sla", {})


def _clock(key: str) -> dict:
    clock = _clocks().get(key)
    if clock is None:
        raise ValueError(f"no SLA clock {key!r}: call sla_start first")
    return clock


def _moved(key: str, clock: dict) -> None:
    """Store the changed clock and move the timers waiting on its deadline."""
    _clocks()[key] = clock
    reschedule_deadline_timers(current().workflow, key)


def sla_start(key: str, name: str, working_days: int, legal_basis: str, started_on: str | None = None) -> str:
    """Start clock ``key`` today (or on ``started_on``, e.g. the day an application was received),
    or restart it from zero (its earlier run is kept in ``restarts``); returns the due date."""
    ctx = current()
    start_day = date.fromisoformat(started_on) if started_on else ctx.today()
    clock = sla.start(key, name, int(working_days), legal_basis, start_day, ctx.calendar,
                      previous=_clocks().get(key))
    _moved(key, clock)
    return clock["due_date"]


def sla_pause(key: str, reason: str) -> str:
    """Stop counting clock ``key`` after today (e.g. third-party consultation); its deadline
    timer waits until the clock resumes. Returns the state."""
    ctx = current()
    clock = sla.pause(_clock(key), str(reason), ctx.today(), ctx.calendar)
    _moved(key, clock)
    return clock["state"]


def sla_resume(key: str) -> str:
    """Count clock ``key`` again from today; returns the new due date."""
    ctx = current()
    clock = sla.resume(_clock(key), ctx.today(), ctx.calendar)
    _moved(key, clock)
    return clock["due_date"]


def sla_extend(key: str, days: int, reason: str) -> str:
    """Lengthen clock ``key`` by ``days`` working days (an approved extension); returns the due date."""
    ctx = current()
    clock = sla.extend(_clock(key), int(days), str(reason), ctx.today(), ctx.calendar)
    _moved(key, clock)
    return clock["due_date"]


def sla_due(key: str) -> str:
    """The current due date of clock ``key`` (e.g. to tell the applicant)."""
    return _clock(key)["due_date"]


def sla_stop(key: str) -> str:
    """Stop clock ``key`` because its obligation was met today; returns the final state."""
    ctx = current()
    clock = sla.stop(_clock(key), ctx.today())
    _clocks()[key] = clock
    return clock["state"]


def sla_breach(key: str) -> str:
    """Record that clock ``key`` ran out (its timer fired); it stays breached when stopped."""
    clock = sla.breach(_clock(key))
    _clocks()[key] = clock
    return clock["state"]


def sla_state(key: str) -> str:
    """The state of clock ``key`` (running, paused, met, breached): e.g. to escalate a breach once."""
    return _clock(key)["state"]


def sla_deadline(key: str) -> str:
    """The instant after which clock ``key`` is late: a timer expression (timeDate).
    While the clock is paused it is far in the future: the timer waits for the resume."""
    ctx = current()
    clock = _clock(key)
    day = PAUSED_UNTIL if clock["state"] == "paused" else date.fromisoformat(clock["due_date"])
    return end_of_day(day, ctx.tz).isoformat()


def day_start(day: str) -> str:
    """The first instant of ``day`` in the service time zone: a timer expression (timeDate) for
    something that happens on a day (e.g. the effective day of a change notice)."""
    return datetime.combine(date.fromisoformat(day), time(0), ZoneInfo(current().tz)).isoformat()


def decide(status: str, decision: str | None = None, reason: str | None = None,
           conditions: str | None = None, reply_type: str | None = None) -> str:
    """Set the case outcome (the projection turns it into the request's status)."""
    if status not in OUTCOME_STATUSES:
        raise ValueError(f"unknown outcome status {status!r}")
    current().workflow.data["outcome"] = {"status": status, "decision": decision, "reason": reason,
                                          "conditions": conditions, "reply_type": reply_type}
    return status


def reopen(reason: str) -> str:
    """Take a decided case up again (a late supplement accepted for a good reason): the outcome
    says so and the status goes back to ``pending`` until the next ``decide``."""
    current().workflow.data["outcome"] = {"status": "pending", "decision": "reopened", "reason": str(reason),
                                          "conditions": None, "reply_type": None}
    return "pending"


def notify_party(to: str, kind: str, **params) -> str:
    """A written notice to someone other than the applicant (e.g. a third party told that
    information is disclosed over their objection): recorded on the case as ``party_notified``,
    never shown to the applicant."""
    current().notices.append({"kind": str(kind), "to": str(to), **params})
    return kind


def notify(kind: str, **params) -> str:
    """Tell the applicant something (a supplement request, an extension): recorded with the
    command as an ``applicant_notified`` event, which GET /notifications shows them."""
    current().notices.append({"kind": str(kind), **params})
    return kind


HELPERS = {f.__name__: f for f in (today, add_working_days, sla_start, sla_pause, sla_resume, sla_extend,
                                   sla_due, sla_stop, sla_breach, sla_state, sla_deadline, day_start, decide, reopen,
                                   notify, notify_party)}
