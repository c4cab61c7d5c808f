"""Deadline arithmetic: our indexed WorkCalendar vs workalendar's China().add_working_days.

100,000 sums, random start 2018-01-01..2023-11-10 and n in 1..30 (seed 2026), so every due
date stays inside 2023, the last year stock workalendar knows. Stock workalendar 17 lacks
the 2020 Spring Festival extension (国办发明电〔2020〕1号); it is given to it through its own
extra_holidays / extra_working_days arguments so both count with the official data.

Run from the repo root: .venv/bin/python bench/calendar.py
"""
from __future__ import annotations

import random
import sys
import time
import warnings
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from workalendar.asia import China  # noqa: E402

from app.calendar import WorkCalendar, load_official_schedules  # noqa: E402

N = 100_000


def main() -> None:
    rng = random.Random(2026)
    span = (date(2023, 11, 10) - date(2018, 1, 1)).days
    cases = [(date(2018, 1, 1) + timedelta(days=rng.randrange(span + 1)), rng.randint(1, 30))
             for _ in range(N)]

    ours = WorkCalendar(load_official_schedules())
    for year in range(2018, 2024):  # build the per-year indexes outside the timing
        ours.is_working_day(date(year, 1, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # workalendar warns once per year it computes
        china = China()
        for year in range(2018, 2024):
            china.holidays(year)
    extra_working = [d for d in china.extra_working_days if d != date(2020, 2, 1)]
    extra_holidays = [date(2020, 1, 31)]

    t0 = time.perf_counter()
    mine = [ours.add_working_days(start, n)[0] for start, n in cases]
    t_ours = time.perf_counter() - t0

    t0 = time.perf_counter()
    theirs = [china.add_working_days(start, n, extra_working_days=extra_working,
                                     extra_holidays=extra_holidays) for start, n in cases]
    t_wa = time.perf_counter() - t0

    mismatches = [(c, a, b) for c, a, b in zip(cases, mine, theirs) if a != b]
    assert not mismatches, f"{len(mismatches)} mismatches, e.g. {mismatches[:3]}"

    print(f"{N:,} working-day sums (start 2018-01-01..2023-11-10, n 1..30, seed 2026): identical")
    print(f"  ours (WorkCalendar.add_working_days): {t_ours:8.3f} s  {N / t_ours:>12,.0f} /s")
    print(f"  workalendar China().add_working_days: {t_wa:8.3f} s  {N / t_wa:>12,.0f} /s")
    print(f"  speed ratio: {t_wa / t_ours:,.0f}x")


if __name__ == "__main__":
    main()
