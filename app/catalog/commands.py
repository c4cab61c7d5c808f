"""Commands that change the live catalog. Each runs inside the caller's unit of work, appends
one ``resource_changed`` event (the fields before and after; the case when a case decided it)
and publishes a new ``ResourceVersion`` of the entry. Departments reach them only through a
reviewed case (app/cases/catalog_change.py, emergency.py); the admin directly, with a reason."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.audit.changes import diff, snapshot
from app.catalog.rules import check_entry
from app.catalog.views import get
from app.cases.uow import UnitOfWork
from app.errors import conflict, invalid
from app.extensions import db
from app.models import Case, Department, Resource, ResourceVersion, User
from app.models.catalog import VERSION_FIELDS

EMERGENCY_FIELDS = ("emergency_share_type", "emergency_until", "emergency_reason")


def fields_of(resource: Resource) -> dict:
    """The published fields of an entry, provider by code."""
    out = snapshot(resource, tuple(f for f in VERSION_FIELDS if f != "provider"))
    return {**out, "provider": resource.provider.code}


def find_provider(code: str) -> Department:
    provider = db.session.scalar(select(Department).where(Department.code == code))
    if provider is None:
        raise invalid("unknown_department", {"provider": code}, value=code)
    return provider


def check_code_free(code: str) -> None:
    if db.session.scalar(select(Resource.id).where(Resource.code == code)) is not None:
        raise conflict("code_taken", {"code": code})


def _publish(uow: UnitOfWork, resource: Resource, before: dict | None, case: Case | None,
             reason: str | None) -> ResourceVersion:
    """The entry's next version and its ``resource_changed`` event."""
    db.session.flush()
    number = (db.session.scalar(select(func.max(ResourceVersion.version))
                                .where(ResourceVersion.resource_id == resource.id)) or 0) + 1
    after = fields_of(resource)
    version = ResourceVersion(resource_id=resource.id, version=number, at=uow.now, by=uow.actor,
                              case_id=case.id if case else None, fields=after)
    db.session.add(version)
    uow.record(case, "resource_changed", resource.code,
               {**diff(before, after), "version": number, "reason": reason})
    return version


def create(uow: UnitOfWork, fields: dict, case: Case | None = None, reason: str | None = None) -> Resource:
    """A new entry, version 1 (the fields as ResourceIn loads them)."""
    provider = find_provider(fields["provider"])
    check_entry(fields)
    check_code_free(fields["code"])
    values = {k: v for k, v in fields.items() if k in VERSION_FIELDS and k != "provider"}
    resource = Resource(**values, provider_id=provider.id, provider=provider,
                        created_at=uow.now, updated_at=uow.now)
    db.session.add(resource)
    _publish(uow, resource, None, case, reason)
    return resource


def update(uow: UnitOfWork, resource: Resource, changes: dict, case: Case | None = None,
           reason: str | None = None) -> Resource:
    """``changes`` (as ResourcePatch loads them) applied, checked as a whole, published."""
    before = fields_of(resource)
    check_entry({**before, **changes})
    for key, value in changes.items():
        setattr(resource, key, value)
    resource.updated_at = uow.now
    _publish(uow, resource, before, case, reason)
    return resource


def set_emergency(uow: UnitOfWork, resource: Resource, share_type: str, until: date, reason: str,
                  case: Case) -> None:
    """Art. 20 ¶3: the temporary share type, in force until ``until`` and lapsing by itself
    (Resource.effective_share_type). Not a new version: the published entry is unchanged."""
    before = snapshot(resource, EMERGENCY_FIELDS)
    resource.emergency_share_type, resource.emergency_until = share_type, until
    resource.emergency_reason = reason
    resource.updated_at = uow.now
    uow.record(case, "resource_changed", resource.code,
               {**diff(before, snapshot(resource, EMERGENCY_FIELDS)), "reason": reason,
                "catalog_share_type": resource.share_type})


# -- the administrator's direct edits (audited, with a reason) ------------------------------
def _admin_only(user: User) -> None:
    """Departments change their entries through a reviewed catalog change, never directly."""
    if not user.has_role("admin"):
        raise conflict("use_catalog_change")


def _reason(reason: str | None) -> str:
    if not reason or not reason.strip():
        raise invalid("validation_error", {"reason": "required"})
    return reason.strip()


def admin_create(user: User, fields: dict, reason: str | None = None) -> Resource:
    _admin_only(user)
    with UnitOfWork(user.username) as uow:
        return create(uow, fields, reason=reason)


def admin_update(user: User, code: str, changes: dict, reason: str | None) -> Resource:
    _admin_only(user)
    reason = _reason(reason)
    with UnitOfWork(user.username) as uow:
        return update(uow, get(code), changes, reason=reason)
