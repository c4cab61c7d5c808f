"""Working-day arithmetic for deadlines: workalendar's China calendar with our schedules.

workalendar supplies the rules (make-up days beat weekends, weekends and holidays are off)
but ships only 2018-2023 and walks day by day. We feed it our per-year schedules, ask it
once per year which days are worked, and keep the answer as a sorted array of working-day
ordinals: a deadline is then one bisect, however many days it spans.
"""
from __future__ import annotations

import operator
from bisect import bisect_right
from datetime import date, datetime
from types import MappingProxyType
from typing import Callable, Mapping

from workalendar.asia import China
from workalendar.core import cleaned_date

from app.calendar.estimate import estimate_year
from app.calendar.schedule import ScheduleError, YearSchedule, load_official_schedules
from app.calendar.statutory import MAX_YEAR, MIN_YEAR, statutory_days


class ScheduledChina(China):
    """workalendar's ``China`` whose holidays and make-up days come from YearSchedules.

    Its built-in 2018-2023 tables are not used: every year asks ``schedule_for(year)``.
    """

    def __init__(self, schedule_for: Callable[[int], YearSchedule]):
        super().__init__()
        self.extra_working_days = []  # the built-in table; ours is per year, see is_working_day
        self._schedule_for = schedule_for

    def get_calendar_holidays(self, year):
        schedule = self._schedule_for(year)
        names = statutory_days(year) if MIN_YEAR <= year <= MAX_YEAR else {}
        return [(day, names.get(day) or ("特别放假" if day in schedule.special_holidays else "调休放假"))
                for day in sorted(schedule.holidays)]

    def is_working_day(self, day, extra_working_days=None, extra_holidays=None):
        day = cleaned_date(day)
        extra = tuple(extra_working_days or ()) + tuple(self._schedule_for(day.year).workdays)
        return super(China, self).is_working_day(day, extra, extra_holidays)


class _YearIndex:
    """One year, precomputed: first ordinal, worked flags by day, sorted worked ordinals."""

    __slots__ = ("first", "flags", "ordinals", "provisional")

    def __init__(self, year: int, calendar: ScheduledChina, provisional: bool):
        self.first = date(year, 1, 1).toordinal()
        last = date(year, 12, 31).toordinal()
        self.flags = bytes(calendar.is_working_day(date.fromordinal(o))
                           for o in range(self.first, last + 1))
        self.ordinals = [self.first + i for i, worked in enumerate(self.flags) if worked]
        self.provisional = provisional


class WorkCalendar:
    """Chinese working days: official schedules where loaded, estimates elsewhere.

    Immutable in use: ``with_year`` returns a new calendar, so a deadline computed with one
    calendar can always be recomputed with the same one (replay) or a newer one.
    """

    def __init__(self, schedules: Mapping[int, YearSchedule] | None = None):
        self._schedules: dict[int, YearSchedule] = dict(schedules or {})
        for year, schedule in self._schedules.items():
            if not isinstance(schedule, YearSchedule) or schedule.year != year:
                raise ScheduleError(f"{year} 年对应的节假日安排有误", {"year": year})
        self._index: dict[int, _YearIndex] = {}
        self.workalendar = ScheduledChina(self.year)

    @classmethod
    def official(cls, path=None) -> WorkCalendar:
        """The calendar with the shipped official schedules (config/calendar)."""
        return cls(load_official_schedules(path))

    @property
    def schedules(self) -> Mapping[int, YearSchedule]:
        """The years given explicitly (official, or provisional loaded on purpose)."""
        return MappingProxyType(self._schedules)

    def with_year(self, schedule: YearSchedule) -> WorkCalendar:
        """A new calendar with ``schedule`` replacing its year; other years' indexes are shared."""
        new = WorkCalendar({**self._schedules, schedule.year: schedule})
        new._index.update((y, i) for y, i in self._index.items() if y != schedule.year)
        return new

    def year(self, year: int) -> YearSchedule:
        """The schedule counted for ``year``: the loaded one, else the statutory estimate."""
        return self._schedules.get(year) or estimate_year(year)

    def is_provisional(self, year: int) -> bool:
        return self.year(year).source == "provisional"

    def is_working_day(self, d: date) -> bool:
        d = _as_date(d)
        index = self._year_index(d.year)
        return index.flags[d.toordinal() - index.first] == 1

    def add_working_days(self, start: date, n: int) -> tuple[date, bool]:
        """The ``n``-th working day after ``start`` (start not counted), and whether any year
        from start's to the result's is provisional. ``n == 0`` gives ``start`` itself."""
        start, n = _as_date(start), operator.index(n)
        if n < 0:
            raise ValueError("n must be >= 0")
        year = start.year
        index = self._year_index(year)
        provisional = index.provisional
        if n == 0:
            return start, provisional
        pos = bisect_right(index.ordinals, start.toordinal()) + n - 1
        while pos >= len(index.ordinals):
            pos -= len(index.ordinals)
            year += 1
            index = self._year_index(year)
            provisional = provisional or index.provisional
        return date.fromordinal(index.ordinals[pos]), provisional

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 0 when end <= start."""
        start, end = _as_date(start), _as_date(end)
        if end <= start:
            return 0
        first = self._year_index(start.year).ordinals
        done_in_first = bisect_right(first, start.toordinal())
        if end.year == start.year:
            return bisect_right(first, end.toordinal()) - done_in_first
        total = len(first) - done_in_first
        for year in range(start.year + 1, end.year):
            total += len(self._year_index(year).ordinals)
        return total + bisect_right(self._year_index(end.year).ordinals, end.toordinal())

    def _year_index(self, year: int) -> _YearIndex:
        index = self._index.get(year)
        if index is None:
            index = _YearIndex(year, self.workalendar, self.is_provisional(year))
            self._index[year] = index
        return index


def _as_date(d) -> date:
    if isinstance(d, datetime):
        return d.date()
    if not isinstance(d, date):
        raise TypeError(f"expected a date, got {type(d).__name__}")
    return d
