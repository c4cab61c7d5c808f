"""Projections: after every command, the rows users query are made to match the workflow.

Human tasks (inbox), timer jobs, SLA clocks and the case status are derived here from one
``Snapshot`` of the workflow, in the command's transaction; nothing else writes them.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.cases.lanes import LANE_ROLES, PERSONAL_LANES
from app.extensions import db
from app.grants import register as grants
from app.models import Case, HumanTask, TimerJob
from app.models.types import new_id
from app.timers import incidents


def project(uow, case: Case, snap, new: bool = False) -> None:
    """``new``: the case was created by this command, so it has no rows to reconcile yet."""
    with db.session.no_autoflush:
        _project_tasks(uow, case, snap, new)
        _project_timers(uow, case, snap, new)
        case.sla = sorted(snap.sla.values(), key=lambda c: (c["started_on"], c["key"]))
        _project_status(uow, case, snap)


def _project_tasks(uow, case: Case, snap, new: bool) -> None:
    # filter in Python too: the command may have closed a row in memory (no autoflush here)
    open_rows = {} if new else {t.spiff_task_id: t for t in db.session.scalars(
        select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == "open"))
        if t.state == "open"}
    ready = dict(snap.ready_user_tasks)
    for spiff_id, row in open_rows.items():
        if spiff_id not in ready:
            row.state = "cancelled"
            row.completed_at = uow.now
            uow.record(case, "task_cancelled", row.task_key, {"task": row.id})
    elements = case.definition.elements
    for spiff_id, element in snap.ready_user_tasks:
        if spiff_id in open_rows:
            continue
        info = elements.get(element, {})
        lane = info.get("lane")
        department = uow.department(case.lanes.get(lane))
        row = HumanTask(id=new_id(), case_id=case.id, spiff_task_id=spiff_id, task_key=element,
                        name=info.get("name", element), kind=case.kind,
                        department_id=department.id if department else None, department=department,
                        role=LANE_ROLES.get(lane, "admin"), created_at=uow.now,
                        due_date=_due_date(snap.sla.get(task_clock(elements, element))))
        if lane in PERSONAL_LANES:
            row.assignee_id = case.applicant_id
        db.session.add(row)
        incidents.check_handler(uow, case, spiff_id, element, lane, new)
        uow.record(case, "task_created", element, {"task": row.id, "department": case.lanes.get(lane),
                                                   "role": row.role, "due_date": _iso(row.due_date)})
    for row in open_rows.values():
        if row.spiff_task_id in ready:
            row.due_date = _due_date(snap.sla.get(task_clock(elements, row.task_key)))


def _project_timers(uow, case: Case, snap, new: bool) -> None:
    waiting = {} if new else {j.spiff_task_id: j for j in db.session.scalars(
        select(TimerJob).where(TimerJob.case_id == case.id, TimerJob.state == "waiting"))
        if j.state == "waiting"}
    live = set()
    for spiff_id, element, due in snap.timers:
        live.add(spiff_id)
        job = waiting.get(spiff_id)
        if job is None:
            db.session.add(TimerJob(case_id=case.id, spiff_task_id=spiff_id, element=element, due_at=due))
        elif job.due_at != due:
            job.due_at = due
    for spiff_id, job in waiting.items():
        if spiff_id not in live:
            job.state = "done" if job.due_at <= uow.now else "cancelled"
            job.fired_at = uow.now if job.state == "done" else None
            job.lock_owner = job.lock_expires_at = None


def _project_status(uow, case: Case, snap) -> None:
    """Status and outcome from the workflow; a change is recorded (the applicant is told)."""
    if case.status == "withdrawn":
        return
    before = (case.status, case.outcome)
    if snap.outcome:
        case.status = snap.outcome["status"]
        case.outcome = {k: snap.outcome.get(k) for k in ("decision", "reason", "conditions", "reply_type")}
    elif snap.completed:
        case.status = "completed"
    if (case.status, case.outcome) != before:
        uow.record(case, "case_decided", None, {"status": case.status, "outcome": case.outcome})
        grants.on_decided(uow, case, before[0])


def task_clock(elements: dict, element: str) -> str:
    """The SLA clock a user task's due date comes from: its ``dsf:clock``, else its own id."""
    return elements.get(element, {}).get("clock", element)


def _due_date(clock: dict | None) -> date | None:
    """A paused clock has no due date yet (it is never overdue while paused)."""
    return date.fromisoformat(clock["due_date"]) if clock and clock["state"] != "paused" else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
