"""Task commands: claim, unclaim, complete — each one unit of work on the locked case."""
from __future__ import annotations

from app.cases import access, effects, forms, rules
from app.cases.uow import UnitOfWork
from app.errors import conflict
from app.models import Case, HumanTask, User
from app.services import engine


def _locked_open_task(uow: UnitOfWork, user: User, task_id: str) -> tuple[HumanTask, Case]:
    """The task the caller may work, read after its case is locked, so racing commands see
    each other: 404 if unknown or invisible, 403 if not theirs to work or of a case they filed
    (``own_case``), 409 if taken."""
    task, case = uow.lock_task(task_id)
    access.check_can_work(user, task)
    access.check_not_own_case(user, task, case)
    if task.state != "open":
        raise conflict("task_not_open", task=task_id)
    if task.assignee_id is not None and task.assignee_id != user.id:
        raise conflict("task_claimed", details={"assignee": task.assignee.username},
                       assignee=task.assignee.display_name)
    return task, case


def claim(user: User, task_id: str) -> HumanTask:
    with UnitOfWork(user.username) as uow:
        task, case = _locked_open_task(uow, user, task_id)
        if task.assignee_id is None:
            task.assignee_id, task.assignee = user.id, user
            case.updated_at = uow.now
            uow.record(case, "task_claimed", task.task_key, {"task": task.id})
    return task


def unclaim(user: User, task_id: str) -> HumanTask:
    with UnitOfWork(user.username) as uow:
        task, case = _locked_open_task(uow, user, task_id)
        if task.assignee_id is not None:
            task.assignee_id, task.assignee = None, None
            case.updated_at = uow.now
            uow.record(case, "task_unclaimed", task.task_key, {"task": task.id})
    return task


def complete(user: User, task_id: str, form) -> Case:
    """Validate the form, then run the workflow on from the task; 409 if someone got there first."""
    with UnitOfWork(user.username) as uow:
        task, case = _locked_open_task(uow, user, task_id)
        data = forms.validate(forms.form_key(case.definition.elements, task.task_key), form)
        workflow = uow.workflow_of(case)
        data = rules.check(case, task, user, data, workflow, uow.ctx.today())
        finish(uow, user, task, case, workflow, data)
    return case


def finish(uow: UnitOfWork, user: User, task: HumanTask, case: Case, workflow, data: dict) -> None:
    """Close the task with checked ``data`` and run the workflow on (every completing command)."""
    task.state, task.assignee_id, task.assignee = "completed", user.id, user
    task.completed_at, task.completed_by_id = uow.now, user.id
    uow.record(case, "task_completed", task.task_key, {"task": task.id, "data": data})
    engine().complete(workflow, task.spiff_task_id, data, uow.ctx)
    effects.apply(uow, case, task.task_key, data)
    uow.save(case, workflow)
