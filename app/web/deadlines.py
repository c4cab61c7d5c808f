"""Deadlines as a clerk reads them: working days left (or overdue by), and SLA clocks with
a running clock past its due date shown as breached."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.services import calendar, today  # noqa: F401 (pages import today from here)


@dataclass
class Due:
    due_date: date | None
    overdue: bool
    working_days: int | None  # left when on time, elapsed since the due date when overdue
    provisional: bool = False


def due(due_date: date | None, on: date | None = None) -> Due:
    """How a due date stands on ``on`` (default today): late after the due date itself."""
    if due_date is None:
        return Due(None, False, None)
    on = on or today()
    work = calendar()
    if on > due_date:
        return Due(due_date, True, work.working_days_between(due_date, on))
    return Due(due_date, False, work.working_days_between(on, due_date),
               work.is_provisional(due_date.year))


def clock_view(value: dict, on: date | None = None, closed: bool = False) -> dict:
    """A stored SLA clock for display: ``state`` breached once a running clock is late;
    ``stopped`` when the case is closed (withdrawn, decided) while it was still counting."""
    on = on or today()
    out = dict(value)
    if closed and out.get("state") in ("running", "paused"):
        out["state"] = "stopped"
        return out
    if out.get("state") == "running" and out.get("due_date") and on > date.fromisoformat(out["due_date"]):
        out["state"] = "breached"
    if out.get("state") in ("running", "breached") and out.get("due_date") and not out.get("stopped_on"):
        out["due"] = due(date.fromisoformat(out["due_date"]), on)
    return out
