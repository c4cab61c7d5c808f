"""Statutory days off (全国年节及纪念日放假办法), as the rule in force for each year.

The State Council notices only *arrange* these days (bridging, make-up Saturdays); the
statutory days themselves follow from the 放假办法. We need them twice: to estimate a year
with no notice yet, and to sanity-check a notice an admin loads. The rule is chosen by
year because the 2024 revision changed it (e.g. the eve of 2024's Spring Festival and
2018-05-02 were working days under the 2013 rule).
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from lunardate import LunarDate

#: Years the calendar can reason about: lunardate covers 1900-2099, the Qingming
#: formula below is the 21st-century one, and the 1999 rule applies from 2000 on.
MIN_YEAR, MAX_YEAR = 2000, 2099

# (first year in force, revision, spring festival lunar offsets from day 1, labour days in May,
#  has Qingming / Dragon Boat / Mid-Autumn)
_RULES = (
    (2025, "2024年修订", (-1, 0, 1, 2), (1, 2), True),
    (2014, "2013年修订", (0, 1, 2), (1,), True),
    (2008, "2007年修订", (-1, 0, 1), (1,), True),
    (2000, "1999年修订", (0, 1, 2), (1, 2, 3), False),
)


def rule_for(year: int) -> str:
    """Which revision of the 放假办法 governs ``year`` (for messages and provenance)."""
    return _rule(year)[1]


def _rule(year: int):
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} outside {MIN_YEAR}-{MAX_YEAR}")
    return next(rule for rule in _RULES if year >= rule[0])


def _lunar(year: int, month: int, day: int) -> date:
    lunar = LunarDate(year, month, day)
    to_solar = getattr(lunar, "to_solar_date", None) or lunar.toSolarDate  # lunardate < 0.3
    return to_solar()


def qingming(year: int) -> date:
    """Qingming (sun at ecliptic longitude 15°, Beijing time) by the 寿星 formula.

    [Y*0.2422 + 4.81] - [Y/4] with Y = year % 100 is exact for 2000-2099: the tests check it
    against a VSOP87 computation (PyMeeus), whose closest call is 2071 (10 min to midnight).
    """
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} outside {MIN_YEAR}-{MAX_YEAR}")
    y = year % 100
    return date(year, 4, int(y * 0.2422 + 4.81) - y // 4)


@lru_cache(maxsize=None)
def statutory_days(year: int) -> dict[date, str]:
    """Every statutory day off in ``year`` with its festival (zh-CN), weekends included."""
    _, _, spring, labour, minor = _rule(year)
    days: dict[date, str] = {date(year, 1, 1): "元旦"}
    new_year = _lunar(year, 1, 1)  # always 21 Jan - 20 Feb, so its eve is in the same year
    for offset in spring:
        days[new_year + timedelta(days=offset)] = "春节"
    if minor:
        days[qingming(year)] = "清明节"
    for day in labour:
        days[date(year, 5, day)] = "劳动节"
    for day in (1, 2, 3):
        days[date(year, 10, day)] = "国庆节"
    if minor:
        days[_lunar(year, 5, 5)] = "端午节"
        days.setdefault(_lunar(year, 8, 15), "中秋节")  # may fall on 1-3 Oct (2020): one day off
    return dict(sorted(days.items()))
