"""Loading a year's official holiday schedule, and moving the open deadlines that counted on it.

The schedule is stored and audited in one transaction; then every pending case with an open
SLA clock touching that year (or counted on a provisional year) is recomputed in its own unit
of work, with the case locked like any other command: clock recomputed in the workflow data,
its waiting deadline timers re-evaluated, projections saved (task due dates,
``timer_jobs.due_at``), and a ``deadline_recomputed`` event with the old and new due date.
"""
from __future__ import annotations

import json
import logging
import pathlib
import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.calendar import ScheduleError, YearSchedule
from app.cases.uow import UnitOfWork
from app.engine.context import engine_context
from app.errors import AppError, conflict
from app.extensions import db
from app.models import CalendarYear, Case
from app.services import calendar
from app.sla import clock as sla
from app.engine.deadline_timers import reschedule_deadline_timers

log = logging.getLogger(__name__)


def load_year(schedule: YearSchedule, actor: str) -> dict:
    """Store ``schedule`` (already validated) and recompute the open deadlines it moves."""
    store_year(schedule, actor)
    changes, failures = recompute_open_deadlines(schedule.year, actor)
    return {**schedule.to_dict(), "recomputed": changes, "failed": failures}


def store_year(schedule: YearSchedule, actor: str) -> None:
    """Insert or replace the year's row and audit the load, all or nothing."""
    try:
        with UnitOfWork(actor) as uow:
            previous = calendar().year(schedule.year)
            row = db.session.get(CalendarYear, schedule.year, with_for_update=True)
            if row is None:
                row = CalendarYear(year=schedule.year, revision=0)
                db.session.add(row)
            data = schedule.to_dict()
            row.holidays, row.workdays = data["holidays"], data["workdays"]
            row.special_holidays = data.get("special_holidays", [])
            row.source_ref = schedule.source_ref
            row.revision = (row.revision or 0) + 1
            row.loaded_at, row.loaded_by = uow.now, actor
            uow.record(None, "calendar_loaded", None, {
                **data, "previous": {"source": previous.source, "source_ref": previous.source_ref}})
    except IntegrityError:  # another admin inserted the same year at the same moment
        db.session.rollback()
        raise conflict("concurrent_change", {"year": schedule.year}) from None


def recompute_open_deadlines(year: int, actor: str) -> tuple[list[dict], list[dict]]:
    """Recompute each affected pending case; one failing case does not stop the others."""
    changes, failures = [], []
    for case_id in affected_cases(year):
        try:
            changes += recompute_case(case_id, actor)
        except AppError as exc:
            log.warning("deadline recompute failed for case %s: %s", case_id, exc.code)
            failures.append({"request": case_id, "code": exc.code})
    return changes, failures


def affected_cases(year: int) -> list[str]:
    """Pending cases whose projected clocks may move with ``year`` (no workflow is loaded)."""
    rows = db.session.execute(select(Case.id, Case.sla).where(Case.status == "pending").order_by(Case.id))
    return [case_id for case_id, clocks in rows
            if any(sla.is_open(c) and sla.touches_year(c, year) for c in clocks or [])]


def recompute_case(case_id: str, actor: str) -> list[dict]:
    """One case's open clocks against the calendar in force now; returns what moved."""
    with UnitOfWork(actor) as uow:
        case = uow.lock_case(case_id)
        if case.status != "pending":
            return []
        workflow = uow.workflow_of(case)
        clocks = workflow.data.get("sla", {})
        moved = _recompute_clocks(clocks, uow.ctx.calendar)
        if not moved:
            return []
        uow.ctx.workflow = workflow
        with engine_context(uow.ctx):
            for change in moved:
                change["timers"] = [element for element, _old, _new in
                                    reschedule_deadline_timers(workflow, change["clock"])]
        for change in moved:
            uow.record(case, "deadline_recomputed", change["clock"], change)
        uow.save(case, workflow)
    return [{"request": case_id, **change} for change in moved]


def _recompute_clocks(clocks: dict, work_calendar) -> list[dict]:
    """Recompute the open clocks in place; the ones whose due date or flag changed."""
    moved = []
    for key, clock in clocks.items():
        if not sla.is_open(clock):
            continue
        new = sla.recompute(clock, work_calendar)
        if (new["due_date"], new["provisional"]) == (clock["due_date"], clock.get("provisional")):
            continue
        clocks[key] = new
        moved.append({"clock": key, "old_due_date": clock["due_date"], "new_due_date": new["due_date"],
                      "old_provisional": clock.get("provisional"), "new_provisional": new["provisional"]})
    return moved


def read_schedule_file(path: str) -> YearSchedule:
    """A schedule file as shipped in config/calendar (a ``<year>.json`` name must match)."""
    file = pathlib.Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScheduleError(f"无法读取 {file.name}:{exc}", {"file": str(file)}) from None
    expected = int(file.stem) if re.fullmatch(r"\d{4}", file.stem) else None
    return YearSchedule.from_dict(data, "official", expected_year=expected)
