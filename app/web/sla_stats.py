"""Supervision figures (Art. 6) for the dashboard, computed from the stored projections only
(``cases.sla`` clocks and ``human_tasks``), never from workflows: compliance per department
and per path, overdue cases, working days taken to answer."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app.engine.clock import local_date
from app.extensions import db
from app.models import Case, Department, HumanTask
from app.services import calendar, timezone
from app.web.deadlines import clock_view


@dataclass
class Tally:
    """Deadlines kept and missed: ``open_late`` are still open past their due date."""

    on_time: int = 0
    late: int = 0
    open_late: int = 0
    open_on_time: int = 0

    @property
    def judged(self) -> int:
        return self.on_time + self.late + self.open_late

    @property
    def compliance(self) -> float | None:
        """Share of deadlines kept, in percent; None when nothing can be judged yet."""
        return round(100 * self.on_time / self.judged, 1) if self.judged else None


@dataclass
class Report:
    departments: dict[str, Tally] = field(default_factory=dict)
    paths: dict[str, Tally] = field(default_factory=dict)
    clocks: dict[str, Tally] = field(default_factory=dict)
    answer_days: dict[str, float] = field(default_factory=dict)  # clock name -> mean WD counted
    overdue: list[dict] = field(default_factory=list)


def department_tallies(today: date) -> dict[str, Tally]:
    """Per department: its human tasks that had a due date, kept or missed."""
    names = dict(db.session.execute(select(Department.id, Department.name)).all())
    tz = timezone()
    tallies: dict[str, Tally] = defaultdict(Tally)
    rows = db.session.execute(select(HumanTask.department_id, HumanTask.state, HumanTask.due_date,
                                     HumanTask.completed_at)
                              .where(HumanTask.due_date.is_not(None), HumanTask.state.in_(("open", "completed"))))
    for dept, state, due, completed_at in rows:
        tally = tallies[names.get(dept, "—")]
        if state == "completed":
            if local_date(completed_at, tz) <= due:
                tally.on_time += 1
            else:
                tally.late += 1
        elif today > due:
            tally.open_late += 1
        else:
            tally.open_on_time += 1
    return dict(sorted(tallies.items()))


def _judge(tally: Tally, clock: dict) -> None:
    if clock.get("stopped_on"):
        if clock.get("breached"):
            tally.late += 1
        else:
            tally.on_time += 1
    elif clock["state"] == "breached" or clock.get("breached"):
        tally.open_late += 1
    else:
        tally.open_on_time += 1


def counted_days(clock: dict, work) -> int:
    """Working days a met or late clock ran: start to stop, less its paused spells."""
    days = work.working_days_between(date.fromisoformat(clock["started_on"]), date.fromisoformat(clock["stopped_on"]))
    for segment in clock.get("segments", []):
        if segment.get("state") == "paused" and segment.get("to"):
            days -= work.working_days_between(date.fromisoformat(segment["from"]), date.fromisoformat(segment["to"]))
    return max(days, 0)


def report(today: date) -> Report:
    out = Report(departments=department_tallies(today))
    names = dict(db.session.execute(select(Department.id, Department.name)).all())
    work = calendar()
    paths: dict[str, Tally] = defaultdict(Tally)
    clocks: dict[str, Tally] = defaultdict(Tally)
    days: dict[str, list[int]] = defaultdict(list)
    rows = db.session.execute(select(Case.id, Case.kind, Case.status, Case.sla, Case.resource_code,
                                     Case.provider_department_id).order_by(Case.created_at))
    for case_id, kind, status, stored, resource, provider in rows:
        for clock in stored or []:
            view = clock_view(clock, today)
            _judge(paths[kind], view)
            _judge(clocks[clock["name"]], view)
            if clock.get("stopped_on"):
                days[clock["name"]].append(counted_days(clock, work))
            if status == "pending" and not view.get("stopped_on") and view["state"] == "breached":
                out.overdue.append({"request": case_id, "kind": kind, "resource": resource, "clock": clock["name"],
                                    "due_date": clock["due_date"], "department": names.get(provider, "—"),
                                    "late_by": work.working_days_between(date.fromisoformat(clock["due_date"]),
                                                                         today)})
    out.paths, out.clocks = dict(sorted(paths.items())), dict(sorted(clocks.items()))
    out.answer_days = {name: round(sum(v) / len(v), 1) for name, v in sorted(days.items()) if v}
    out.overdue.sort(key=lambda o: o["due_date"])
    return out
