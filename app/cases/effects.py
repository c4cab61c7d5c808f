"""What completing a task does outside the workflow: the catalog changes some tasks imply
(aggregation; a published catalog change; an approved emergency reclassification)."""
from __future__ import annotations

from sqlalchemy import select

from app.cases import catalog_change, emergency
from app.extensions import db
from app.models import Case, Resource


def _aggregated(uow, case: Case, data: dict) -> None:
    """Aggregation done (Art. 23): the resource is now on the city platform (汇聚)."""
    resource = db.session.scalar(select(Resource).where(Resource.code == case.resource_code))
    if resource is not None and not resource.on_platform:
        resource.on_platform, resource.updated_at = True, uow.now
        uow.record(case, "resource_aggregated", "aggregation", {"resource": resource.code})


def _amended(uow, case: Case, data: dict) -> None:
    """退回修改: the request now reads as the applicant amended it."""
    changed = {k: data[k] for k in ("purpose", "legal_basis") if data.get(k) is not None}
    if changed:
        case.input = {**case.input, **changed}


EFFECTS = {"aggregation": _aggregated, "applicant_amendment": _amended, "catalog_review": catalog_change.reviewed,
           "security_review": catalog_change.security_reviewed, "emergency_review": emergency.reviewed}


def apply(uow, case: Case, task_key: str, data: dict) -> None:
    effect = EFFECTS.get(task_key)
    if effect is not None:
        effect(uow, case, data)
