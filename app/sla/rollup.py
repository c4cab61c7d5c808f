"""Supervision figures kept incrementally: what each case contributes to the dashboard.

A case contributes *closed* facts, which never change with the day they are read: its
completed tasks that had a due date (kept or missed, per department) and its stopped SLA
clocks (kept or missed per path and per clock name, and the working days they counted). Its
*open* clocks are judged on the day they are read (late or not), so they are kept as rows,
and counted by day (``sla_open_clock_days``) for the tallies.

``refresh`` marks every case updated since the last refresh: it replaces the case's earlier
contribution in the totals (``sla_rollup``) with its current one (``sla_case_marks`` keeps
what was added) and rewrites its open clocks. The dashboard (app/web/sla_stats.py) then reads
the totals, and computes live only the cases updated since the refresh (``delta``), replacing
their marked contribution: the figures are exact at every moment, and cost the totals plus the
recent changes, not the history. ``refresh`` runs every few minutes in each serving process's
scheduler (app/timers/scheduler.py; concurrent runs queue on the state row's lock) and on demand
with ``flask sla rollup``; it marks up to ``LAG`` ago, so a command still in flight
when it runs is never skipped.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, insert, select

from app.engine.clock import local_date
from app.extensions import db
from app.models import Case, HumanTask, SlaCaseMark, SlaOpenClock, SlaOpenClockDay, SlaRollup, SlaRollupState

LAG = timedelta(minutes=10)
BATCH = 5000
CASE_COLUMNS = (Case.id, Case.kind, Case.status, Case.sla, Case.resource_code, Case.provider_department_id)

Contribution = dict  # "scope\tkey" -> [on_time, late, days_sum, days_n]


def counted_days(clock: dict, work) -> int:
    """Working days a met or late clock ran: start to stop, less its paused spells."""
    days = work.working_days_between(date.fromisoformat(clock["started_on"]), date.fromisoformat(clock["stopped_on"]))
    for segment in clock.get("segments", []):
        if segment.get("state") == "paused" and segment.get("to"):
            days -= work.working_days_between(date.fromisoformat(segment["from"]), date.fromisoformat(segment["to"]))
    return max(days, 0)


def _add(into: dict, scope: str, key, on_time: int = 0, late: int = 0, days_sum: int = 0, days_n: int = 0):
    cell = into.setdefault(f"{scope}\t{'' if key is None else key}", [0, 0, 0, 0])
    cell[0] += on_time
    cell[1] += late
    cell[2] += days_sum
    cell[3] += days_n


def contribution(kind: str, sla: list | None, tasks, tz: str, work) -> Contribution:
    """The closed facts of one case: ``tasks`` are its completed (department, due, completed_at)."""
    out: Contribution = {}
    for department, due, completed_at in tasks:
        kept = local_date(completed_at, tz) <= due
        _add(out, "department", department, on_time=int(kept), late=int(not kept))
    for clock in sla or []:
        if not clock.get("stopped_on"):
            continue
        late = bool(clock.get("breached"))
        _add(out, "path", kind, on_time=int(not late), late=int(late))
        _add(out, "clock", clock["name"], on_time=int(not late), late=int(late))
        _add(out, "days", clock["name"], days_sum=counted_days(clock, work), days_n=1)
    return out


def open_clocks(case_id: str, kind: str, status: str, sla: list | None, resource: str | None,
                provider: int | None) -> list[dict]:
    """The case's clocks not yet stopped, as ``sla_open_clocks`` rows."""
    return [{"case_id": case_id, "kind": kind, "status": status, "name": c["name"], "state": c["state"],
             "breached": bool(c.get("breached")), "due_date": date.fromisoformat(c["due_date"]),
             "provider_department_id": provider, "resource_code": resource}
            for c in sla or [] if not c.get("stopped_on")]


