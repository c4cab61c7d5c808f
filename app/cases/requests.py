"""Commands on a whole case: withdraw (the applicant), cancel (an administrator), while pending."""
from __future__ import annotations

from app.cases.uow import UnitOfWork
from app.engine import lifecycle
from app.errors import conflict, forbidden
from app.models import Case, User


def withdraw(user: User, case_id: str) -> Case:
    with UnitOfWork(user.username) as uow:
        case = uow.lock_case(case_id)
        if case.applicant_id != user.id:
            raise forbidden(reason="not the applicant")
        if case.status != "pending":
            raise conflict("not_pending", request=case_id)
        workflow = uow.workflow_of(case)
        lifecycle.cancel(workflow, uow.ctx, stop_clocks=False)
        case.status = "withdrawn"
        uow.record(case, "case_withdrawn", None, {})
        uow.save(case, workflow)
    return case


def cancel(admin: User, case_id: str, reason: str) -> Case:
    """An administrator ends a broken case: its tasks and timers are cancelled, its open SLA
    clocks stop today, the reason is recorded (``case_cancelled``; replay re-executes it)."""
    with UnitOfWork(admin.username) as uow:
        case = uow.lock_case(case_id)
        if case.status != "pending":
            raise conflict("not_pending", request=case_id)
        workflow = uow.workflow_of(case)
        stopped = lifecycle.cancel(workflow, uow.ctx, stop_clocks=True)
        case.status = "cancelled"
        uow.record(case, "case_cancelled", None, {"reason": reason, "clocks": stopped})
        uow.save(case, workflow)
    return case
