"""Commands on a whole case: withdraw (the applicant, while pending)."""
from __future__ import annotations

from app.cases.uow import UnitOfWork
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
        workflow.cancel()
        case.status = "withdrawn"
        uow.record(case, "case_withdrawn", None, {})
        uow.save(case, workflow)
    return case