def completed_tasks(case_ids: list[str]) -> dict[str, list[tuple]]:
    """case id -> its completed tasks that had a due date: (department, due, completed_at)."""
    out: dict[str, list[tuple]] = defaultdict(list)
    for start in range(0, len(case_ids), BATCH):
        rows = db.session.execute(select(HumanTask.case_id, HumanTask.department_id, HumanTask.due_date,
                                         HumanTask.completed_at)
                                  .where(HumanTask.case_id.in_(case_ids[start:start + BATCH]),
                                         HumanTask.state == "completed", HumanTask.due_date.is_not(None)))
        for case_id, department, due, completed_at in rows:
            out[case_id].append((department, due, completed_at))
    return out


def since(through: datetime | None):
    """Cases updated at or after ``through`` (every case when never refreshed)."""
    query = select(*CASE_COLUMNS)
    return query if through is None else query.where(Case.updated_at >= through)


def refresh(now: datetime, tz: str, work) -> int:
    """Mark every case updated since the last refresh; the caller commits. Returns how many."""
    state = db.session.get(SlaRollupState, 1, with_for_update=True)
    if state is None:
        state = SlaRollupState(id=1, through=None)
        db.session.add(state)
        db.session.flush()
    change: Contribution = {}
    marked, last = 0, ""
    while True:  # in batches, by case id
        rows = db.session.execute(since(state.through).where(Case.id > last).order_by(Case.id).limit(BATCH)).all()
        if not rows:
            break
        ids = [r.id for r in rows]
        last = ids[-1]
        tasks = completed_tasks(ids)
        old = dict(db.session.execute(select(SlaCaseMark.case_id, SlaCaseMark.closed)
                                      .where(SlaCaseMark.case_id.in_(ids))).all())
        new = {r.id: contribution(r.kind, r.sla, tasks.get(r.id, ()), tz, work) for r in rows}
        for case_id in ids:
            for key, cell in (old.get(case_id) or {}).items():
                _merge(change, key, cell, -1)
            for key, cell in new[case_id].items():
                _merge(change, key, cell, 1)
        db.session.execute(delete(SlaCaseMark).where(SlaCaseMark.case_id.in_(ids)))
        db.session.execute(insert(SlaCaseMark), [{"case_id": i, "closed": new[i]} for i in ids])
        db.session.execute(delete(SlaOpenClock).where(SlaOpenClock.case_id.in_(ids)))
        clocks = [c for r in rows for c in open_clocks(r.id, r.kind, r.status, r.sla, r.resource_code,
                                                       r.provider_department_id)]
        if clocks:
            db.session.execute(insert(SlaOpenClock), clocks)
        marked += len(ids)
    _apply(change)
    if marked:
        count_open_clock_days()
    state.through = now - LAG
    return marked


DAY_COLUMNS = ("kind", "name", "status", "state", "breached", "due_date")


def count_open_clock_days() -> None:
    """Rewrite ``sla_open_clock_days`` from ``sla_open_clocks`` (one grouped pass)."""
    columns = [getattr(SlaOpenClock, c) for c in DAY_COLUMNS]
    db.session.execute(delete(SlaOpenClockDay))
    db.session.execute(insert(SlaOpenClockDay).from_select(
        [*DAY_COLUMNS, "n"], select(*columns, func.count()).group_by(*columns)))


def refresh_now() -> int:
    """``refresh`` at the service's time, committed (``flask sla rollup`` and the scheduler)."""
    from app.services import calendar, clock, timezone

    marked = refresh(clock().now(), timezone(), calendar())
    db.session.commit()
    return marked


def _merge(into: dict, key: str, cell: list, sign: int) -> None:
    target = into.setdefault(key, [0, 0, 0, 0])
    for i in range(4):
        target[i] += sign * cell[i]


def _apply(change: Contribution) -> None:
    rows = {(r.scope, r.key): r for r in db.session.scalars(select(SlaRollup))}
    for key, cell in change.items():
        if not any(cell):
            continue
        scope, name = key.split("\t", 1)
        row = rows.get((scope, name))
        if row is None:
            row = SlaRollup(scope=scope, key=name, on_time=0, late=0, days_sum=0, days_n=0)
            db.session.add(row)
        row.on_time += cell[0]
        row.late += cell[1]
        row.days_sum += cell[2]
        row.days_n += cell[3]
