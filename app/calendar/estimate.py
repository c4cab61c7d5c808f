"""A year with no State Council notice yet, estimated from the statutory rules alone.

Deadlines can run into a year whose notice is not out (it usually appears in Oct-Dec). We
then count with the statutory days off and ordinary weekends, and mark the result
``provisional``: bridging days and make-up Saturdays are never guessed, because a wrong
guess would be as misleading as none, and the deadline is recomputed once the notice is
loaded.
"""
from __future__ import annotations

from functools import lru_cache

from app.calendar.schedule import ScheduleError, YearSchedule
from app.calendar.statutory import MAX_YEAR, MIN_YEAR, rule_for, statutory_days


@lru_cache(maxsize=None)
def estimate_year(year: int) -> YearSchedule:
    """Statutory days off of ``year`` (rule in force that year), no make-up days."""
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ScheduleError(f"无法估算 {year} 年的节假日:仅支持 {MIN_YEAR}–{MAX_YEAR} 年",
                            {"year": year}, code="year_out_of_range")
    return YearSchedule(year=year, holidays=frozenset(statutory_days(year)), workdays=frozenset(),
                        source="provisional",
                        source_ref=f"按《全国年节及纪念日放假办法》({rule_for(year)})估算,未含调休")
