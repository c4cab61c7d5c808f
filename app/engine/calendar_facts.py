"""Which calendar years a command counted with, so a replay can count with the same ones.

A deadline depends on the holiday schedule in force when it was computed, and schedules
change (an official year replaces an estimate; a new release ships a new year). The engine
context hands scripts a ``RecordingCalendar``: it answers exactly like the calendar it wraps
and notes every year it was asked about as ``{"<year>": {"source", "fp"}}``, where ``fp`` is a
short fingerprint of the days that matter for counting. The unit of work stores these facts
in the command's audit event; replay finds a schedule with the same fingerprint (shipped,
loaded, audited or estimated) and counts with it, or reports that it cannot.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date


def fingerprint(schedule) -> str:
    """16 hex digits over source, holidays and make-up workdays (not the citation text)."""
    body = {"source": schedule.source, "holidays": sorted(d.isoformat() for d in schedule.holidays),
            "workdays": sorted(d.isoformat() for d in schedule.workdays)}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:16]


class RecordingCalendar:
    """A WorkCalendar that writes each year it is consulted about into ``facts``."""

    def __init__(self, calendar, facts: dict):
        self.inner = calendar
        self.facts = facts

    def _note(self, first: int, last: int | None = None) -> None:
        for year in range(first, (last if last is not None else first) + 1):
            key = str(year)
            if key not in self.facts:
                schedule = self.inner.year(year)
                self.facts[key] = {"source": schedule.source, "fp": fingerprint(schedule)}

    def add_working_days(self, start: date, n: int):
        due, provisional = self.inner.add_working_days(start, n)
        self._note(start.year, due.year)
        return due, provisional

    def working_days_between(self, start: date, end: date) -> int:
        self._note(start.year, max(start.year, end.year))
        return self.inner.working_days_between(start, end)

    def is_working_day(self, day: date) -> bool:
        self._note(day.year)
        return self.inner.is_working_day(day)

    def is_provisional(self, year: int) -> bool:
        self._note(year)
        return self.inner.is_provisional(year)

    def year(self, year: int):
        self._note(year)
        return self.inner.year(year)

    def __getattr__(self, name):  # anything else (schedules, with_year...) is not counting
        return getattr(self.inner, name)
