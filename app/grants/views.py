"""The grants list as the API and the pages read it: who sees which grants, the filters, and
one grant as a dict. ``expired`` is derived here from ``expires_at`` and the time of reading."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import false, or_, select

from app.extensions import db
from app.models import Department, Grant, User

SEE_ALL = ("authority", "auditor", "admin")


def visible(user: User):
    """A select of the grants ``user`` may read: authorities, auditors and admins all of them;
    a department the grants it uses or provides; anyone else none."""
    query = select(Grant)
    if user.has_role(*SEE_ALL):
        return query
    if user.department_id is None:
        return query.where(false())
    return query.where(or_(Grant.department_id == user.department_id,
                           Grant.provider_department_id == user.department_id))


def with_state(query, state: str, now: datetime):
    """Only grants in ``state`` at ``now`` (active, expired or revoked)."""
    lapsed = Grant.expires_at.is_not(None) & (Grant.expires_at <= now)
    if state in ("revoked", "suspended"):
        return query.where(Grant.state == state)
    if state == "expired":
        return query.where(Grant.state == "active", lapsed)
    return query.where(Grant.state == "active", ~lapsed)


def listing(user: User, now: datetime, department: str | None = None, resource: str | None = None,
            state: str | None = None):
    """The visible grants, filtered, newest first."""
    query = visible(user)
    if department:
        query = query.where(Grant.department_id.in_(select(Department.id).where(Department.code == department)))
    if resource:
        query = query.where(Grant.resource_code == resource)
    if state:
        query = with_state(query, state, now)
    return query.order_by(Grant.granted_at.desc(), Grant.id)


def of_case(user: User, case_id: str) -> list[Grant]:
    return db.session.scalars(visible(user).where(Grant.case_id == case_id)).all()


def can_revoke(user: User, grant: Grant) -> bool:
    """An authority, or an approver of the providing department."""
    return user.has_role("authority") or (user.has_role("approver")
                                          and user.department_id == grant.provider_department_id)


def present(grant: Grant, now: datetime) -> dict:
    return {"id": grant.id, "resource": grant.resource_code, "department": grant.department.code,
            "department_name": grant.department.name, "provider": grant.provider.code,
            "case_id": grant.case_id, "purpose": grant.purpose, "conditions": grant.conditions,
            "granted_at": grant.granted_at.isoformat(),
            "expires_at": grant.expires_at.isoformat() if grant.expires_at else None,
            "state": grant.state_at(now), "revoked_at": grant.revoked_at.isoformat() if grant.revoked_at else None,
            "revoked_reason": grant.revoked_reason}
