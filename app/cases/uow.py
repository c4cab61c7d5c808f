"""The unit of work: one transaction per command, the case row locked, all or nothing.

Every change to workflow state goes through ``UnitOfWork``: lock the case (``SELECT … FOR
UPDATE`` on PostgreSQL, plus the optimistic ``version`` column everywhere), load the
workflow, apply the command, project (tasks, timers, SLA, status), append audit events,
commit. An exception anywhere rolls everything back. Audit events are collected during the
command and chained at the end, so the chain-head lock is held only around the commit.

``Batch`` runs many such commands in one transaction (the timer runner's deadline storms):
each is a ``UnitOfWork`` step under its own savepoint, so a failing step undoes itself only,
and the steps' events are chained together under one chain-head lock at the batch's commit.
"""
from __future__ import annotations

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm.exc import StaleDataError

from app import mail
from app.audit import log as audit
from app.engine.clock import FrozenClock
from app.engine.context import EngineContext
from app.engine.runner import EngineFailure
from app.errors import AppError, conflict, not_found
from app.extensions import db
from app.models import Case, Department, HumanTask, ProcessDefinition, TimerJob, User
from app.services import calendar, clock, engine, timezone


# The statements every command runs, built once (building one costs more than its round trip).
_LOCK_CASE = select(Case).where(Case.id == bindparam("case_id")).with_for_update(of=Case) \
    .execution_options(populate_existing=True)
_LOCK_CASE_OF_TASK = select(Case).join(HumanTask, HumanTask.case_id == Case.id) \
    .where(HumanTask.id == bindparam("task_id")).with_for_update(of=Case).execution_options(populate_existing=True)
_TASK_AND_OPEN_ONES = select(HumanTask).where(HumanTask.case_id == bindparam("case_id"), or_(
    HumanTask.state == "open", HumanTask.id == bindparam("task_id"))).execution_options(populate_existing=True)
_OPEN_TASKS = select(HumanTask).where(HumanTask.case_id == bindparam("case_id"), HumanTask.state == "open")
_WAITING_TIMERS = select(TimerJob).where(TimerJob.case_id == bindparam("case_id"), TimerJob.state == "waiting")
_DEPARTMENT = select(Department).where(Department.code == bindparam("code"))
_USERS_OF = select(User).where(User.department_id == bindparam("department_id"))


class UnitOfWork:
    def __init__(self, actor: str, batch: Batch | None = None):
        self.actor = actor
        self.now = clock().now()
        self.ctx = EngineContext(clock=FrozenClock(self.now), tz=timezone(), calendar_source=calendar)
        self._events: list[tuple] = []
        self._batch = batch
        self._savepoint = None
        self._departments: dict[str, Department | None] = batch.departments if batch else {}
        # open task rows read with the lock (lock_task) or by the batch, handed to the projection
        self._open_tasks: dict[str, list[HumanTask]] = batch.open_tasks if batch else {}

    def __enter__(self):
        if self._batch is not None and self._batch.isolated:
            self._savepoint = db.session.begin_nested()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self._undo()
            if isinstance(exc, EngineFailure):
                raise AppError(exc.code, 422, {"element": exc.element}, problem=exc.problem) from None
            return False
        if self._batch is not None:
            self._release()
            return False
        queued = 0
        try:
            if self._events:
                appended = audit.append_many(self._with_calendar_facts(self._events))
                queued = mail.fill(appended, self.now)  # notifications to mail, in this transaction
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            raise conflict("concurrent_change") from None
        if queued:
            mail.kick()  # sent after the commit, in the background
        return False

    def _undo(self) -> None:
        """Roll back this command: the transaction; in an isolated batch only this step's
        savepoint; in a batch without savepoints the whole batch (the caller redoes it)."""
        if self._savepoint is not None:
            if self._savepoint.is_active:
                self._savepoint.rollback()
            return
        db.session.rollback()
        if self._batch is not None:
            self._batch.spoiled = True

    def _release(self) -> None:
        """A batch step that succeeded: release its savepoint (flushing it), hand its events on."""
        if self._savepoint is not None:
            try:
                self._savepoint.commit()
            except StaleDataError:
                self._undo()
                raise conflict("concurrent_change") from None
            except BaseException:
                self._undo()
                raise
        self._batch.events.extend(self._with_calendar_facts(self._events))

    def _with_calendar_facts(self, events: list[tuple]) -> list[tuple]:
        """The command's own event (its first) names the calendar years it counted with, so
        a replay can count with the same schedules (app/engine/calendar_facts.py)."""
        facts = self.ctx.calendar_facts
        if not facts:
            return events
        case_id, actor, type_, element, data, at = events[0]
        return [(case_id, actor, type_, element, {**data, "calendar": dict(facts)}, at), *events[1:]]

    # -- cases ---------------------------------------------------------------
    def lock_case(self, case_id: str) -> Case:
        """The case row, locked for this transaction; 404 when unknown."""
        case = db.session.execute(_LOCK_CASE, {"case_id": case_id}).scalar_one_or_none()
        if case is None:
            raise not_found(request=case_id)
        return case

    def lock_task(self, task_id: str) -> tuple[HumanTask, Case]:
        """A task and its case, the case locked first; the task read after the lock, so a
        command that raced us and committed is seen. 404 when unknown."""
        case = db.session.execute(_LOCK_CASE_OF_TASK, {"task_id": task_id}).scalar_one_or_none()
        if case is None:
            raise not_found(task=task_id)
        # A separate statement: PostgreSQL re-checks only the locked row after waiting, so a
        # task row selected together with it could be the stale pre-lock version. It reads the
        # case's open tasks too, which the projection needs (one statement, not two).
        rows = db.session.scalars(_TASK_AND_OPEN_ONES, {"case_id": case.id, "task_id": task_id}).all()
        self._open_tasks[case.id] = [t for t in rows if t.state == "open"]
        task = next(t for t in rows if t.id == task_id)
        return task, case

    def spec_of(self, definition: ProcessDefinition):
        return engine().spec(definition)

    def workflow_of(self, case: Case):
        return engine().load(self.spec_of(case.definition), case.workflow_state)

    def save(self, case: Case, workflow, new: bool = False) -> None:
        """Store the workflow and bring every projection of the case up to date."""
        from app.cases.projection import project

        case.workflow_state = engine().dump(workflow)
        case.updated_at = self.now
        project(self, case, engine().snapshot(workflow), new)
        for notice in self.ctx.notices:
            self.record(case, "party_notified" if notice.get("to") else "applicant_notified", notice["kind"], notice)
        self.ctx.notices.clear()

    def record(self, case: Case | None, type_: str, element: str | None, data: dict) -> None:
        self._events.append((case.id if case else None, self.actor, type_, element, data, self.now))

    def recorded(self, case: Case, type_: str) -> list[dict]:
        """The data of this command's not yet appended ``type_`` events of ``case``."""
        return [data for case_id, _actor, t, _element, data, _at in self._events if case_id == case.id and t == type_]

    def remember(self, *departments: Department | None) -> None:
        """Departments the command already holds, so projections need not look them up."""
        for dept in departments:
            if dept is not None:
                self._departments[dept.code] = dept

    def department(self, code: str | None) -> Department | None:
        """Departments by code, looked up once per command (per batch)."""
        if code is not None and code not in self._departments:
            self._departments[code] = db.session.scalar(_DEPARTMENT, {"code": code})
        return self._departments.get(code)

    def users_of(self, department: Department) -> list[User]:
        """A department's users, looked up once per batch (every time outside one)."""
        if self._batch is not None and department.id in self._batch.users:
            return self._batch.users[department.id]
        users = list(db.session.scalars(_USERS_OF, {"department_id": department.id}))
        if self._batch is not None:
            self._batch.users[department.id] = users
        return users

    def open_tasks(self, case: Case) -> list[HumanTask]:
        """The case's open task rows: those read with its lock or by the batch (once), else a query."""
        if case.id in self._open_tasks:
            return self._open_tasks.pop(case.id)
        return list(db.session.scalars(_OPEN_TASKS, {"case_id": case.id}))

    def waiting_timers(self, case: Case) -> list[TimerJob]:
        """The case's waiting timer jobs: those the batch loaded for it (once), else a query."""
        if self._batch is not None and case.id in self._batch.waiting_timers:
            return self._batch.waiting_timers.pop(case.id)
        return list(db.session.scalars(_WAITING_TIMERS, {"case_id": case.id}))


