"""One year's holiday schedule as data, validated before anyone counts deadlines with it.

An official schedule is the State Council notice (国务院办公厅关于部分节假日安排的通知) for
that year, typed in by a person: the checks below catch the mistakes a person makes (a typo
in a date, a make-up day on a weekday, the wrong year's file) and report all of them at once,
in Chinese, so an admin can fix the file in one go.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from app.calendar.statutory import MAX_YEAR, MIN_YEAR, rule_for, statutory_days

SOURCES = ("official", "provisional")
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "config" / "calendar"
_KEYS = {"year", "source", "source_ref", "holidays", "workdays", "special_holidays"}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ScheduleError(ValueError):
    """Bad schedule data: ``message`` (zh-CN) for people, ``code``/``details`` for programs."""

    def __init__(self, message: str, details: dict | None = None, code: str = "invalid_calendar"):
        super().__init__(message)
        self.message = message
        self.details = details or {}
        self.code = code


@dataclass(frozen=True)
class YearSchedule:
    """Days off and make-up working days of one year, on top of the Saturday/Sunday rule.

    ``holidays``: every date the notice gives off (weekend days inside a block included);
    ``workdays``: weekend days that are worked (调休上班). ``special_holidays`` are one-off
    days off outside any statutory festival (e.g. 2015-09-03); they are also in ``holidays``.
    """

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str = "official"
    source_ref: str = ""
    special_holidays: frozenset[date] = field(default=frozenset())

    @classmethod
    def from_dict(cls, d: dict, source: str = "official", *,
                  expected_year: int | None = None) -> YearSchedule:
        """Parse and validate; raise ScheduleError listing every problem found."""
        problems = _Problems()
        if not isinstance(d, dict):
            problems.add("data", None, "not_object", "节假日安排必须是 JSON 对象")
            problems.raise_if_any(None)
        if source not in SOURCES:
            problems.add("source", source, "bad_source", f"来源必须是 {' 或 '.join(SOURCES)}")
        elif d.get("source", source) != source:  # never turn a provisional year official silently
            problems.add("source", d.get("source"), "source_mismatch",
                         f"数据标注的来源 {d.get('source')!r} 与载入方式 {source!r} 不一致")
        year = d.get("year")
        if isinstance(year, bool) or not isinstance(year, int):
            problems.add("year", year, "bad_year", "年份必须是整数")
            problems.raise_if_any(None)
        if not MIN_YEAR <= year <= MAX_YEAR:
            problems.add("year", year, "year_out_of_range", f"年份必须在 {MIN_YEAR}–{MAX_YEAR} 之间")
        if expected_year is not None and year != expected_year:
            problems.add("year", year, "year_mismatch",
                         f"文件内年份 {year} 与期望的年份 {expected_year} 不一致")
        source_ref = d.get("source_ref", "")
        if not isinstance(source_ref, str) or (source == "official" and not source_ref.strip()):
            problems.add("source_ref", source_ref, "source_ref_required",
                         "正式安排必须注明依据(通知文号及日期)")
        unknown = sorted(set(d) - _KEYS)
        if unknown:
            problems.add("data", unknown, "unknown_keys", f"无法识别的字段:{', '.join(unknown)}")
        holidays = _dates(d, "holidays", year, problems)
        workdays = _dates(d, "workdays", year, problems)
        special = _dates(d, "special_holidays", year, problems, required=False)
        problems.raise_if_any(year)
        schedule = cls(year, frozenset(holidays), frozenset(workdays), source,
                       source_ref.strip(), frozenset(special))
        _check(schedule, problems)
        problems.raise_if_any(year)
        return schedule

    def to_dict(self) -> dict:
        """JSON-ready, dates sorted ISO strings; ``from_dict(to_dict())`` round-trips."""
        out = {"year": self.year, "source": self.source, "source_ref": self.source_ref,
               "holidays": sorted(d.isoformat() for d in self.holidays),
               "workdays": sorted(d.isoformat() for d in self.workdays)}
        if self.special_holidays:
            out["special_holidays"] = sorted(d.isoformat() for d in self.special_holidays)
        return out


def load_official_schedules(path: str | Path | None = None) -> dict[int, YearSchedule]:
    """Read ``<path>/<year>.json`` (default: config/calendar of the repo) as official years."""
    folder = Path(path) if path is not None else DEFAULT_PATH
    schedules: dict[int, YearSchedule] = {}
    for file in sorted(folder.glob("*.json")):
        if not re.fullmatch(r"\d{4}", file.stem):
            raise ScheduleError(f"文件名必须是年份:{file.name}", {"file": str(file)})
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ScheduleError(f"无法读取 {file.name}:{exc}", {"file": str(file)}) from exc
        try:
            schedules[int(file.stem)] = YearSchedule.from_dict(data, "official",
                                                                expected_year=int(file.stem))
        except ScheduleError as exc:
            raise ScheduleError(f"{file.name}:{exc.message}", {**exc.details, "file": str(file)},
                                exc.code) from exc
    return schedules


class _Problems:
    """Collects problems so one ScheduleError reports all of them."""

    def __init__(self):
        self.items: list[dict] = []

    def add(self, field_: str, value, reason: str, message: str) -> None:
        if isinstance(value, date):
            value = value.isoformat()
        self.items.append({"field": field_, "value": value, "reason": reason, "message": message})

    def raise_if_any(self, year) -> None:
        if self.items:
            first = self.items[0]["message"]
            more = f"(另有 {len(self.items) - 1} 处问题)" if len(self.items) > 1 else ""
            raise ScheduleError(first + more, {"year": year, "errors": self.items})


def _dates(d: dict, key: str, year: int, problems: _Problems, required: bool = True) -> list[date]:
    raw = d.get(key, None if required else [])
    if not isinstance(raw, list):
        problems.add(key, raw, "not_list", f"{key} 必须是日期列表")
        return []
    out: list[date] = []
    for value in raw:
        try:
            if not isinstance(value, str) or not _ISO.match(value):
                raise ValueError
            day = date.fromisoformat(value)
        except ValueError:
            problems.add(key, value, "bad_date", f"{value!r} 不是有效日期(格式 YYYY-MM-DD)")
            continue
        if day.year != year:
            problems.add(key, value, "outside_year", f"{value} 不在 {year} 年内")
        elif day in out:
            problems.add(key, value, "duplicate", f"{value} 重复出现")
        else:
            out.append(day)
    return out


def _check(s: YearSchedule, problems: _Problems) -> None:
    """Consistency of a parsed year: make-up days, statutory days, stray holidays."""
    for day in sorted(s.holidays & s.workdays):
        problems.add("workdays", day, "both", f"{day} 同时被列为放假日和上班日")
    for day in sorted(s.workdays - s.holidays):
        if day.weekday() < 5:
            problems.add("workdays", day, "not_weekend", f"{day} 不是周六或周日,不能作为调休上班日")
    for day in sorted(s.special_holidays - s.holidays):
        problems.add("special_holidays", day, "not_holiday", f"{day} 列为特别放假日但不在放假日中")
    statutory = statutory_days(s.year)
    for day, name in statutory.items():
        if day not in s.holidays:
            problems.add("holidays", day, "missing_statutory",
                         f"缺少法定节假日 {day}({name},全国年节及纪念日放假办法{rule_for(s.year)})")
    # A day off must belong to a run of days off that contains a statutory day (or be a
    # declared special day): this is what catches a mistyped date.
    anchors = set(statutory) | {date(s.year + 1, 1, 1)} | s.special_holidays
    for day in sorted(s.holidays - s.workdays - s.special_holidays):
        if not _block(day, s) & anchors:
            problems.add("holidays", day, "stray_holiday",
                         f"{day} 不与任何法定节假日相连(如为特别放假日,请列入 special_holidays)")


def _block(day: date, s: YearSchedule) -> set[date]:
    """The run of consecutive days off (holidays and unworked weekends) around ``day``."""

    def off(d: date) -> bool:
        return d in s.holidays or (d.weekday() >= 5 and d not in s.workdays) \
            or (d.year != s.year and d.month == 1 and d.day == 1)

    block = {day}
    for step in (timedelta(days=-1), timedelta(days=1)):
        d = day + step
        while off(d) and len(block) < 40:
            block.add(d)
            d += step
    return block
