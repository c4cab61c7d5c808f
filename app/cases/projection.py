"""Projections: after every command, the rows users query are made to match the workflow.

Human tasks (inbox), timer jobs, SLA clocks and the case status are derived here from one
``Snapshot`` of the workflow, in the command's transaction; nothing else writes them.

The decision is one pure function, ``derive``: from the case facts (its model's elements,
its lanes, its status), the rows projected so far and a ``Snapshot`` it says which task rows
open, close or change and what status the case now has. The live command applies that
decision to the database (``project``); the auditor's replay (app/audit/replay_checks.py)
applies it to its in-memory rows and compares it with the events recorded — one code path,
so the two cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


from app.cases.lanes import DATA_LANES, LANE_ROLES, PERSONAL_LANES
from app.extensions import db
from app.grants import notice as grant_notice, register as grants
from app.models import Case, HumanTask, TimerJob
from app.models.types import new_id
from app.timers import incidents

OUTCOME_KEYS = ("decision", "reason", "conditions", "reply_type")
FINAL_BY_COMMAND = ("withdrawn", "cancelled")  # statuses a command set; the workflow never changes them


@dataclass(frozen=True)
class TaskFacts:
    """What a task row holds that the workflow decides."""

    element: str
    name: str
    lane_department: str | None  # department code of the task's lane for this case
    role: str
    due_date: date | None
    personal: bool = False  # assigned to the case's applicant


@dataclass
class Projected:
    """The decision for one command: ``cancelled``/``kept`` are spiff ids of rows open before."""

    cancelled: list[str] = field(default_factory=list)
    created: list[tuple[str, TaskFacts]] = field(default_factory=list)
    kept: dict[str, TaskFacts] = field(default_factory=dict)
    timers_added: list[tuple[str, str, datetime]] = field(default_factory=list)
    timers_moved: dict[str, datetime] = field(default_factory=dict)
    timers_gone: list[str] = field(default_factory=list)
    sla: list = field(default_factory=list)
    status: str = "pending"
    outcome: dict | None = None
    decided: bool = False


def derive(elements: dict, lanes: dict, status: str, outcome: dict | None, open_tasks: dict[str, str],
           snap, waiting_timers: dict[str, datetime] | None = None) -> Projected:
    """``open_tasks``: spiff id -> element of the rows open before the command;
    ``waiting_timers``: spiff id -> due of the timer jobs waiting before it."""
    ready = dict(snap.ready_user_tasks)
    out = Projected(cancelled=[s for s in open_tasks if s not in ready])
    for spiff_id, element in snap.ready_user_tasks:
        facts = task_facts(elements, lanes, element, snap.sla, snap.parties.get(spiff_id))
        if spiff_id in open_tasks:
            out.kept[spiff_id] = facts
        else:
            out.created.append((spiff_id, facts))
    waiting = waiting_timers or {}
    for spiff_id, element, due in snap.timers:
        if spiff_id not in waiting:
            out.timers_added.append((spiff_id, element, due))
        elif waiting[spiff_id] != due:
            out.timers_moved[spiff_id] = due
    live = {spiff_id for spiff_id, _e, _d in snap.timers}
    out.timers_gone = [s for s in waiting if s not in live]
    out.sla = sorted(snap.sla.values(), key=lambda c: (c["started_on"], c["key"]))
    out.status, out.outcome = status, outcome
    if status not in FINAL_BY_COMMAND:
        if snap.outcome:
            out.status = snap.outcome["status"]
            out.outcome = {k: snap.outcome.get(k) for k in OUTCOME_KEYS}
        elif snap.completed:
            out.status = "completed"
    out.decided = (out.status, out.outcome) != (status, outcome)
    return out


def task_facts(elements: dict, lanes: dict, element: str, sla: dict, party: str | None = None) -> TaskFacts:
    """``party``: the department the task's own data names, for a lane in ``DATA_LANES``."""
    info = elements.get(element, {})
    lane = info.get("lane")
    department = party if lane in DATA_LANES else lanes.get(lane)
    return TaskFacts(element=element, name=info.get("name", element), lane_department=department,
                     role=LANE_ROLES.get(lane, "admin"), due_date=_due_date(sla.get(task_clock(elements, element))),
                     personal=lane in PERSONAL_LANES)


# -- the live command: apply the decision to the case's rows ------------------------------

