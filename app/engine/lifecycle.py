"""Commands on a whole workflow rather than one task: cancel it, or move it to another
version of its model. Both are SpiffWorkflow internals, so they live here (ARCHITECTURE.md:
only app/engine/ touches SpiffWorkflow)."""
from __future__ import annotations

from SpiffWorkflow.bpmn.util.diff import migrate_workflow
from SpiffWorkflow.util.task import TaskState

from app.engine import state
from app.engine.context import EngineContext, engine_context
from app.engine.runner import Engine, EngineFailure
from app.sla import clock as sla

# task specs SpiffWorkflow derives from a BPMN element: "<element>.<suffix>"
_DERIVED = (".BoundaryEventSplit", ".BoundaryEventJoin", ".EndJoin")


def cancel(workflow, ctx: EngineContext, stop_clocks: bool) -> list[str]:
    """Cancel every waiting task; with ``stop_clocks`` the open SLA clocks stop today (a
    cancelled case owes nothing more). Returns the keys of the clocks stopped."""
    workflow.cancel()
    if not stop_clocks:
        return []
    clocks = workflow.data.get("sla", {})
    stopped = sorted(k for k, c in clocks.items() if sla.is_open(c))
    for key in stopped:
        clocks[key] = sla.stop(clocks[key], ctx.today())
    return stopped


def waiting_elements(workflow) -> list[str]:
    """The elements a workflow waits at: ready user tasks and waiting events."""
    tasks = workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)
    return sorted({t.task_spec.bpmn_id for t in tasks if getattr(t.task_spec, "bpmn_id", None)})


class _Alignment:
    """What ``migrate_workflow`` reads: each task's new spec (or None)."""

    def __init__(self, alignment: dict):
        self.alignment = alignment


def migration_problems(workflow, new_spec, mapping: dict) -> list[dict]:
    """Why ``workflow`` cannot move to ``new_spec`` with ``mapping`` (old element -> new
    element; an element whose id the new version still has maps itself): an element it waits
    at has no counterpart (``unmapped``), or one it has passed was removed (``removed``)."""
    specs = new_spec[0].task_specs
    found: dict[str, str] = {}
    for mask, code in ((TaskState.READY | TaskState.WAITING, "unmapped"), (TaskState.FINISHED_MASK, "removed")):
        for task in workflow.get_tasks(state=mask):
            if _target(task.task_spec.name, specs, mapping) is None:
                found.setdefault(_split(task.task_spec.name)[0], code)
    return [{"code": code, "element": element} for element, code in sorted(found.items())]


def migrate(engine: Engine, workflow, new_spec, mapping: dict, ctx: EngineContext):
    """A new workflow of ``new_spec`` holding ``workflow``'s history: every task takes its
    element's counterpart, the waiting ones are reset there (a user task keeps its id, a timer
    is evaluated again from the clocks the case already has), the rest of the path is predicted
    from the new model. Raises ``EngineFailure`` when the move is impossible."""
    problems = migration_problems(workflow, new_spec, mapping)
    if problems:
        raise EngineFailure("cannot migrate: " + ", ".join(f"{p['code']} {p['element']}" for p in problems))
    specs = new_spec[0].task_specs
    # Work on a copy: the original stays untouched if anything fails.
    moved = engine.load((workflow.spec, workflow.subprocess_specs), state.dump(workflow))
    alignment = {task: specs.get(_target(task.task_spec.name, specs, mapping) or "")
                 for task in moved.tasks.values()}
    for task in moved.tasks.values():  # predicted tasks of removed elements are dropped by the reset
        if alignment[task] is None:
            alignment.pop(task)
    ctx.workflow = moved
    with engine_context(ctx):
        try:
            migrate_workflow(_Alignment(alignment), moved, new_spec[0])
            moved.subprocess_specs = new_spec[1]
            moved.refresh_waiting_tasks()
        except Exception as exc:  # noqa: BLE001 - any failure means: not moved
            raise EngineFailure(f"cannot migrate: {type(exc).__name__}: {str(exc)[:300]}") from None
    leftovers = sorted({t.task_spec.name for t in moved.tasks.values() if t.task_spec.name not in specs})
    if leftovers:
        raise EngineFailure("cannot migrate: " + ", ".join(f"removed {name}" for name in leftovers))
    # Stored state holds only spec names: reloading on the new spec proves it will load later.
    return engine.load(new_spec, state.dump(moved))


def _target(name: str, specs: dict, mapping: dict) -> str | None:
    """The new spec name for an old one: mapped, else the same id; derived specs follow
    their element (``review.BoundaryEventSplit`` -> ``review_v2.BoundaryEventSplit``)."""
    base, suffix = _split(name)
    target = mapping.get(base, base) + suffix
    return target if target in specs else None


def _split(name: str) -> tuple[str, str]:
    """``review.BoundaryEventSplit`` -> (``review``, ``.BoundaryEventSplit``)."""
    for derived in _DERIVED:
        if name.endswith(derived) and name != derived:
            return name[: -len(derived)], derived
    return name, ""
