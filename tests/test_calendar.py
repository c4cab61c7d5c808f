"""The working-day calendar against real data: chinese_calendar, workalendar, the spec's facts.

Pure tests: no Flask, no database, no conftest fixtures.
"""
from __future__ import annotations

import json
import random
import re
import warnings
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from workalendar.asia import China

from app.calendar import (ScheduleError, WorkCalendar, YearSchedule, estimate_year,
                          load_official_schedules, qingming, statutory_days)

OFFICIAL = load_official_schedules()
CAL = WorkCalendar(OFFICIAL)
D = date.fromisoformat


def days(start: date, end: date):
    while start <= end:
        yield start
        start += timedelta(days=1)


# --- shipped data -------------------------------------------------------------------------

def test_official_years_shipped_with_their_notice():
    assert sorted(OFFICIAL) == list(range(2018, 2027))
    for year, schedule in OFFICIAL.items():
        assert schedule.year == year and schedule.source == "official"
        assert re.search(r"国办发明电〔\d{4}〕\d+号 \(\d{4}-\d{2}-\d{2}\)", schedule.source_ref)
        assert YearSchedule.from_dict(schedule.to_dict()) == schedule  # round trip
    assert OFFICIAL[2024].source_ref.startswith("国办发明电〔2023〕7号")
    assert OFFICIAL[2026].source_ref == "国办发明电〔2025〕7号 (2025-11-04)"


def test_every_day_2018_2026_matches_chinese_calendar():
    # chinese_calendar 1.11 covers 2026 (it has the 2025-11-04 notice): checked, not assumed.
    assert date(2026, 10, 10) in chinese_calendar.constants.workdays
    wrong = [d for d in days(date(2018, 1, 1), date(2026, 12, 31))
             if CAL.is_working_day(d) != chinese_calendar.is_workday(d)]
    assert wrong == []


def test_holiday_lists_match_chinese_calendar_except_weekends_it_adds():
    # For "X月X日放假，与周末连休" the notices list only the day itself; chinese_calendar
    # sometimes adds the adjoining weekend. Those weekend days change no working day.
    ours = {d for s in OFFICIAL.values() for d in s.holidays}
    theirs = {d for d in chinese_calendar.constants.holidays if 2018 <= d.year <= 2026}
    assert ours - theirs == set()
    assert theirs - ours == {D("2019-04-06"), D("2019-04-07"), D("2019-06-08"), D("2019-06-09"),
                             D("2019-09-14"), D("2019-09-15"), D("2023-12-30"), D("2023-12-31")}
    ours_w = {d for s in OFFICIAL.values() for d in s.workdays}
    assert ours_w == {d for d in chinese_calendar.constants.workdays if 2018 <= d.year <= 2026}


def test_2026_facts_from_the_spec():
    assert sorted(OFFICIAL[2026].workdays) == [D("2026-01-04"), D("2026-02-14"), D("2026-02-28"),
                                               D("2026-05-09"), D("2026-09-20"), D("2026-10-10")]
    assert all(CAL.is_working_day(d) for d in OFFICIAL[2026].workdays)
    assert CAL.add_working_days(D("2026-02-13"), 3) == (D("2026-02-25"), False)
    assert CAL.add_working_days(D("2026-09-28"), 10) == (D("2026-10-16"), False)


# --- deadlines across into a provisional year ------------------------------------------------

def test_year_without_notice_is_provisional_until_loaded():
    assert CAL.is_provisional(2027) and not CAL.is_provisional(2026)
    assert CAL.add_working_days(D("2027-03-01"), 1) == (D("2027-03-02"), True)
    assert CAL.add_working_days(D("2027-03-01"), 0) == (D("2027-03-01"), True)
    assert CAL.add_working_days(D("2026-03-02"), 0) == (D("2026-03-02"), False)

    due, provisional = CAL.add_working_days(D("2026-12-18"), 10)
    assert (due, provisional) == (D("2027-01-04"), True)  # 2027-01-01 (Fri) is statutory

    invented = estimate_year(2027).to_dict()  # invented "official" 2027: 01-04 also off
    invented.update(source="official", source_ref="test notice",
                    holidays=invented["holidays"] + ["2027-01-04"])
    loaded = CAL.with_year(YearSchedule.from_dict(invented))
    assert loaded.add_working_days(D("2026-12-18"), 10) == (D("2027-01-05"), False)
    assert loaded.working_days_between(D("2026-12-18"), D("2027-01-05")) == 10
    assert not loaded.is_provisional(2027) and loaded.year(2027).source == "official"
    assert CAL.add_working_days(D("2026-12-18"), 10) == (D("2027-01-04"), True)  # unchanged
    assert 2027 not in CAL.schedules and 2027 in loaded.schedules


