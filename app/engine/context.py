"""What a running command lends the engine: its clock, time zone, calendar and workflow.

Script helper functions read it through a context variable, so one script engine (with its
compiled-code cache) serves every command and every thread.
"""
from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from app.engine.calendar_facts import RecordingCalendar
from app.engine.clock import local_date, use_clock


@dataclass
class EngineContext:
    clock: object
    tz: str
    calendar_source: object  # a WorkCalendar, or a callable returning one (looked up on first use)
    workflow: object = None
    calendar_facts: dict = field(default_factory=dict)  # years consulted -> source, for audit/replay
    notices: list = field(default_factory=list)  # what scripts asked to tell the applicant

    @property
    def calendar(self):
        """The working-day calendar; most commands never need it, so it is fetched lazily.
        It notes the years it is asked about in ``calendar_facts`` (see calendar_facts.py)."""
        if not isinstance(self.calendar_source, RecordingCalendar):
            source = self.calendar_source() if callable(self.calendar_source) else self.calendar_source
            self.calendar_source = RecordingCalendar(source, self.calendar_facts)
        return self.calendar_source

    def today(self) -> date:
        return local_date(self.clock.now(), self.tz)


_current: contextvars.ContextVar[EngineContext | None] = contextvars.ContextVar("dsf_engine", default=None)


def current() -> EngineContext:
    ctx = _current.get()
    if ctx is None:
        raise RuntimeError("no engine context: scripts run only inside a command")
    return ctx


@contextmanager
def engine_context(ctx: EngineContext):
    token = _current.set(ctx)
    try:
        with use_clock(ctx.clock):
            yield ctx
    finally:
        _current.reset(token)
