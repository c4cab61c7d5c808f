"""Revoking a grant (the provider withdraws its consent, or an authority does): audited on
the grant's case with the reason."""
from __future__ import annotations

from app.cases.uow import UnitOfWork
from app.errors import conflict, forbidden, not_found
from app.extensions import db
from app.grants import views
from app.models import Case, Grant, User


def revoke(user: User, grant_id: str, reason: str) -> Grant:
    """404 when the caller cannot see the grant, 403 when they may not revoke it, 409
    ``grant_not_active`` when it is expired or revoked already."""
    with UnitOfWork(user.username) as uow:
        grant = db.session.execute(views.visible(user).where(Grant.id == grant_id).with_for_update(of=Grant)
                                   .execution_options(populate_existing=True)).scalar_one_or_none()
        if grant is None:
            raise not_found(grant=grant_id)
        if not views.can_revoke(user, grant):
            raise forbidden(grant=grant_id)
        state = grant.state_at(uow.now)
        if state != "active":
            raise conflict("grant_not_active", {"grant": grant_id, "state": state}, state=state)
        grant.state, grant.revoked_at, grant.revoked_by, grant.revoked_reason = "revoked", uow.now, user.username, reason
        case = db.session.get(Case, grant.case_id)
        uow.record(case, "grant_revoked", None, {"grant": grant.id, "resource": grant.resource_code,
                                                 "department": grant.department.code, "reason": reason})
    return grant
