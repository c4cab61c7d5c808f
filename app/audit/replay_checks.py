"""What a replayed case's projections would hold, and the comparisons with what is stored.

``ProjectedState`` mirrors app/cases/projection.py in memory: after each replayed command it
works out which user tasks open and close (element, department, role, due date), the SLA
clocks and the status, and checks them against the ``task_created`` / ``task_cancelled``
events recorded with that command. ``compare_final`` then holds the end state against the
case row, its human_tasks rows, its grant (one per granted share request), its waiting timer jobs and
its stored workflow state.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timezone

from sqlalchemy import func, select

from app.cases.lanes import LANE_ROLES
from app.cases.projection import task_clock
from app.extensions import db
from app.grants.register import creates_grant
from app.models import Grant, HumanTask, TimerJob, User
from app.services import engine

OUTCOME_KEYS = ("decision", "reason", "conditions", "reply_type")


class Diverged(Exception):
    """The first place where the replay and the stored case disagree."""

    def __init__(self, seq: int | None, what: str, expected=None, found=None):
        super().__init__(what)
        self.body = {"seq": seq, "what": what, "expected": expected, "found": found}




@dataclass
class ReplayTask:
    spiff_id: str
    element: str
    department: str | None
    role: str
    due_date: str | None
    row_id: str | None = None
    state: str = "open"
    completed_by: str | None = None

    def key(self) -> tuple:
        return (self.element, self.department, self.role, self.due_date)

    def describe(self) -> dict:
        return {"task": self.row_id, "element": self.element, "department": self.department,
                "role": self.role, "due_date": self.due_date, "state": self.state}


class ProjectedState:
    def __init__(self):
        self.by_spiff: dict[str, ReplayTask] = {}
        self.rows: dict[str, ReplayTask] = {}
        self.status = "pending"
        self.outcome = None
        self.sla: list = []
        self.grants = 0  # grants the replayed decisions make (app/grants/register.py)

    def open_tasks(self) -> list[ReplayTask]:
        return [t for t in self.by_spiff.values() if t.state == "open"]

    def locate(self, row_id: str | None, element: str | None) -> ReplayTask | None:
        """The open task the recorded completion names; else the one open task of that element."""
        task = self.rows.get(row_id)
        if task is not None:
            return task if task.state == "open" else None
        candidates = [t for t in self.open_tasks() if t.element == element]
        return candidates[0] if len(candidates) == 1 else None

    def complete(self, task: ReplayTask, actor: str) -> None:
        task.state, task.completed_by = "completed", actor

    def project(self, case, snap, command, seq: int) -> None:
        """The projection of one command, checked against the events recorded with it."""
        ready = dict(snap.ready_user_tasks)
        cancelled = [t for t in self.open_tasks() if t.spiff_id not in ready]
        for task in cancelled:
            task.state = "cancelled"
        created = [self._new_task(case, snap, spiff_id, element) for spiff_id, element in snap.ready_user_tasks
                   if spiff_id not in self.by_spiff]
        for task in self.open_tasks():
            task.due_date = _due(snap.sla.get(task_clock(case.definition.elements, task.element)))
        self._match(command.outputs, cancelled, created, seq)
        self.sla = sorted(snap.sla.values(), key=lambda c: (c["started_on"], c["key"]))
        before = (self.status, self.outcome)
        if self.status != "withdrawn":
            if snap.outcome:
                self.status = snap.outcome["status"]
                self.outcome = {k: snap.outcome.get(k) for k in OUTCOME_KEYS}
            elif snap.completed:
                self.status = "completed"
        decided = [{"status": e.data.get("status"), "outcome": e.data.get("outcome")}
                   for e in command.outputs if e.type == "case_decided"]
        expected = [] if (self.status, self.outcome) == before else [{"status": self.status, "outcome": self.outcome}]
        if decided != expected:
            raise Diverged(seq, "case_decided", expected, decided)
        granted = sum(1 for e in command.outputs if e.type == "grant_created")
        due = 1 if creates_grant(case.kind, before[0], self.status) else 0
        if granted != due:
            raise Diverged(seq, "grant_created", due, granted)
        self.grants += due

    def _new_task(self, case, snap, spiff_id: str, element: str) -> ReplayTask:
        lane = case.definition.elements.get(element, {}).get("lane")
        task = ReplayTask(spiff_id, element, case.lanes.get(lane), LANE_ROLES.get(lane, "admin"),
                          _due(snap.sla.get(task_clock(case.definition.elements, element))))
        self.by_spiff[spiff_id] = task
        return task

    def _match(self, outputs, cancelled, created, seq) -> None:
        recorded_cancel = sorted((e.element, e.data.get("task")) for e in outputs if e.type == "task_cancelled")
        expected_cancel = sorted((t.element, t.row_id) for t in cancelled)
        if recorded_cancel != expected_cancel:
            raise Diverged(seq, "task_cancelled", _pairs(expected_cancel), _pairs(recorded_cancel))
        made = [e for e in outputs if e.type == "task_created"]
        recorded = sorted(_created_key(e) for e in made)
        if recorded != sorted(t.key() for t in created):
            raise Diverged(seq, "task_created", [_created_dict(k) for k in sorted(t.key() for t in created)],
                            [_created_dict(k) for k in recorded])
        free = list(created)
        for event in made:
            task = next(t for t in free if t.key() == _created_key(event))
            free.remove(task)
            task.row_id = event.data.get("task")
            self.rows[task.row_id] = task


def compare_final(case, workflow, state: ProjectedState, seq: int) -> None:
    """The end of the replay against every stored projection of the case."""
    for what, expected, found in (("status", state.status, case.status),
                                  ("outcome", state.outcome, case.outcome),
                                  ("sla", state.sla, case.sla or [])):
        if expected != found:
            raise Diverged(None, f"case.{what}", expected, found)
    _compare_task_rows(case, state)
    stored = db.session.scalar(select(func.count()).select_from(Grant).where(Grant.case_id == case.id))
    if stored != state.grants:
        raise Diverged(None, "grants", state.grants, stored)
    snap = engine().snapshot(workflow)
    _compare_timers(case, snap)
    _compare_stored_workflow(case, snap)


def _compare_task_rows(case, state: ProjectedState) -> None:
    rows = {r.id: r for r in db.session.scalars(select(HumanTask).where(HumanTask.case_id == case.id))}
    users = dict(db.session.execute(select(User.id, User.username)).all())
    for row_id, task in sorted(state.rows.items()):
        row = rows.pop(row_id, None)
        if row is None:
            raise Diverged(None, "human_task.missing", task.describe(), None)
        found = {"task": row.id, "element": row.task_key,
                 "department": row.department.code if row.department else None,
                 "role": row.role, "due_date": _iso(row.due_date), "state": row.state}
        expected = task.describe()
        if task.state != "open":  # a closed task's due date stays as it was last projected
            expected["due_date"] = found["due_date"]
        if found != expected:
            raise Diverged(None, "human_task", expected, found)
        if task.state == "completed" and users.get(row.completed_by_id) != task.completed_by:
            raise Diverged(None, "human_task.completed_by", task.completed_by, users.get(row.completed_by_id))
    if rows:
        row = min(rows.values(), key=lambda r: r.created_at)
        raise Diverged(None, "human_task.unexpected", None, {"task": row.id, "element": row.task_key,
                                                              "state": row.state})


def _compare_timers(case, snap) -> None:
    stored = sorted((j.element, _utc(j.due_at)) for j in db.session.scalars(
        select(TimerJob).where(TimerJob.case_id == case.id, TimerJob.state == "waiting")))
    expected = sorted((element, _utc(due)) for _id, element, due in snap.timers)
    if stored != expected:
        raise Diverged(None, "timer_jobs", _pairs(expected), _pairs(stored))


def _compare_stored_workflow(case, snap) -> None:
    """The serialized workflow the service would continue from must be the replay's."""
    try:
        stored = engine().snapshot(engine().load(engine().spec(case.definition), case.workflow_state))
    except Exception as exc:  # unreadable state is itself the finding
        raise Diverged(None, "workflow_state", "a loadable workflow", type(exc).__name__) from None
    for what, read in (("ready_tasks", lambda s: sorted(e for _i, e in s.ready_user_tasks)),
                       ("timers", lambda s: sorted((e, _utc(d)) for _i, e, d in s.timers)),
                       ("outcome", lambda s: s.outcome), ("sla", lambda s: s.sla),
                       ("completed", lambda s: s.completed)):
        if read(snap) != read(stored):
            raise Diverged(None, f"workflow_state.{what}", read(snap), read(stored))


def _created_key(event) -> tuple:
    d = event.data
    return (event.element, d.get("department"), d.get("role"), d.get("due_date"))


def _created_dict(key: tuple) -> dict:
    return dict(zip(("element", "department", "role", "due_date"), key))


def _pairs(items) -> list[list]:
    return [list(i) for i in items]


def _due(clock: dict | None) -> str | None:
    return clock["due_date"] if clock else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _utc(moment) -> str:
    return moment.astimezone(timezone.utc).isoformat()
