"""The unit of work: one transaction per command, the case row locked, all or nothing.

Every change to workflow state goes through ``UnitOfWork``: lock the case (``SELECT … FOR
UPDATE`` on PostgreSQL, plus the optimistic ``version`` column everywhere), load the
workflow, apply the command, project (tasks, timers, SLA, status), append audit events,
commit. An exception anywhere rolls everything back. Audit events are collected during the
command and chained at the end, so the chain-head lock is held only around the commit.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app import mail
from app.audit import log as audit
from app.engine.clock import FrozenClock
from app.engine.context import EngineContext
from app.engine.runner import EngineFailure
from app.errors import AppError, conflict, not_found
from app.extensions import db
from app.models import Case, Department, HumanTask, ProcessDefinition
from app.services import calendar, clock, engine, timezone


class UnitOfWork:
    def __init__(self, actor: str):
        self.actor = actor
        self.now = clock().now()
        self.ctx = EngineContext(clock=FrozenClock(self.now), tz=timezone(), calendar_source=calendar)
        self._events: list[tuple] = []
        self._departments: dict[str, Department | None] = {}

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            db.session.rollback()
            if isinstance(exc, EngineFailure):
                raise AppError(exc.code, 422, {"element": exc.element}, problem=exc.problem) from None
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
        case = db.session.execute(select(Case).where(Case.id == case_id).with_for_update(of=Case)
                                  .execution_options(populate_existing=True)).scalar_one_or_none()
        if case is None:
            raise not_found(request=case_id)
        return case

    def lock_task(self, task_id: str) -> tuple[HumanTask, Case]:
        """A task and its case, the case locked first; the task read after the lock, so a
        command that raced us and committed is seen. 404 when unknown."""
        case = db.session.execute(select(Case).join(HumanTask, HumanTask.case_id == Case.id)
                                  .where(HumanTask.id == task_id).with_for_update(of=Case)
                                  .execution_options(populate_existing=True)).scalar_one_or_none()
        if case is None:
            raise not_found(task=task_id)
        # A separate statement: PostgreSQL re-checks only the locked row after waiting, so a
        # task row selected together with it could be the stale pre-lock version.
        task = db.session.get(HumanTask, task_id, populate_existing=True)
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
        """Departments by code, looked up once per command."""
        if code is not None and code not in self._departments:
            self._departments[code] = db.session.scalar(select(Department).where(Department.code == code))
        return self._departments.get(code)
