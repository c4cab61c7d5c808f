"""The path a workflow took, for the auditor's diagram: the BPMN elements it completed, in
the order they completed, and where it stands now (its ready tasks, else the end it reached)."""
from __future__ import annotations

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState


def _element(task) -> str | None:
    return getattr(task.task_spec, "bpmn_id", None)


def taken(workflow: BpmnWorkflow) -> dict:
    """``{"elements": [ids in completion order], "current": [ids]}``."""
    done = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if _element(t)]
    done.sort(key=lambda t: t.last_state_change)
    elements = list(dict.fromkeys(_element(t) for t in done))
    current = [_element(t) for t in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)
               if _element(t) and not _is_boundary_timer(t)]
    if not current and workflow.is_completed():
        ends = [_element(t) for t in done if type(t.task_spec).__name__ == "EndEvent"]
        current = ends[-1:]
    return {"elements": elements, "current": list(dict.fromkeys(current))}


def _is_boundary_timer(task) -> bool:
    return type(task.task_spec).__name__ == "BoundaryEvent"
