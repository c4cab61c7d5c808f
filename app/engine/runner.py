"""The runner: start, load, apply a command, run engine steps, and describe the result.

It knows nothing of Flask or the database: the unit of work hands it a definition's XML and
a serialized state and gets back a workflow and a ``Snapshot`` to project.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from app.engine import state
from app.engine.clock import bind_spiff
from app.engine.context import EngineContext, engine_context
from app.engine.deploy import parse_xml
from app.engine.helpers import HELPERS
from app.engine.limits import (EngineFailure, EngineLimit, Limits, StepBudget,
                               bound_multi_instances)
from app.engine.scripting import restricted_script_engine

__all__ = ["Engine", "EngineFailure", "EngineLimit", "Snapshot"]

PARTY_VARIABLE = "holder"  # a task's own data naming the department that works it (lanes.DATA_LANES)


@dataclass
class Snapshot:
    """What the projections need from a workflow, read once after each command."""

    ready_user_tasks: list[tuple[str, str]] = field(default_factory=list)  # (spiff id, element)
    # spiff id -> the department code a ready task's own data names (``holder``: one instance of
    # a multi-instance task per department, e.g. each grant holder acknowledging a change notice)
    parties: dict[str, str] = field(default_factory=dict)
    timers: list[tuple[str, str, datetime]] = field(default_factory=list)  # (spiff id, element, due)
    outcome: dict | None = None
    sla: dict = field(default_factory=dict)
    completed: bool = False


class Engine:
    """Parsed specs are immutable, so each deployed version is parsed once per process."""

    def __init__(self, limits: Limits | None = None):
        bind_spiff()
        self.limits = limits or Limits()
        self._specs: dict[tuple, tuple] = {}
        self._lock = threading.Lock()
        self.script_engine = restricted_script_engine(HELPERS, max_data=self.limits.max_data)

    def spec(self, definition):
        """The parsed spec of a deployed version (anything with id, key, checksum and xml);
        the XML is read only on a cache miss."""
        cache_key = (definition.id, definition.checksum)
        with self._lock:
            if cache_key not in self._specs:
                parser = BpmnParser()
                parser.add_bpmn_xml(parse_xml(definition.xml.encode("utf-8")), filename=f"{definition.key}.bpmn")
                spec = (parser.get_spec(definition.key), parser.get_subprocess_specs(definition.key))
                for each in (spec[0], *spec[1].values()):
                    bound_multi_instances(each, self.limits)
                self._specs[cache_key] = spec
            return self._specs[cache_key]

    def start(self, spec, data: dict, ctx: EngineContext) -> BpmnWorkflow:
        workflow = BpmnWorkflow(spec[0], spec[1], script_engine=self.script_engine)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        self._advance(workflow, ctx)
        return workflow

    def load(self, spec, serialized: str) -> BpmnWorkflow:
        return state.load(serialized, spec[0], spec[1], self.script_engine)

    def complete(self, workflow: BpmnWorkflow, spiff_task_id: str, data: dict, ctx: EngineContext) -> None:
        task = workflow.get_task_from_id(UUID(spiff_task_id))
        if not task.has_state(TaskState.READY):
            raise EngineFailure("task is not ready", task.task_spec.name)
        task.data.update(data)
        budget = StepBudget(self.limits)
        ctx.workflow = workflow
        with engine_context(ctx):
            budget(task)
            self._guard(task.run)
        self._advance(workflow, ctx, budget)

    def fire_due_timers(self, workflow: BpmnWorkflow, ctx: EngineContext) -> None:
        self._advance(workflow, ctx)

    def _advance(self, workflow: BpmnWorkflow, ctx: EngineContext, budget: StepBudget | None = None) -> None:
        """Run automatic steps and let due timers fire, until nothing more moves (or the
        command's step budget runs out)."""
        budget = budget or StepBudget(self.limits)
        ctx.workflow = workflow
        with engine_context(ctx):
            self._guard(workflow.refresh_waiting_tasks)
            self._guard(lambda: workflow.do_engine_steps(will_complete_task=budget))
            self._guard(workflow.refresh_waiting_tasks)

    @staticmethod
    def _guard(step) -> None:
        try:
            step()
        except SpiffWorkflowException as exc:
            task = getattr(exc, "task", None)
            element = task.task_spec.name if task is not None else None
            inner = exc.__cause__ or exc.__context__
            if isinstance(inner, EngineLimit):  # raised inside a script, wrapped by SpiffWorkflow
                raise EngineLimit(inner.problem, inner.element or element) from None
            raise EngineFailure(str(exc).splitlines()[0][:500], element) from None
        except RecursionError:
            raise EngineLimit("workflow data nested too deeply") from None

    def dump(self, workflow: BpmnWorkflow) -> str:
        """The state to store; past ``max_data`` bytes the command fails (nothing stored)."""
        try:
            text = state.dump(workflow)
        except (RecursionError, TypeError, ValueError) as exc:
            raise EngineLimit(f"workflow data cannot be stored: {str(exc)[:200]}",
                              _last_element(workflow)) from None
        size = len(text.encode("utf-8"))
        if size > self.limits.max_data:
            raise EngineLimit(f"workflow data is {size} bytes serialized, over {self.limits.max_data}",
                              _last_element(workflow))
        return text

    @staticmethod
    def snapshot(workflow: BpmnWorkflow) -> Snapshot:
        snap = Snapshot(outcome=workflow.data.get("outcome"), sla=dict(workflow.data.get("sla", {})),
                        completed=workflow.is_completed())
        for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):  # one walk of the tree
            spec = task.task_spec
            if task.state == TaskState.READY and spec.manual:
                # a multi-instance's child spec is named "<id> [child]"; its bpmn_id is the element's
                snap.ready_user_tasks.append((str(task.id), spec.bpmn_id or spec.name))
                if isinstance(task.data.get(PARTY_VARIABLE), str):
                    snap.parties[str(task.id)] = task.data[PARTY_VARIABLE]
            elif (task.state == TaskState.WAITING and isinstance(spec, CatchingEvent)
                  and isinstance(spec.event_definition, TimerEventDefinition)):
                due = task._get_internal_data("event_value")
                if isinstance(due, str):
                    snap.timers.append((str(task.id), spec.name, TimerEventDefinition.get_datetime(due)))
        return snap



def _last_element(workflow: BpmnWorkflow) -> str | None:
    """The element that ran last: where an oversized state most likely came from."""
    done = workflow.get_tasks(state=TaskState.COMPLETED)
    if not done:
        return None
    spec = max(done, key=lambda t: t.last_state_change).task_spec
    return spec.bpmn_id or spec.name
