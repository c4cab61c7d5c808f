"""The boundary timers that wait on an SLA clock's deadline, moved when the clock moves.

SpiffWorkflow evaluates a timer's expression once, when the timer starts waiting, and keeps
the instant in the task's internal ``event_value``. A clock that pauses, resumes, restarts or
is recomputed (a newly loaded calendar year) must therefore re-evaluate the waiting timers
whose expression is ``sla_deadline("<key>")``; the projection then moves ``timer_jobs.due_at``.
"""
from __future__ import annotations

import ast
import functools

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.util.task import TaskState

DEADLINE_HELPER = "sla_deadline"


def reschedule_deadline_timers(workflow, key: str) -> list[tuple[str, str | None, str]]:
    """Re-evaluate every waiting timer on clock ``key``; returns (element, old, new) instants.

    Must run inside the command's engine context (the expression calls ``sla_deadline``).
    """
    moved = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        spec = task.task_spec
        if not (isinstance(spec, CatchingEvent) and isinstance(spec.event_definition, TimerEventDefinition)):
            continue
        if deadline_key(spec.event_definition.expression) != key:
            continue
        old = task._get_internal_data("event_value")
        new = workflow.script_engine.evaluate(task, spec.event_definition.expression)
        task._set_internal_data(event_value=new)
        moved.append((spec.name, old, new))
    return moved


@functools.lru_cache(maxsize=1024)
def deadline_key(expression: str | None) -> str | None:
    """``"x"`` for the expression ``sla_deadline("x")``, else None."""
    try:
        node = ast.parse((expression or "").strip(), mode="eval").body
    except SyntaxError:
        return None
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == DEADLINE_HELPER
            and len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)):
        return node.args[0].value
    return None
