"""The calendar in force: shipped official years plus the years an admin loaded (DB).

Rebuilt only when the ``calendar_years`` table changes (row count, summed revisions, last
load time), so every service process sees a year another process loaded, at the cost of one
small query per command.
"""
from __future__ import annotations

import threading

from flask import g
from sqlalchemy import func, select

from app.calendar import WorkCalendar, YearSchedule, load_official_schedules
from app.extensions import db
from app.models import CalendarYear


# what changes when a year is loaded or revised (built once: every command asks)
_REVISION = select(func.count(), func.coalesce(func.sum(CalendarYear.revision), 0), func.max(CalendarYear.loaded_at))


class CalendarStore:
    def __init__(self):
        self._official = load_official_schedules()
        self._lock = threading.Lock()
        self._key = None
        self._calendar = WorkCalendar(dict(self._official))

    def get(self) -> WorkCalendar:
        """Checked once per database transaction: a page counting days for fifty rows, or a
        command, asks once; the next transaction (after a commit, e.g. a year just loaded) asks
        again."""
        cached = g.get("dsf_calendar")
        if cached is not None and cached[0] is db.session().get_transaction():
            return cached[1]
        key = tuple(db.session.execute(_REVISION).one())
        with self._lock:
            if key != self._key:
                self._calendar = self._build()
                self._key = key
            g.dsf_calendar = (db.session().get_transaction(), self._calendar)
            return self._calendar

    def _build(self) -> WorkCalendar:
        schedules = dict(self._official)
        for row in db.session.scalars(select(CalendarYear)):
            schedules[row.year] = YearSchedule.from_dict(
                {"year": row.year, "holidays": row.holidays, "workdays": row.workdays,
                 "special_holidays": row.special_holidays or [], "source_ref": row.source_ref})
        return WorkCalendar(schedules)
