"""Replaying a case: re-execute its own BPMN version from the recorded inputs, in memory, and
check that it reaches exactly the recorded state (Temporal-style: the history is the truth).

Inputs, all from the case's audit events: ``case_started`` (the request and the catalog facts
the workflow started with), ``task_completed`` (the form data; the task is found through the
``task_created`` event that named its row, else as the READY user task of that element),
``timer_fired``, ``case_withdrawn``, ``case_cancelled``, ``case_migrated`` (onto the recorded
version with the recorded mapping) and ``deadline_recomputed``. Each command runs on a
FakeClock set to its recorded time and on the calendar it counted with: its event names the
years it consulted by fingerprint (app/engine/calendar_facts.py) and app/audit/calendars.py
finds those very schedules (shipped, loaded, audited or estimated). The replay then checks
that it consulted the same years.

After every command the projections are simulated and compared with the ``task_created`` /
``task_cancelled`` events recorded with it (element, department, role, due date); at the end
the case row (status, outcome, SLA clocks), its ``human_tasks`` rows, waiting ``timer_jobs``
and the stored workflow state are compared with the replay. The first difference is
reported with what the replay expected and what was found.

Nothing is written: the workflow lives only in memory and the session is rolled back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone as dt_timezone

from sqlalchemy import select

from app.audit import replay_checks as checks
from app.audit.calendars import CalendarArchive, CalendarUnavailable
from app.audit.replay_checks import Diverged
from app.calendar import ScheduleError
from app.cases.calendar_reload import _recompute_clocks  # the very code the live command runs
from app.engine import lifecycle
from app.engine.clock import FakeClock
from app.engine.context import EngineContext, engine_context
from app.engine.deploy import checksum
from app.engine.runner import EngineFailure
from app.extensions import db
from app.models import AuditEvent, Case, ProcessDefinition
from app.services import engine, timezone
from app.engine.deadline_timers import reschedule_deadline_timers

# recorded inside another command: by the projection, or as a side effect (effects.py)
OUTPUTS = ("task_created", "task_cancelled", "task_migrated", "resource_aggregated", "resource_changed",
           "case_decided", "applicant_notified", "grant_created", "party_notified",
           "grant_suspended", "grant_carried_over")


@dataclass
class Command:
    """One recorded command: its own event(s) and the projection events recorded with it."""

    events: list = field(default_factory=list)
    outputs: list = field(default_factory=list)

    @property
    def head(self):
        return self.events[0]


def _is_output(event) -> bool:
    """Recorded inside another command: the projection's events, and the incident it raises when
    a task it creates has no one to work it (``lane`` in its data; a timer's failed retries
    raise theirs in a command of their own)."""
    return event.type in OUTPUTS or (event.type == "incident_raised" and "lane" in (event.data or {}))


def group_commands(events: list) -> list[Command]:
    commands: list[Command] = []
    for event in events:
        if _is_output(event):
            if not commands:
                raise Diverged(event.seq, "event_without_command", None, event.type)
            commands[-1].outputs.append(event)
        elif commands and _same_recompute(commands[-1].head, event):
            commands[-1].events.append(event)
        else:
            commands.append(Command([event]))
    return commands


def _same_recompute(head, event) -> bool:
    """A calendar load recomputes several clocks of a case in one command."""
    return (head.type == event.type == "deadline_recomputed"
            and (head.at, head.actor) == (event.at, event.actor))


class Replayer:
    """The case re-run step by step; ``state`` is what the projections would hold."""

    def __init__(self, case: Case, events: list):
        self.case = case
        self.events = events
        self.archive = CalendarArchive()
        self.workflow = None
        self.definition = None  # the version the case runs on at this point (a migration moves it)
        self.state = checks.ProjectedState()
        self.steps: list[dict] = []

    def run(self) -> None:
        commands = group_commands(self.events)
        if not commands or commands[0].head.type != "case_started":
            raise Diverged(self.events[0].seq if self.events else None, "first_event",
                           "case_started", self.events[0].type if self.events else None)
        for command in commands:
            self.apply(command)
        if self.definition.id != self.case.definition.id:
            raise Diverged(None, "process_version", _ref(self.definition), _ref(self.case.definition))
        checks.compare_final(self.case, self.workflow, self.state, self.events[-1].seq)

    def apply(self, command: Command) -> None:
        head = command.head
        handler = HANDLERS.get(head.type)
        if handler is None:
            raise Diverged(head.seq, "unsupported_event", sorted(HANDLERS), head.type)
        ctx = self.context(head)
        try:
            ran = handler(self, command, ctx)
        except EngineFailure as exc:
            raise Diverged(head.seq, "engine_failure", "the command runs", exc.problem) from None
        if ran:
            recorded = head.data.get("calendar", {})
            if ctx.calendar_facts != recorded:
                raise Diverged(head.seq, "calendar_years", recorded, ctx.calendar_facts)
            self.state.project(self.definition, self.case, engine().snapshot(self.workflow), command, head.seq)
        elif command.outputs:
            raise Diverged(command.outputs[0].seq, "unexpected_event", None, command.outputs[0].type)
        self.steps.append({"seq": head.seq, "type": head.type, "element": head.element,
                           "status": self.state.status,
                           "open_tasks": sorted(t.element for t in self.state.open_tasks())})

    def context(self, head) -> EngineContext:
        """The engine context of the recorded command: its time, its calendar."""
        facts = head.data.get("calendar", {}) if isinstance(head.data, dict) else {}
        try:
            calendar = self.archive.calendar_for(facts)
        except CalendarUnavailable as exc:
            raise Diverged(head.seq, "calendar_unavailable", {exc.year: exc.fact}, None) from None
        except ScheduleError as exc:
            raise Diverged(head.seq, "calendar_unavailable", facts, exc.message) from None
        return EngineContext(clock=FakeClock(head.at), tz=timezone(), calendar_source=calendar)


# -- one handler per command type: returns True when the workflow ran (projections follow) --

def _started(r: Replayer, command: Command, ctx: EngineContext) -> bool:
    head, case = command.head, r.case
    if r.workflow is not None:
        raise Diverged(head.seq, "started_twice", None, head.type)
    r.definition = _definition(head, head.data.get("process", {}), case.definition)
    start_data = {**head.data.get("input", {}), **head.data.get("catalog", {})}
    r.workflow = engine().start(engine().spec(r.definition), start_data, ctx)
    return True


def _definition(head, process: dict, expected: ProcessDefinition | None = None) -> ProcessDefinition:
    """The recorded version, unchanged since it was deployed (its checksum)."""
    definition = db.session.scalar(select(ProcessDefinition).where(
        ProcessDefinition.key == process.get("key"), ProcessDefinition.version == process.get("version")))
    if definition is None:
        raise Diverged(head.seq, "process_version", process, _ref(expected) if expected else None)
    if checksum(definition.xml.encode("utf-8")) != definition.checksum:
        raise Diverged(head.seq, "process_definition_changed", definition.checksum,
                       checksum(definition.xml.encode("utf-8")))
    return definition


def _ref(definition: ProcessDefinition) -> dict:
    return {"key": definition.key, "version": definition.version}


def _completed(r: Replayer, command: Command, ctx: EngineContext) -> bool:
    head = command.head
    task = r.state.locate(head.data.get("task"), head.element)
    if task is None:
        raise Diverged(head.seq, "task_not_open", head.element,
                       sorted(t.element for t in r.state.open_tasks()))
    r.state.complete(task, head.actor)
    engine().complete(r.workflow, task.spiff_id, head.data.get("data", {}), ctx)
    return True


def _timer(r: Replayer, command: Command, ctx: EngineContext) -> bool:
    head = command.head
    waiting = {(element, _utc_iso(due.isoformat())) for _id, element, due in engine().snapshot(r.workflow).timers}
    recorded = (head.element, _utc_iso(head.data.get("due_at")))
    if recorded not in waiting:
        raise Diverged(head.seq, "timer_not_waiting", sorted(map(list, waiting)), list(recorded))
    engine().fire_due_timers(r.workflow, ctx)
    return True


def _withdrawn(r: Replayer, command: Command, ctx: EngineContext) -> bool:
    lifecycle.cancel(r.workflow, ctx, stop_clocks=False)
    r.state.status = "withdrawn"
    return True


def _cancelled(r: Replayer, command: Command, ctx: EngineContext) -> bool:
    """The administrator's cancel, re-executed: the same engine step, the same clocks stopped."""
    stopped = lifecycle.cancel(r.workflow, ctx, stop_clocks=True)
    if stopped != command.head.data.get("clocks"):
        raise Diverged(command.head.seq, "case_cancelled", stopped, command.head.data.get("clocks"))
    r.state.status = "cancelled"
    return True