def test_provisional_flag_covers_every_year_touched():
    official_2028 = YearSchedule.from_dict({**estimate_year(2028).to_dict(), "source": "official",
                                            "source_ref": "test"})
    cal = WorkCalendar({2026: OFFICIAL[2026], 2028: official_2028})
    due, provisional = cal.add_working_days(D("2026-12-30"), 300)  # 2026 -> 2027 -> 2028
    assert due.year == 2028 and provisional  # 2027 is estimated
    assert cal.add_working_days(D("2028-01-03"), 5)[1] is False


def test_edges_and_types():
    assert CAL.add_working_days(datetime(2026, 2, 13, 18, 30), 3) == (D("2026-02-25"), False)
    with pytest.raises(ValueError):
        CAL.add_working_days(D("2026-02-13"), -1)
    with pytest.raises(TypeError):
        CAL.add_working_days(D("2026-02-13"), 1.5)
    assert CAL.working_days_between(D("2026-02-25"), D("2026-02-13")) == 0
    assert CAL.working_days_between(D("2026-02-13"), D("2026-02-13")) == 0
    assert CAL.working_days_between(D("2026-02-13"), D("2026-02-25")) == 3
    assert WorkCalendar().year(2026).source == "provisional"  # None = estimates only
    with pytest.raises(ScheduleError) as err:
        CAL.is_working_day(D("2100-01-04"))
    assert err.value.code == "year_out_of_range"


def test_working_days_between_agrees_with_add_working_days():
    rng = random.Random(20260101)
    for _ in range(5000):
        start = date(2017, 6, 1) + timedelta(days=rng.randrange(365 * 12))
        n = rng.randrange(0, 400)
        due, _ = CAL.add_working_days(start, n)
        assert CAL.working_days_between(start, due) == n
        if n:
            assert CAL.is_working_day(due)
            assert CAL.working_days_between(start, due - timedelta(days=1)) == n - 1


def test_fast_path_equals_workalendar_walk_on_our_data():
    # ScheduledChina is workalendar's China with our data; its add_working_days is
    # workalendar's own day-by-day walk. Includes estimated years and year crossings.
    rng = random.Random(7)
    walk = CAL.workalendar
    for _ in range(1500):
        start = date(2018, 1, 1) + timedelta(days=rng.randrange(365 * 12))
        n = rng.randint(0, 40)
        assert CAL.add_working_days(start, n)[0] == walk.add_working_days(start, n)


# --- identical to stock workalendar (2018-2023) ---------------------------------------------

