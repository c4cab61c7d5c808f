"""What a replayed case's projections would hold, and the comparisons with what is stored.

``ProjectedState`` holds the replay's rows in memory and moves them, after each replayed
command, with the live projection's own decision (``app.cases.projection.derive``): which user
tasks open, close or move (element, department, role, due date), the SLA clocks and the
status; it checks them against the ``task_created`` / ``task_cancelled`` / ``task_migrated``
events recorded with that command. ``compare_final`` then holds the end state against the
case row, its human_tasks rows, its grant (one per granted share request), its waiting timer jobs and
its stored workflow state.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timezone

from sqlalchemy import func, select

from app.cases.projection import derive
from app.extensions import db
from app.grants.notice import EVENTS as NOTICE_EVENTS, takes_effect
from app.grants.register import creates_grant
from app.models import Grant, HumanTask, TimerJob, User
from app.services import engine



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

    @classmethod
    def of(cls, spiff_id: str, facts) -> "ReplayTask":
        return cls(spiff_id, facts.element, facts.lane_department, facts.role, _iso(facts.due_date))

    def key(self) -> tuple:
        return (self.element, self.department, self.role, self.due_date)

    def describe(self) -> dict:
        return {"task": self.row_id, "element": self.element, "department": self.department,
                "role": self.role, "due_date": self.due_date, "state": self.state}


class ProjectedState:
    """The replay's rows, moved by the very decision the live command applies (``derive``)."""

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

    def project(self, definition, case, snap, command, seq: int) -> None:
        """The projection of one command, checked against the events recorded with it."""
        decision = derive(definition.elements, case.lanes, self.status, self.outcome,
                          {t.spiff_id: t.element for t in self.open_tasks()}, snap)
        cancelled = [self.by_spiff[s] for s in decision.cancelled]
        for task in cancelled:
            task.state = "cancelled"
        created = [ReplayTask.of(spiff_id, facts) for spiff_id, facts in decision.created]
        for task in created:
            self.by_spiff[task.spiff_id] = task
        moved = []
        for spiff_id, facts in decision.kept.items():
            task = self.by_spiff[spiff_id]
            if task.element != facts.element:
                moved.append((task.element, ReplayTask.of(spiff_id, facts)))
            task.element, task.department, task.role = facts.element, facts.lane_department, facts.role
            task.due_date = _iso(facts.due_date)
        self._match(command.outputs, cancelled, created, seq)
        self._match_moved(command.outputs, moved, seq)
        self.sla = decision.sla
        decided = [{"status": e.data.get("status"), "outcome": e.data.get("outcome")}
                   for e in command.outputs if e.type == "case_decided"]
        expected = [{"status": decision.status, "outcome": decision.outcome}] if decision.decided else []
        before = self.status
        self.status, self.outcome = decision.status, decision.outcome
        if decided != expected:
            raise Diverged(seq, "case_decided", expected, decided)
        granted = sum(1 for e in command.outputs if e.type == "grant_created")
        due = 1 if creates_grant(case.kind, before, self.status) else 0
        if granted != due:
            raise Diverged(seq, "grant_created", due, granted)
        self.grants += due
        self._check_notice_effect(case, before, command.outputs, seq)

    def _check_notice_effect(self, case, before: str, outputs, seq: int) -> None:
        """A change notice acts on its notified grants only in the command that makes it take
        effect, and only as the notice says (suspend or carry over); never elsewhere."""
        acted = [e for e in outputs if e.type in NOTICE_EVENTS.values()]
        if not takes_effect(case.kind, before, self.status):
            if acted:
                raise Diverged(seq, acted[0].type, None, acted[0].data.get("grant"))
            return
        wanted = NOTICE_EVENTS[case.input["grants"]]
        notified = set(case.input.get("notified_grants") or [])
        wrong = [e for e in acted if e.type != wanted or e.data.get("grant") not in notified]
        if wrong:
            raise Diverged(seq, wanted, sorted(notified), wrong[0].data.get("grant"))

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

    def _match_moved(self, outputs, moved, seq) -> None:
        """Open tasks a migration moved to another element (``task_migrated``)."""
        recorded = sorted((e.data.get("from"), e.data.get("task"), *_created_key(e))
                          for e in outputs if e.type == "task_migrated")
        expected = sorted((old, self.by_spiff[t.spiff_id].row_id, *t.key()) for old, t in moved)
        if recorded != expected:
            raise Diverged(seq, "task_migrated", _pairs(expected), _pairs(recorded))


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


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _utc(moment) -> str:
    return moment.astimezone(timezone.utc).isoformat()