def project(uow, case: Case, snap, new: bool = False) -> None:
    """``new``: the case was created by this command, so it has no rows to reconcile yet."""
    with db.session.no_autoflush:
        # filter in Python too: the command may have closed a row in memory (no autoflush here)
        open_rows = {} if new else {t.spiff_task_id: t for t in uow.open_tasks(case) if t.state == "open"}
        waiting = {} if new else {j.spiff_task_id: j for j in uow.waiting_timers(case) if j.state == "waiting"}
        decision = derive(case.definition.elements, case.lanes, case.status, case.outcome,
                          {s: r.task_key for s, r in open_rows.items()}, snap,
                          {s: j.due_at for s, j in waiting.items()})
        created = _apply_tasks(uow, case, decision, open_rows, new)
        case.projected_open_tasks = [r for r in open_rows.values() if r.state == "open"] + created
        _apply_timers(uow, case, decision, waiting)
        case.sla = decision.sla
        _project_status(uow, case, snap, decision)


def _apply_tasks(uow, case: Case, decision: Projected, open_rows: dict, new: bool) -> list[HumanTask]:
    """Cancel, create and update the case's task rows; the rows created."""
    created = []
    for spiff_id in decision.cancelled:
        row = open_rows[spiff_id]
        row.state = "cancelled"
        row.completed_at = uow.now
        uow.record(case, "task_cancelled", row.task_key, {"task": row.id})
    for spiff_id, facts in decision.created:
        department = uow.department(facts.lane_department)
        row = HumanTask(id=new_id(), case_id=case.id, spiff_task_id=spiff_id, task_key=facts.element,
                        name=facts.name, kind=case.kind,
                        department_id=department.id if department else None, department=department,
                        role=facts.role, created_at=uow.now, due_date=facts.due_date)
        row.other_department = other_department(case, row.department_id)
        copy_case_facts(case, row)
        if facts.personal:
            row.assignee_id = case.applicant_id
        db.session.add(row)
        created.append(row)
        lane = case.definition.elements.get(facts.element, {}).get("lane")
        incidents.check_handler(uow, case, spiff_id, facts.element, lane, new, facts.lane_department)
        uow.record(case, "task_created", facts.element, created_data(row.id, facts))
    for spiff_id, facts in decision.kept.items():
        row = open_rows[spiff_id]
        row.due_date = facts.due_date
        copy_case_facts(case, row)  # an amendment changes the purpose
        if row.task_key != facts.element:  # a migration moved the task to another element
            department = uow.department(facts.lane_department)
            uow.record(case, "task_migrated", facts.element, {**created_data(row.id, facts), "from": row.task_key})
            row.task_key, row.name, row.role = facts.element, facts.name, facts.role
            row.department_id, row.department = (department.id if department else None), department
            row.other_department = other_department(case, row.department_id)
    return created


def copy_case_facts(case: Case, row: HumanTask) -> None:
    """What the inbox searches by, from the case (app/models/task.py)."""
    row.resource_code, row.applicant_department_id = case.resource_code, case.department_id
    row.purpose = (case.input or {}).get("purpose")


def other_department(case: Case, department_id: int | None) -> bool:
    """A task of a department that is neither the case's applicant's nor its provider
    (app/models/task.py ``other_department``: it makes the case visible there)."""
    return department_id is not None and department_id not in (case.department_id, case.provider_department_id)


def created_data(row_id: str, facts: TaskFacts) -> dict:
    """The data of ``task_created`` (and ``task_migrated``): what the replay checks."""
    return {"task": row_id, "department": facts.lane_department, "role": facts.role,
            "due_date": _iso(facts.due_date)}


def _apply_timers(uow, case: Case, decision: Projected, waiting: dict) -> None:
    for spiff_id, element, due in decision.timers_added:
        db.session.add(TimerJob(case_id=case.id, spiff_task_id=spiff_id, element=element, due_at=due))
    for spiff_id, due in decision.timers_moved.items():
        waiting[spiff_id].due_at = due
    for spiff_id in decision.timers_gone:
        job = waiting[spiff_id]
        job.state = "done" if job.due_at <= uow.now else "cancelled"
        job.fired_at = uow.now if job.state == "done" else None
        job.lock_owner = job.lock_expires_at = None


def _project_status(uow, case: Case, snap, decision: Projected | None = None) -> None:
    """Status and outcome from the workflow; a change is recorded (the applicant is told).
    The hook where a decided case's other consequences (grants) are applied."""
    if decision is None:
        decision = derive(case.definition.elements, case.lanes, case.status, case.outcome, {}, snap)
    if not decision.decided:
        return
    before = case.status
    case.status, case.outcome = decision.status, decision.outcome
    uow.record(case, "case_decided", None, {"status": case.status, "outcome": case.outcome})
    grants.on_decided(uow, case, before)
    grant_notice.on_decided(uow, case, before)


def task_clock(elements: dict, element: str) -> str:
    """The SLA clock a user task's due date comes from: its ``dsf:clock``, else its own id."""
    return elements.get(element, {}).get("clock", element)


def _due_date(clock: dict | None) -> date | None:
    """A paused clock has no due date yet (it is never overdue while paused)."""
    return date.fromisoformat(clock["due_date"]) if clock and clock["state"] != "paused" else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
