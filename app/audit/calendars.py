"""The calendar as it was when a recorded command counted its deadlines.

Each command's event names the years it consulted with a fingerprint of each schedule
(app/engine/calendar_facts.py). To count again with exactly those schedules, replay looks
for a schedule with that fingerprint among every one it can still find: the official years
shipped with this release, the years loaded into the database, every ``calendar_loaded``
event in the audit log (so a year loaded and later corrected is not lost), and the statutory
estimate of the year. A year it cannot find is reported, never silently replaced.
"""
from __future__ import annotations

import functools

from sqlalchemy import select

from app.calendar import ScheduleError, WorkCalendar, YearSchedule, estimate_year, load_official_schedules
from app.engine.calendar_facts import fingerprint
from app.extensions import db
from app.models import AuditEvent
from app.services import calendar as calendar_in_force

_SCHEDULE_KEYS = ("year", "source_ref", "holidays", "workdays", "special_holidays")


class CalendarUnavailable(Exception):
    def __init__(self, year: str, fact: dict):
        super().__init__(year)
        self.year, self.fact = year, fact


@functools.lru_cache(maxsize=1)
def _shipped() -> dict[int, YearSchedule]:
    return load_official_schedules()


@functools.lru_cache(maxsize=256)
def _calendar(schedules: tuple[YearSchedule, ...]) -> WorkCalendar:
    """Schedules are immutable values: one calendar (with its warm indexes) per combination."""
    return WorkCalendar({s.year: s for s in schedules})


class CalendarArchive:
    """Every schedule still to be found, by year and fingerprint; one per replay."""

    def __init__(self):
        self.now = calendar_in_force()
        self._by_year: dict[int, dict[str, YearSchedule]] = {}
        self._audited: list[YearSchedule] | None = None

    def calendar_for(self, facts: dict) -> WorkCalendar:
        """A calendar counting each recorded year with its recorded schedule; the calendar in
        force when it already has them all (the usual case)."""
        if all(fingerprint(self.now.year(int(y))) == f["fp"] for y, f in facts.items()):
            return self.now
        return _calendar(tuple(self.find(int(year), fact) for year, fact in sorted(facts.items())))

    def find(self, year: int, fact: dict) -> YearSchedule:
        schedule = self._candidates(year).get(fact["fp"])
        if schedule is None:
            raise CalendarUnavailable(str(year), fact)
        return schedule

    def _candidates(self, year: int) -> dict[str, YearSchedule]:
        if year not in self._by_year:
            found = [_shipped().get(year), self.now.schedules.get(year), estimate_year(year),
                     *(s for s in self._audited_schedules() if s.year == year)]
            self._by_year[year] = {fingerprint(s): s for s in reversed(found) if s is not None}
        return self._by_year[year]

    def _audited_schedules(self) -> list[YearSchedule]:
        """Every schedule an admin ever loaded, from the (hash-chained) audit log."""
        if self._audited is None:
            self._audited = []
            for data in db.session.scalars(select(AuditEvent.data).where(AuditEvent.type == "calendar_loaded")):
                try:
                    self._audited.append(YearSchedule.from_dict(
                        {k: data[k] for k in _SCHEDULE_KEYS if k in data}, data.get("source", "official")))
                except (ScheduleError, TypeError, KeyError):
                    continue  # not a schedule we can count with; its fingerprint will not match
        return self._audited
