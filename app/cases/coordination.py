"""Coordination of a refusal (协调, Art. 23 ¶1): after a share request is refused, its applicant
department may ask the authority to coordinate. The coordination is a case of its own (kind
``coordination``, linked by ``input.request``): the authority upholds the refusal or overturns
it by a reasoned decision, which sends the request back to the provider's Art. 21 answer."""
from __future__ import annotations

from sqlalchemy import select

from app.cases.access import case_for_reading
from app.cases.filing import open_case
from app.cases.uow import UnitOfWork
from app.errors import conflict, forbidden
from app.extensions import db
from app.models import Case, Resource, User

PROCESS_KEY = "coordination"


def ask(user: User, case_id: str, reason: str) -> Case:
    refused = case_for_reading(user, case_id)
    if user.department_id is None or refused.department_id != user.department_id:
        raise forbidden(reason="not the applicant department")
    if refused.kind != "share" or refused.status != "refused":
        raise conflict("not_refused", {"request": case_id, "status": refused.status})
    with UnitOfWork(user.username) as uow:
        uow.lock_case(case_id)  # two asks for one refusal: the second sees the first
        earlier = db.session.scalars(select(Case.input).where(
            Case.kind == "coordination", Case.resource_code == refused.resource_code,
            Case.department_id == refused.department_id))
        if any(found.get("request") == case_id for found in earlier):
            raise conflict("already_coordinated", {"request": case_id})
        resource = db.session.scalar(select(Resource).where(Resource.code == refused.resource_code))
        request = {"request": case_id, "reason": reason, "resource": refused.resource_code,
                   "purpose": refused.input.get("purpose"), "refusal": refused.outcome}
        return open_case(uow, user, "coordination", PROCESS_KEY, request, {"provider": resource.provider.code},
                         resource, resource.provider)
