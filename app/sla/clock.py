"""SLA clock values: plain dicts kept in the workflow data, so they serialise and replay with
the case. A clock is never a single stored instant: it is a goal plus a start and a calendar,
so it can be recomputed when the calendar changes."""
from __future__ import annotations

from datetime import date


def start(key: str, name: str, working_days: int, legal_basis: str, today: date, calendar) -> dict:
    """A running clock that started today; the due date counts ``working_days`` after it."""
    due, provisional = calendar.add_working_days(today, working_days)
    return {"key": key, "name": name, "legal_basis": legal_basis, "working_days": working_days,
            "started_on": today.isoformat(), "due_date": due.isoformat(), "state": "running",
            "provisional": provisional, "stopped_on": None, "breached": False}


def stop(clock: dict, today: date) -> dict:
    """The obligation was met today: met if in time, otherwise it stays breached."""
    late = clock["breached"] or today > date.fromisoformat(clock["due_date"])
    return {**clock, "state": "breached" if late else "met", "stopped_on": today.isoformat(),
            "breached": late}


def breach(clock: dict) -> dict:
    """The deadline passed with the obligation open: recorded for supervision (Art. 6)."""
    if clock["state"] == "met":
        return clock
    return {**clock, "state": "breached", "breached": True}


def recompute(clock: dict, calendar) -> dict:
    """Due date again from the goal and start (a newly loaded official year may move it)."""
    due, provisional = calendar.add_working_days(date.fromisoformat(clock["started_on"]),
                                                 clock["working_days"])
    return {**clock, "due_date": due.isoformat(), "provisional": provisional}
