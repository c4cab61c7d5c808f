"""The injectable clock: every "now" in the service comes from here.

SpiffWorkflow's timer events call ``datetime.now(timezone.utc)`` themselves; ``bind_spiff``
points that module at a datetime whose ``now`` reads the clock of the command that is
running, so a timer fires when *our* clock says so (tests travel in time, nobody sleeps).
"""
from __future__ import annotations

import contextvars
import threading
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc


class SystemClock:
    """Wall-clock time, always timezone-aware UTC."""

    fake = False

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """One instant: a command sees the time it started at throughout, as its events record
    it, so a replay at the recorded time computes exactly the same dates."""

    fake = False

    def __init__(self, instant: datetime):
        self._instant = instant

    def now(self) -> datetime:
        return self._instant


class FakeClock:
    """A settable clock for tests and demos (``DSF_FAKE_CLOCK=1``)."""

    fake = True

    def __init__(self, start: datetime | None = None):
        self._lock = threading.Lock()
        self._now = start or datetime.now(UTC)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("clock time needs an offset")
        with self._lock:
            self._now = when.astimezone(UTC)

    def advance(self, **delta) -> None:
        with self._lock:
            self._now += timedelta(**delta)


_current: contextvars.ContextVar = contextvars.ContextVar("dsf_clock", default=SystemClock())


@contextmanager
def use_clock(clock):
    """Make ``clock`` the one SpiffWorkflow sees while a command runs."""
    token = _current.set(clock)
    try:
        yield clock
    finally:
        _current.reset(token)


class _ClockedDatetime(datetime):
    """``datetime`` whose ``now`` is the running command's clock."""

    @classmethod
    def now(cls, tz=None):
        now = _current.get().now()
        return now.astimezone(tz) if tz else now.astimezone().replace(tzinfo=None)


def bind_spiff() -> None:
    """Route SpiffWorkflow's timer checks through the injectable clock (idempotent)."""
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    timer.datetime = _ClockedDatetime


def local_date(moment: datetime, tz: str) -> date:
    """The calendar date of ``moment`` in the service time zone."""
    return moment.astimezone(ZoneInfo(tz)).date()


def end_of_day(day: date, tz: str) -> datetime:
    """The last instant of ``day`` in the service time zone: a case is late after it."""
    return datetime.combine(day, time(23, 59, 59, 999999), ZoneInfo(tz))
