"""Opening a case: one place that creates the row, records what it started from, and runs
the workflow to its first wait — the same for every kind of request."""
from __future__ import annotations

from app.cases import definitions
from app.cases.lanes import case_lanes
from app.cases.uow import UnitOfWork
from app.extensions import db
from app.models import Case, Department, Resource, User
from app.models.types import new_id
from app.services import city_region, engine


def open_case(uow: UnitOfWork, user: User, kind: str, process_key: str, request: dict,
              facts: dict | None = None, resource: Resource | None = None,
              provider: Department | None = None) -> Case:
    """Create and start a case; ``request`` is what the applicant sent, ``facts`` what the
    catalog said at filing time. Both are recorded, as the workflow's start data."""
    definition = definitions.latest(process_key)
    facts = facts or {}
    case = Case(id=new_id(), kind=kind, status="pending", applicant_id=user.id,
                resource_code=resource.code if resource else None,
                department_id=user.department_id, provider_department_id=provider.id if provider else None,
                lanes=case_lanes(user.department, provider, city_region()), input=request,
                process_definition_id=definition.id, created_at=uow.now, updated_at=uow.now,
                workflow_state="")
    case.definition, case.applicant = definition, user
    db.session.add(case)
    uow.remember(user.department, provider)
    uow.record(case, "case_started", process_key,
               {"input": request, "catalog": facts,
                "process": {"key": definition.key, "version": definition.version}})
    with db.session.no_autoflush:  # one INSERT of the finished row, not an INSERT then an UPDATE
        workflow = engine().start(uow.spec_of(definition), {**request, **facts}, uow.ctx)
        uow.save(case, workflow, new=True)
    return case
