"""SLA clock values: plain dicts kept in the workflow data, so they serialise and replay with
the case. A clock is never a single stored instant: it is a goal in working days plus run and
pause segments, so it can be recomputed when the calendar changes or a pause ends.

Fields of a clock (dates are ``YYYY-MM-DD`` strings in the service time zone):

``key``, ``name``, ``legal_basis``   which obligation, and its legal source
``working_days``                     the goal, N working days (WD)
``started_on``                       the day the current run started (not itself counted)
``due_date``                         the last day in time; late after its 23:59:59
``state``                            ``running`` | ``paused`` | ``met`` | ``breached``
``breached``                         the deadline passed with the obligation open (sticky)
``provisional``                      some year counted has no official schedule yet
``stopped_on``                       the day the obligation was met (None while open)
``remaining_working_days``           WD left to count from the start of the current run (while
                                     paused: of the next run); 0 once the goal was reached
``segments``                         ``[{"state": "running"|"paused", "from", "to", "reason"}]``
``restarts``                         earlier runs, oldest first, each with ``restarted_on``
``extensions``                       approved extensions ``[{"days", "reason", "on"}]`` (in the goal)

Counting rule (PRODUCT.md): a run from day A consumes the working days in (A, B] where B is
the day it ends, exactly as the start day of a deadline is not counted. So a clock paused on
day P and resumed on day R has used the WD in (start, P]; the WD in (P, R] are not counted;
the remaining WD are counted from R (R itself not counted, like a start). While paused,
``due_date`` is where the deadline would fall if the clock resumed that same day (a lower
bound); it moves out on resume. Pausing and resuming on the same day changes nothing.
"""
from __future__ import annotations

from datetime import date

OPEN_STATES = ("running", "paused")
_RUN, _PAUSE = "running", "paused"


class ClockError(ValueError):
    """A model used a clock in a way that makes no sense (resume a clock that is not paused)."""


def start(key: str, name: str, working_days: int, legal_basis: str, today: date, calendar,
          previous: dict | None = None) -> dict:
    """A running clock that started today; with ``previous`` it restarts from zero and keeps
    the earlier run in ``restarts`` (e.g. 补正: the 20 WD restart when the supplement arrives)."""
    if working_days < 0:
        raise ClockError(f"clock {key!r}: working_days must be >= 0")
    clock = {"key": key, "name": name, "legal_basis": legal_basis, "working_days": working_days,
             "started_on": today.isoformat(), "due_date": None, "state": _RUN, "provisional": False,
             "stopped_on": None, "breached": False, "remaining_working_days": working_days,
             "segments": [_segment(_RUN, today)], "restarts": []}
    if previous is not None:
        earlier = {k: v for k, v in _upgraded(previous).items() if k != "restarts"}
        earlier["segments"] = _closed(earlier["segments"], today)
        clock["restarts"] = [*previous.get("restarts", []), {**earlier, "restarted_on": today.isoformat()}]
    return _with_due(clock, calendar)


def pause(clock: dict, reason: str, today: date, calendar) -> dict:
    """Stop counting from the end of today (e.g. third-party consultation, Art. 32)."""
    clock = _upgraded(clock)
    if clock["stopped_on"] or clock["state"] not in (_RUN, "breached"):
        raise ClockError(f"clock {clock['key']!r} is {clock['state']}; only a running clock can pause")
    segments = _closed(clock["segments"], today) + [_segment(_PAUSE, today, reason)]
    return _with_due({**clock, "state": _PAUSE, "segments": segments}, calendar)


def resume(clock: dict, today: date, calendar) -> dict:
    """Count again from today (today not counted); the due date moves out by the pause."""
    clock = _upgraded(clock)
    if clock["state"] != _PAUSE:
        raise ClockError(f"clock {clock['key']!r} is {clock['state']}; only a paused clock can resume")
    segments = _closed(clock["segments"], today) + [_segment(_RUN, today)]
    state = "breached" if clock["breached"] else _RUN
    return _with_due({**clock, "state": state, "segments": segments}, calendar)


