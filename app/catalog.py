"""Catalog rules (PRODUCT.md "The catalog"): what each share type requires, who may edit."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.audit import log as audit
from app.errors import conflict, forbidden, invalid, not_found
from app.extensions import db
from app.models import Department, Resource, User
from app.services import clock


def check_rules(share_type: str, share_conditions: str | None, legal_basis: str | None) -> None:
    """Conditional sharing needs 申请条件 and a basis; refusing to share needs a legal basis."""
    if share_type == "conditional" and not (share_conditions and legal_basis):
        raise invalid("conditions_required", {"share_conditions": share_conditions,
                                              "legal_basis": legal_basis})
    if share_type == "none" and not legal_basis:
        raise invalid("legal_basis_required", {"legal_basis": legal_basis})


def may_edit(user: User, provider_id: int) -> bool:
    return user.has_role("admin") or (user.has_role("approver") and user.department_id == provider_id)


def visible(user: User | None, query):
    """Government users see the whole catalog; the public only what is open (Art. 26)."""
    if user is None or user.department_id is not None or user.has_role("admin", "auditor"):
        return query
    return query.where(Resource.open_type != "closed")


def get(code: str, user: User | None = None) -> Resource:
    resource = db.session.scalar(visible(user, select(Resource).where(Resource.code == code)))
    if resource is None:
        raise not_found(resource=code)
    return resource


def create(user: User, fields: dict) -> Resource:
    provider = db.session.scalar(select(Department).where(Department.code == fields["provider"]))
    if provider is None:
        raise invalid("unknown_department", {"provider": fields["provider"]}, value=fields["provider"])
    if not may_edit(user, provider.id):
        raise forbidden(provider=provider.code)
    check_rules(fields["share_type"], fields["share_conditions"], fields["legal_basis"])
    if db.session.scalar(select(Resource.id).where(Resource.code == fields["code"])) is not None:
        raise conflict("code_taken", {"code": fields["code"]})
    now = clock().now()
    values = {k: v for k, v in fields.items() if k != "provider"}
    resource = Resource(**values, provider_id=provider.id, provider=provider, created_at=now, updated_at=now)
    db.session.add(resource)
    db.session.flush()
    return resource


def update(user: User, code: str, changes: dict) -> Resource:
    resource = get(code)
    if not may_edit(user, resource.provider_id):
        raise forbidden(provider=resource.provider.code)
    merged = {k: changes.get(k, getattr(resource, k)) for k in ("share_type", "share_conditions", "legal_basis")}
    check_rules(**merged)
    for key, value in changes.items():
        setattr(resource, key, value)
    resource.updated_at = clock().now()
    return resource


def reclassify(user: User, code: str, share_type: str, until: date, reason: str, today: date) -> Resource:
    """Art. 20 ¶3: a temporary share type in an emergency, lapsing by itself after ``until``."""
    resource = get(code)
    if until < today:
        raise invalid("validation_error", {"until": "must not be in the past"})
    resource.emergency_share_type, resource.emergency_until = share_type, until
    resource.emergency_reason = reason
    resource.updated_at = clock().now()
    audit.append(None, user.username, "resource_reclassified", resource.code,
                 {"share_type": share_type, "until": until.isoformat(), "reason": reason,
                  "catalog_share_type": resource.share_type}, resource.updated_at)
    return resource
