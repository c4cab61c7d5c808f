"""Handing work on: 转办 (a task to a colleague) and 退回修改 (a share request back to its
applicant for amendment, the review clock paused until the applicant amends it, once per case)."""
from __future__ import annotations

from sqlalchemy import select

from app.cases import forms
from app.cases.tasks import _locked_open_task, finish
from app.cases.uow import UnitOfWork
from app.errors import conflict, forbidden, invalid
from app.extensions import db
from app.models import Case, HumanTask, User

RETURNABLE = {("share", "provider_review")}
AMENDMENT = "applicant_amendment"


def _colleague(task: HumanTask, username: str) -> User:
    """Who may take the task over: an active user with the lane's role in its department."""
    target = db.session.scalar(select(User).where(User.username == username))
    if (target is None or getattr(target, "disabled", False) or task.department_id is None
            or target.department_id != task.department_id or not target.has_role(task.role)):
        raise invalid("not_a_colleague", {"to": username}, user=username)
    return target


def reassign(user: User, task_id: str, to: str, reason: str) -> HumanTask:
    """转办: the task goes to ``to``, who holds it as if they had claimed it."""
    with UnitOfWork(user.username) as uow:
        task, case = _locked_open_task(uow, user, task_id)
        target = _colleague(task, to)
        if target.id == user.id:
            raise invalid("not_a_colleague", {"to": to}, user=to)
        before = task.assignee.username if task.assignee else None
        task.assignee_id, task.assignee = target.id, target
        case.updated_at = uow.now
        uow.record(case, "task_reassigned", task.task_key,
                   {"task": task.id, "name": task.name, "from": before, "to": target.username,
                    "reason": reason})
    return task


def _was_returned(case: Case) -> bool:
    return db.session.scalar(select(HumanTask.id).where(HumanTask.case_id == case.id,
                                                        HumanTask.task_key == AMENDMENT).limit(1)) is not None


def returnable(case: Case, task: HumanTask) -> bool:
    return (case.kind, task.task_key) in RETURNABLE and not _was_returned(case)


def return_for_amendment(user: User, task_id: str, reason: str) -> Case:
    """退回修改: completes the review with ``decision: return``; the model pauses the review
    clock and opens the applicant's amendment task. Once per case."""
    with UnitOfWork(user.username) as uow:
        task, case = _locked_open_task(uow, user, task_id)
        if (case.kind, task.task_key) not in RETURNABLE:
            raise conflict("not_returnable", task=task.task_key)
        if _was_returned(case):
            raise conflict("returned_once")
        workflow = uow.workflow_of(case)
        finish(uow, user, task, case, workflow, {"decision": "return", "reason": reason, "conditions": None})
    return case


def amend(user: User, case_id: str, body: dict) -> Case:
    """The applicant's amendment: the changed purpose or legal basis and a note; the review
    clock counts again and the provider reviews the amended request."""
    with UnitOfWork(user.username) as uow:
        case = uow.lock_case(case_id)
        if case.applicant_id != user.id:
            raise forbidden(request=case_id)
        task = db.session.scalar(select(HumanTask).where(HumanTask.case_id == case.id,
                                                         HumanTask.task_key == AMENDMENT,
                                                         HumanTask.state == "open"))
        if task is None:
            raise conflict("not_returned")
        data = {k: v for k, v in forms.validate(AMENDMENT, body).items() if v is not None}
        finish(uow, user, task, case, uow.workflow_of(case), data)
    return case
