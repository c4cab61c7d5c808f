"""The share request (共享申请, Art. 19-23): routed by the resource's catalog entry."""
from __future__ import annotations

from sqlalchemy import bindparam, select

from app.cases.filing import open_case
from app.cases.uow import UnitOfWork
from app.errors import forbidden, invalid
from app.extensions import db
from app.models import Case, Resource, User

PROCESS_KEY = "share_request"
_RESOURCE = select(Resource).where(Resource.code == bindparam("code"))  # built once (every filing)


def find_resource(code: str) -> Resource:
    """A catalog resource named in a request body: 422 when there is none."""
    resource = db.session.scalar(_RESOURCE, {"code": code})
    if resource is None:
        raise invalid("unknown_resource", {"resource": code}, value=code)
    return resource


def _emergency_until(resource: Resource, today) -> str | None:
    """The last day of the emergency reclassification that decides the share type today
    (Resource.effective_share_type), if one does: a grant made under it lapses with it."""
    in_force = resource.emergency_share_type and resource.emergency_until and today <= resource.emergency_until
    return resource.emergency_until.isoformat() if in_force else None


def start(user: User, resource_code: str, purpose: str, legal_basis: str | None,
          green_channel: dict | None) -> Case:
    """File a share request for the caller's department and run it to its first wait."""
    if user.department is None:
        raise forbidden(reason="no department")
    with UnitOfWork(user.username) as uow:
        resource = find_resource(resource_code)
        today = uow.ctx.today()
        facts = {"share_type": resource.effective_share_type(today),
                 "on_platform": resource.on_platform, "catalog_legal_basis": resource.legal_basis,
                 "share_conditions": resource.share_conditions, "provider": resource.provider.code,
                 "emergency_until": _emergency_until(resource, today)}
        request = {"resource": resource.code, "purpose": purpose, "legal_basis": legal_basis,
                   "green_channel": bool(green_channel),
                   "green_reason": (green_channel or {}).get("reason")}
        return open_case(uow, user, "share", PROCESS_KEY, request, facts, resource, resource.provider)