class Batch:
    """Many commands of one actor in one transaction, each a ``step()`` (a ``UnitOfWork`` of
    its own: clock, engine context, events); at the end the steps' rows are flushed together,
    their events appended to the audit chain in step order under one chain-head lock, and the
    transaction commits.

    ``isolated``: each step runs under a savepoint, so a failing step undoes only itself and
    the others commit. Without it there is no per-step savepoint or flush (the fast way); a
    failing step spoils the whole batch (rolled back, ``spoiled`` set) and the caller redoes
    the batch isolated.

    The chain stays one chain with the same per-event hashes as single commands, so replay
    and verification do not change; what is saved is a commit and a chain-head lock per step.
    Case locks taken by the steps are held until the batch commits, so callers keep batches
    short and take cases in one order (by id) to avoid deadlocks between batches.
    """

    def __init__(self, actor: str, isolated: bool = True):
        self.actor = actor
        self.isolated = isolated
        self.spoiled = False
        self.now = clock().now()
        self.events: list[tuple] = []
        self.departments: dict[str, Department | None] = {}
        self.users: dict[int, list[User]] = {}
        self.open_tasks: dict[str, list[HumanTask]] = {}
        self.waiting_timers: dict[str, list[TimerJob]] = {}

    def step(self) -> UnitOfWork:
        return UnitOfWork(self.actor, batch=self)

    def preload(self, case_ids: list[str]) -> None:
        """Load the open tasks and waiting timers of the batch's (locked) cases in two
        statements instead of two per step."""
        self.open_tasks.update({case_id: [] for case_id in case_ids})  # the steps share this dict
        self.waiting_timers = {case_id: [] for case_id in case_ids}
        for task in db.session.scalars(select(HumanTask).where(HumanTask.case_id.in_(case_ids),
                                                               HumanTask.state == "open")):
            self.open_tasks[task.case_id].append(task)
        for job in db.session.scalars(select(TimerJob).where(TimerJob.case_id.in_(case_ids),
                                                             TimerJob.state == "waiting")):
            self.waiting_timers[job.case_id].append(job)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            db.session.rollback()
            return False
        queued = 0
        db.session.flush()  # the steps' rows first: the chain-head lock is held only for the events
        if self.events:
            appended = audit.append_many(self.events)
            queued = mail.fill(appended, self.now)
        db.session.commit()
        if queued:
            mail.kick()
        return False