def extend(clock: dict, days: int, reason: str, today: date, calendar) -> dict:
    """Lengthen the goal by ``days`` WD (e.g. Art. 33 extension, approved); kept in ``extensions``."""
    clock = _upgraded(clock)
    if days < 1 or not is_open(clock) and clock["state"] != "breached":
        raise ClockError(f"clock {clock['key']!r}: cannot extend by {days} when {clock['state']}")
    extensions = [*clock.get("extensions", []), {"days": days, "reason": reason, "on": today.isoformat()}]
    return _with_due({**clock, "working_days": clock["working_days"] + days, "extensions": extensions},
                     calendar)


def stop(clock: dict, today: date) -> dict:
    """The obligation was met today: met if in time, otherwise it stays breached."""
    clock = _upgraded(clock)
    late = clock["breached"] or is_late(clock, today)
    return {**clock, "state": "breached" if late else "met", "stopped_on": today.isoformat(),
            "breached": late, "segments": _closed(clock["segments"], today)}


def breach(clock: dict) -> dict:
    """The deadline passed with the obligation open: recorded for supervision (Art. 6).
    A paused clock stays paused (it shows ``breached: true``) until it resumes."""
    clock = _upgraded(clock)
    if clock["state"] == "met":
        return clock
    return {**clock, "state": _PAUSE if clock["state"] == _PAUSE else "breached", "breached": True}


def recompute(clock: dict, calendar) -> dict:
    """Due date again from the goal and the segments (a newly loaded official year may move it)."""
    return _with_due(_upgraded(clock), calendar)


def is_late(clock: dict, today: date) -> bool:
    """Past the due date with days still owed. A paused clock with days left is never late."""
    if clock["state"] == _PAUSE and clock.get("remaining_working_days", 0) > 0:
        return False
    return today > date.fromisoformat(clock["due_date"])


def is_open(clock: dict) -> bool:
    """Running or paused (not yet breached or stopped): its deadline can still move."""
    return clock["state"] in OPEN_STATES and not clock.get("stopped_on")


def touches_year(clock: dict, year: int) -> bool:
    """Whether a schedule for ``year`` can move this clock's due date."""
    first = date.fromisoformat(_upgraded(clock)["segments"][0]["from"]).year
    last = date.fromisoformat(clock["due_date"]).year
    return clock.get("provisional", False) or first <= year <= last \
        or (clock["state"] == _PAUSE and first <= year)


# -- internals ---------------------------------------------------------------------------------

def _segment(state: str, day: date, reason: str | None = None) -> dict:
    return {"state": state, "from": day.isoformat(), "to": None, "reason": reason}


def _closed(segments: list[dict], today: date) -> list[dict]:
    """Segments with the open one ended today."""
    return [{**s, "to": today.isoformat()} if s["to"] is None else s for s in segments]


def _upgraded(clock: dict) -> dict:
    """Clocks stored before segments existed: one run from ``started_on``."""
    if "segments" in clock:
        return clock
    run = {"state": _RUN, "from": clock["started_on"], "to": clock.get("stopped_on"), "reason": None}
    return {**clock, "segments": [run], "restarts": [], "remaining_working_days": 0}


def _with_due(clock: dict, calendar) -> dict:
    """Walk the run segments to the day the goal is reached; paused: as if resumed today."""
    left = clock["working_days"]
    due = None
    for seg in clock["segments"]:
        if seg["state"] != _RUN:
            continue
        begin = date.fromisoformat(seg["from"])
        if seg["to"] is None:
            due = calendar.add_working_days(begin, left)[0]
            break
        used = calendar.working_days_between(begin, date.fromisoformat(seg["to"]))
        if used >= left:
            due, left = calendar.add_working_days(begin, left)[0], 0
            break
        left -= used
    if due is None:  # paused (or stopped) with days left: they would run from its last day
        anchor = clock["segments"][-1]["from"] if clock["state"] == _PAUSE else \
            (clock["stopped_on"] or clock["segments"][-1]["to"])
        due = calendar.add_working_days(date.fromisoformat(anchor), left)[0]
    first = date.fromisoformat(clock["segments"][0]["from"]).year
    provisional = any(calendar.is_provisional(y) for y in range(first, due.year + 1))
    return {**clock, "due_date": due.isoformat(), "provisional": provisional,
            "remaining_working_days": left}
