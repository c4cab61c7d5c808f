"""The share request (共享申请, Art. 19-22): routed by the resource's catalog entry."""
from __future__ import annotations

from sqlalchemy import select

from app.cases import definitions
from app.cases.lanes import case_lanes
from app.cases.uow import UnitOfWork
from app.errors import forbidden, invalid
from app.extensions import db
from app.models import Case, Resource, User
from app.models.types import new_id
from app.services import city_region, engine

PROCESS_KEY = "share_request"


def start(user: User, resource_code: str, purpose: str, legal_basis: str | None,
          green_channel: dict | None) -> Case:
    """File a share request for the caller's department and run it to its first wait."""
    if user.department is None:
        raise forbidden(reason="no department")
    with UnitOfWork(user.username) as uow:
        resource = db.session.scalar(select(Resource).where(Resource.code == resource_code))
        if resource is None:
            raise invalid("unknown_resource", {"resource": resource_code}, value=resource_code)
        definition = definitions.latest(PROCESS_KEY)
        today = uow.ctx.today()
        facts = {"share_type": resource.effective_share_type(today), "on_platform": resource.on_platform,
                 "catalog_legal_basis": resource.legal_basis, "share_conditions": resource.share_conditions,
                 "provider": resource.provider.code}
        request = {"resource": resource.code, "purpose": purpose, "legal_basis": legal_basis,
                   "green_channel": bool(green_channel),
                   "green_reason": (green_channel or {}).get("reason")}
        case = Case(kind="share", status="pending", resource_code=resource.code, applicant_id=user.id,
                    department_id=user.department_id, provider_department_id=resource.provider_id,
                    lanes=case_lanes(user.department, resource.provider, city_region()), input=request,
                    process_definition_id=definition.id, created_at=uow.now, updated_at=uow.now,
                    workflow_state="")
        case.id, case.definition, case.applicant = new_id(), definition, user
        db.session.add(case)
        uow.record(case, "case_started", PROCESS_KEY,
                   {"input": request, "catalog": facts, "process": {"key": definition.key,
                                                                     "version": definition.version}})
        workflow = engine().start(uow.spec_of(definition), {**request, **facts}, uow.ctx)
        uow.save(case, workflow, new=True)
    return case
