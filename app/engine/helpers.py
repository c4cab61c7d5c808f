"""Functions BPMN scripts and expressions may call: dates, working days, SLA clocks, outcome.

SLA clocks and the outcome live in the workflow-level data (``workflow.data``), so parallel
branches (a review and its escalation) see one clock, and the projections read them there.
"""
from __future__ import annotations

from datetime import date

from app.engine.clock import end_of_day
from app.engine.context import current
from app.sla import clock as sla

OUTCOME_STATUSES = ("granted", "refused", "abandoned", "completed")


def today() -> str:
    """Today's date in the service time zone, ISO format."""
    return current().today().isoformat()


def add_working_days(start: str, days: int) -> str:
    """The ``days``-th working day after ``start`` (start itself not counted)."""
    due, _provisional = current().calendar.add_working_days(date.fromisoformat(start), int(days))
    return due.isoformat()


def _clocks() -> dict:
    return current().workflow.data.setdefault("sla", {})


def sla_start(key: str, name: str, working_days: int, legal_basis: str) -> str:
    """Start (or restart from zero) SLA clock ``key`` today; returns its due date."""
    ctx = current()
    clock = sla.start(key, name, int(working_days), legal_basis, ctx.today(), ctx.calendar)
    _clocks()[key] = clock
    return clock["due_date"]


def sla_stop(key: str) -> str:
    """Stop clock ``key`` because its obligation was met today; returns the final state."""
    ctx = current()
    clock = sla.stop(_clocks()[key], ctx.today())
    _clocks()[key] = clock
    return clock["state"]


def sla_breach(key: str) -> str:
    """Record that clock ``key`` ran out (its timer fired); it stays breached when stopped."""
    clock = sla.breach(_clocks()[key])
    _clocks()[key] = clock
    return clock["state"]


def sla_deadline(key: str) -> str:
    """The instant after which clock ``key`` is late: a timer expression (timeDate)."""
    ctx = current()
    return end_of_day(date.fromisoformat(_clocks()[key]["due_date"]), ctx.tz).isoformat()


def decide(status: str, decision: str | None = None, reason: str | None = None,
           conditions: str | None = None, reply_type: str | None = None) -> str:
    """Set the case outcome (the projection turns it into the request's status)."""
    if status not in OUTCOME_STATUSES:
        raise ValueError(f"unknown outcome status {status!r}")
    current().workflow.data["outcome"] = {"status": status, "decision": decision, "reason": reason,
                                          "conditions": conditions, "reply_type": reply_type}
    return status


HELPERS = {f.__name__: f for f in (today, add_working_days, sla_start, sla_stop, sla_breach,
                                   sla_deadline, decide)}