def _stock_china():
    """workalendar's own China, silenced (it warns on every new year it computes)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        china = China()
        for year in range(2018, 2024):
            china.holidays(year)
    return china


def test_stock_workalendar_lacks_only_the_2020_extension():
    china = _stock_china()
    diff = [d for d in days(date(2018, 1, 1), date(2023, 12, 31))
            if china.is_working_day(d) != CAL.is_working_day(d)]
    # 国办发明电〔2020〕1号 extended the 2020 Spring Festival to 2 Feb and cancelled the
    # 1 Feb make-up Saturday; workalendar 17 predates it.
    assert diff == [D("2020-01-31"), D("2020-02-01")]


def test_identical_to_stock_workalendar_add_working_days_2018_2023():
    # Same convention: workalendar's add_working_days(day, n) steps from day+1 and stops at
    # the n-th working day, i.e. start not counted (our "N WD within"). The 2020 extension
    # is given to it through its own extra_holidays / extra_working_days arguments.
    china = _stock_china()
    extra_working = [d for d in china.extra_working_days if d != D("2020-02-01")]
    extra_holidays = [D("2020-01-31")]
    rng = random.Random(2018)
    for start in days(date(2018, 1, 1), date(2023, 11, 10)):  # +30 WD stays in 2023
        n = rng.randint(1, 30)
        theirs = china.add_working_days(start, n, extra_working_days=extra_working,
                                        extra_holidays=extra_holidays)
        assert CAL.add_working_days(start, n) == (theirs, False), (start, n)


# --- estimates -----------------------------------------------------------------------------

CC_NAMES = {"元旦": "New Year's Day", "春节": "Spring Festival", "清明节": "Tomb-sweeping Day",
            "劳动节": "Labour Day", "端午节": "Dragon Boat Festival", "中秋节": "Mid-autumn Festival",
            "国庆节": "National Day"}


@pytest.mark.parametrize("year", range(2018, 2027))
def test_estimate_has_the_statutory_days_chinese_calendar_reports(year):
    estimate = estimate_year(year)
    assert estimate.source == "provisional" and estimate.workdays == frozenset()
    assert estimate.holidays == frozenset(statutory_days(year))
    for day, name in statutory_days(year).items():
        assert chinese_calendar.get_holiday_detail(day) == (True, CC_NAMES[name]), (day, name)
    # the estimate of a shipped year is what the official schedule contains, minus bridging
    assert estimate.holidays <= OFFICIAL[year].holidays


def test_estimate_festival_dates():
    named = {y: {v: sorted(d for d, n in statutory_days(y).items() if n == v) for v in CC_NAMES}
             for y in range(2018, 2027)}
    assert [named[y]["清明节"][0].day for y in range(2018, 2027)] == [5, 5, 4, 4, 5, 5, 4, 4, 5]
    assert [named[y]["端午节"][0] for y in (2024, 2025, 2026)] == [D("2024-06-10"), D("2025-05-31"),
                                                                  D("2026-06-19")]
    assert [named[y]["中秋节"] for y in (2020, 2023, 2026)] == [[], [D("2023-09-29")],
                                                               [D("2026-09-25")]]
    # 2024 revision: eve + days 1-3 and May 1-2; the 2013 rule had neither (2024-02-09 and
    # 2018-05-02 were working days), so each year uses the rule then in force.
    assert named[2026]["春节"] == [D("2026-02-16"), D("2026-02-17"), D("2026-02-18"), D("2026-02-19")]
    assert named[2025]["劳动节"] == [D("2025-05-01"), D("2025-05-02")]
    assert named[2024]["春节"] == [D("2024-02-10"), D("2024-02-11"), D("2024-02-12")]
    assert chinese_calendar.is_workday(D("2024-02-09"))
    assert chinese_calendar.is_workday(D("2018-05-02"))
    assert statutory_days(2020)[D("2020-10-01")] == "国庆节"  # Mid-Autumn fell on National Day
    assert len(estimate_year(2027).holidays) == 13  # 2024 revision: 13 statutory days


def test_qingming_formula_matches_astronomy_2000_2099():
    # Independent of chinese_calendar (which uses the same formula): the moment the sun
    # reaches longitude 15°, VSOP87 via PyMeeus (workalendar -> convertdate -> pymeeus).
    meeus = pytest.importorskip("pymeeus.Sun")
    from pymeeus.Epoch import Epoch

    for year in range(2000, 2100):
        jde = Epoch(year, 4, 4.5).jde()
        for _ in range(6):
            longitude = meeus.Sun.apparent_geocentric_position(Epoch(jde))[0].to_positive()()
            jde -= ((longitude - 15.0 + 180) % 360 - 180) / 360 * 365.2422
        beijing = Epoch(jde - Epoch.tt2ut(year, 4) / 86400 + 8 / 24)
        y, m, d = beijing.get_date()
        assert qingming(year) == date(y, m, int(d)), year
    terms = chinese_calendar.get_solar_terms(date(2018, 1, 1), date(2026, 12, 31))
    solar = {d.year: d for d, name in terms if name == "清明"}
    assert all(qingming(y) == solar[y] for y in range(2018, 2027))


# --- validation ----------------------------------------------------------------------------

def good_2026() -> dict:
    return OFFICIAL[2026].to_dict()


def with_(**changes) -> dict:
    return {**good_2026(), **changes}


def _add(key, *values):
    d = good_2026()
    d[key] = d[key] + list(values)
    return d


BAD = {
    "not_object": ["2026"],
    "bad_year": with_(year="2026"),
    "year_out_of_range": with_(year=1999, holidays=[], workdays=[]),
    "bad_date": _add("holidays", "2026-02-30"),
    "bad_date/format": _add("holidays", "2026/10/08"),
    "bad_date/type": _add("workdays", 20260104),
    "outside_year": _add("holidays", "2025-12-31"),
    "duplicate": _add("holidays", "2026-01-01"),
    "both": _add("workdays", "2026-10-07"),
    "not_weekend": _add("workdays", "2026-10-09"),
    "missing_statutory": with_(holidays=[d for d in good_2026()["holidays"] if d != "2026-02-16"]),
    "stray_holiday": _add("holidays", "2026-10-17"),  # a typo for 10-07
    "source_ref_required": with_(source_ref=" "),
    "unknown_keys": with_(holiday=[]),
    "source_mismatch": with_(source="provisional"),
    "not_list": with_(workdays="2026-01-04"),
    "not_holiday": with_(special_holidays=["2026-03-10"]),
}


@pytest.mark.parametrize("reason", sorted(BAD))
def test_from_dict_rejects(reason):
    with pytest.raises(ScheduleError) as err:
        YearSchedule.from_dict(BAD[reason])
    exc = err.value
    assert exc.code == "invalid_calendar"
    assert re.search(r"[\u4e00-\u9fff]", exc.message) and str(exc) == exc.message
    assert reason.split("/")[0] in [e["reason"] for e in exc.details["errors"]]


def test_from_dict_reports_every_problem_and_year_mismatch():
    d = _add("workdays", "2026-10-09", "2026-02-16")
    with pytest.raises(ScheduleError) as err:
        YearSchedule.from_dict(d, expected_year=2027)
    assert [e["reason"] for e in err.value.details["errors"]] == ["year_mismatch"]
    with pytest.raises(ScheduleError) as err:
        YearSchedule.from_dict(d)
    reasons = sorted(e["reason"] for e in err.value.details["errors"])
    assert reasons == ["both", "not_weekend"] and "另有 1 处问题" in err.value.message


def test_special_holiday_outside_festivals_is_accepted_when_declared():
    # e.g. 2015-09-03 (抗战胜利70周年): a one-off day off no statutory rule predicts
    d = with_(holidays=good_2026()["holidays"] + ["2026-09-03", "2026-09-04"],
              workdays=good_2026()["workdays"] + ["2026-09-06"])
    with pytest.raises(ScheduleError):
        YearSchedule.from_dict(d)
    s = YearSchedule.from_dict({**d, "special_holidays": ["2026-09-03"]})
    assert YearSchedule.from_dict(s.to_dict()) == s
    assert not CAL.with_year(s).is_working_day(D("2026-09-04"))


def test_load_official_schedules_checks_file_names(tmp_path):
    (tmp_path / "2027.json").write_text(json.dumps(good_2026()), encoding="utf-8")
    with pytest.raises(ScheduleError) as err:
        load_official_schedules(tmp_path)
    assert "2027.json" in err.value.message and err.value.details["file"].endswith("2027.json")
    (tmp_path / "2027.json").unlink()
    (tmp_path / "2026.json").write_text("{", encoding="utf-8")
    with pytest.raises(ScheduleError):
        load_official_schedules(tmp_path)
    (tmp_path / "2026.json").write_text(json.dumps(good_2026()), encoding="utf-8")
    assert load_official_schedules(tmp_path) == {2026: OFFICIAL[2026]}
