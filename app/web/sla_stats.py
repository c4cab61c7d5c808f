"""Supervision figures (Art. 6) for the dashboard, computed from the stored projections only
(``cases.sla`` clocks and ``human_tasks``), never from workflows: compliance per department
and per path, overdue cases, working days taken to answer.

Closed facts come from the incremental totals (app/sla/rollup.py) corrected by the cases
updated since their last refresh; open tasks and open clocks are judged on ``today`` with one
grouped query each; the overdue list shows the ``OVERDUE_SHOWN`` longest overdue (and how many
there are). Same figures as a full pass over every case, at the cost of the recent changes."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, or_, select

from app.extensions import db
from app.models import Department, HumanTask, SlaCaseMark, SlaOpenClock, SlaOpenClockDay, SlaRollup, SlaRollupState
from app.services import calendar, clock, timezone
from app.sla import rollup
from app.web.deadlines import clock_view

OVERDUE_SHOWN = 100


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
    overdue: list[dict] = field(default_factory=list)  # the OVERDUE_SHOWN longest overdue
    overdue_total: int = 0


def _open_tasks(today: date):
    """(department, late, count) of the open tasks that have a due date."""
    late = HumanTask.due_date < today
    return (select(HumanTask.department_id, late, func.count())
            .where(HumanTask.state == "open", HumanTask.due_date.is_not(None))
            .group_by(HumanTask.department_id, late))


def _overdue_clock(today: date):
    """A pending case's clock shown as breached on ``today`` (the overdue list); as
    ``_judge`` says for the tallies."""
    return and_(SlaOpenClock.status == "pending",
                or_(SlaOpenClock.state == "breached",
                    and_(SlaOpenClock.state == "running", SlaOpenClock.due_date < today)))


def _judge(status: str, state: str, breached: bool, due: date, today: date) -> tuple[bool, bool]:
    """(late, on the overdue list) of an open clock on ``today``."""
    shown_breached = state == "breached" or (state == "running" and due < today)
    return breached or shown_breached, status == "pending" and shown_breached


DAY_KEY = (SlaOpenClock.kind, SlaOpenClock.name, SlaOpenClock.status, SlaOpenClock.state, SlaOpenClock.breached,
           SlaOpenClock.due_date)


def _open_clock_days():
    return select(SlaOpenClockDay.kind, SlaOpenClockDay.name, SlaOpenClockDay.status, SlaOpenClockDay.state,
                  SlaOpenClockDay.breached, SlaOpenClockDay.due_date, SlaOpenClockDay.n)


def _open_clocks(today: date, excluded: list[str]) -> list[tuple]:
    """(path, clock name, late, on the overdue list, count) of the marked open clocks: counted by
    day at the last refresh, less those of the cases changed since (``excluded``; the caller
    adds their current clocks), judged on ``today``."""
    counts: dict[tuple, int] = defaultdict(int)
    for *key, n in db.session.execute(_open_clock_days()):
        counts[tuple(key)] += n
    for start in range(0, len(excluded), rollup.BATCH):
        for key in db.session.execute(select(*DAY_KEY).where(SlaOpenClock.case_id.in_(excluded[start:start + rollup.BATCH]))):
            counts[tuple(key)] -= 1
    return [(kind, name, *_judge(status, state, breached, due, today), n)
            for (kind, name, status, state, breached, due), n in counts.items() if n]


def _overdue(today: date, excluded: list[str]):
    query = select(SlaOpenClock).where(_overdue_clock(today))
    return query.where(SlaOpenClock.case_id.not_in(excluded)) if excluded else query


def statements(today: date) -> list[tuple[str, object]]:
    """(label, select) of what the dashboard reads, for plans and benchmarks."""
    return [("open tasks by department", _open_tasks(today)),
            ("open clocks counted by day", _open_clock_days()),
            ("overdue list", _overdue(today, []).order_by(SlaOpenClock.due_date, SlaOpenClock.case_id)
             .limit(OVERDUE_SHOWN)),
            ("cases updated since the refresh", rollup.since(rollup_through() or clock().now() - rollup.LAG))]


def rollup_through():
    state = db.session.get(SlaRollupState, 1)
    return state.through if state else None


def _closed_totals(through, delta, tz: str, work) -> dict:
    """Closed facts: the refreshed totals, with each recently updated case's marked
    contribution replaced by its current one."""
    totals: dict = {}
    if through is not None:
        for r in db.session.scalars(select(SlaRollup)):
            totals[f"{r.scope}\t{r.key}"] = [r.on_time, r.late, r.days_sum, r.days_n]
    ids = [r.id for r in delta]
    if through is not None:
        for start in range(0, len(ids), rollup.BATCH):
            for closed in db.session.scalars(select(SlaCaseMark.closed)
                                             .where(SlaCaseMark.case_id.in_(ids[start:start + rollup.BATCH]))):
                for key, cell in closed.items():
                    rollup._merge(totals, key, cell, -1)
    tasks = rollup.completed_tasks(ids)
    for r in delta:
        for key, cell in rollup.contribution(r.kind, r.sla, tasks.get(r.id, ()), tz, work).items():
            rollup._merge(totals, key, cell, 1)
    return totals


def report(today: date) -> Report:
    out = Report()
    names = dict(db.session.execute(select(Department.id, Department.name)).all())
    tz, work = timezone(), calendar()
    through = rollup_through()
    delta = db.session.execute(rollup.since(through)).all()
    excluded = [r.id for r in delta] if through is not None else []
    departments: dict[str, Tally] = defaultdict(Tally)
    paths: dict[str, Tally] = defaultdict(Tally)
    clocks: dict[str, Tally] = defaultdict(Tally)
    for key, (on_time, late, days_sum, days_n) in _closed_totals(through, delta, tz, work).items():
        if not (on_time or late or days_n):
            continue
        scope, name = key.split("\t", 1)
        if scope == "days":
            if days_n:
                out.answer_days[name] = round(days_sum / days_n, 1)
            continue
        if scope == "department":
            tally = departments[names.get(int(name) if name else None, "—")]
        else:
            tally = (paths if scope == "path" else clocks)[name]
        tally.on_time += on_time
        tally.late += late
    for department, late, n in db.session.execute(_open_tasks(today)):
        tally = departments[names.get(department, "—")]
        if late:
            tally.open_late += n
        else:
            tally.open_on_time += n
    open_rows = []
    for kind, name, late, overdue_too, n in (_open_clocks(today, excluded) if through is not None else []):
        open_rows.append((kind, name, late, n))
        out.overdue_total += n if overdue_too else 0
    overdue = [_overdue_row(c.case_id, c.kind, c.resource_code, c.name, c.due_date.isoformat(),
                            c.provider_department_id, names, work, today)
               for c in db.session.scalars(_overdue(today, excluded)
                                           .order_by(SlaOpenClock.due_date, SlaOpenClock.case_id).limit(OVERDUE_SHOWN))]
    for r in delta:
        for open_clock in rollup.open_clocks(r.id, r.kind, r.status, r.sla, r.resource_code,
                                             r.provider_department_id):
            view = clock_view({**open_clock, "due_date": open_clock["due_date"].isoformat()}, today)
            open_rows.append((r.kind, open_clock["name"], view["state"] == "breached" or open_clock["breached"], 1))
            if r.status == "pending" and view["state"] == "breached":
                out.overdue_total += 1
                overdue.append(_overdue_row(r.id, r.kind, r.resource_code, open_clock["name"], view["due_date"],
                                            r.provider_department_id, names, work, today))
    for kind, name, late, n in open_rows:
        for tally in (paths[kind], clocks[name]):
            if late:
                tally.open_late += n
            else:
                tally.open_on_time += n
    out.departments = dict(sorted(departments.items()))
    out.paths, out.clocks = dict(sorted(paths.items())), dict(sorted(clocks.items()))
    out.answer_days = dict(sorted(out.answer_days.items()))
    out.overdue = sorted(overdue, key=lambda o: (o["due_date"], o["request"]))[:OVERDUE_SHOWN]
    return out


def _overdue_row(case_id, kind, resource, clock_name, due_date: str, provider, names, work, today) -> dict:
    return {"request": case_id, "kind": kind, "resource": resource, "clock": clock_name, "due_date": due_date,
            "department": names.get(provider, "—"),
            "late_by": work.working_days_between(date.fromisoformat(due_date), today)}