def _migrated(r: Replayer, command: Command, ctx: EngineContext) -> bool:
    """The migration, re-executed at its recorded point: onto the recorded version, with the
    recorded mapping (app/cases/migration.py runs the same engine step)."""
    head = command.head
    data = head.data
    source = {"key": r.definition.key, "version": data.get("from_version")}
    if data.get("from_version") != r.definition.version:
        raise Diverged(head.seq, "process_version", _ref(r.definition), source)
    target = _definition(head, {"key": r.definition.key, "version": data.get("to_version")})
    r.workflow = lifecycle.migrate(engine(), r.workflow, engine().spec(target), data.get("mapping") or {}, ctx)
    r.definition = target
    return True


def _recomputed(r: Replayer, command: Command, ctx: EngineContext) -> bool:
    """A loaded calendar year moved the open clocks: recompute them as the command did."""
    moved = _recompute_clocks(r.workflow.data.get("sla", {}), ctx.calendar)
    ctx.workflow = r.workflow
    with engine_context(ctx):
        for change in moved:
            change["timers"] = [element for element, _old, _new in
                                reschedule_deadline_timers(r.workflow, change["clock"])]
    recorded = [e.data for e in command.events]
    expected = [{**change, "calendar": recorded[0].get("calendar")} if i == 0 and "calendar" in recorded[0]
                else change for i, change in enumerate(moved)]
    if expected != recorded:
        raise Diverged(command.head.seq, "deadline_recomputed", expected, recorded)
    return True


def _claim(r: Replayer, command: Command, ctx: EngineContext) -> bool:
    head = command.head
    task = r.state.rows.get(head.data.get("task"))
    if task is None or task.state != "open":
        raise Diverged(head.seq, "task_not_open", head.element, head.data.get("task"))
    return False


def _note(r: Replayer, command: Command, ctx: EngineContext) -> bool:
    return False


HANDLERS = {"case_started": _started, "task_completed": _completed, "timer_fired": _timer,
            "case_withdrawn": _withdrawn, "case_cancelled": _cancelled, "case_migrated": _migrated,
            "deadline_recomputed": _recomputed,
            "task_claimed": _claim, "task_unclaimed": _claim, "task_reassigned": _claim,
            "comment_added": _note, "attachment_added": _note,
            "incident_raised": _note, "incident_retried": _note,
            "grant_revoked": _note}  # acts on the grant row, not on the workflow


def _utc_iso(value: str | None) -> str | None:
    return datetime.fromisoformat(value).astimezone(dt_timezone.utc).isoformat() if value else None


def replay(case: Case) -> dict:
    """``{"consistent", "events", "divergence", "steps"}`` for one case; writes nothing."""
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)
                                .order_by(AuditEvent.seq)).all()
    replayer = Replayer(case, events)
    try:
        replayer.run()
        divergence = None
    except Diverged as exc:
        divergence = exc.body
    finally:
        db.session.rollback()
    return {"consistent": divergence is None, "events": len(events), "divergence": divergence,
            "steps": replayer.steps}
