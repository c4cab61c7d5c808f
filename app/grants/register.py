"""Creating a grant when a share request ends ``granted``, in the deciding command's unit of
work, from what was recorded: the case's request and outcome, and the catalog facts of its
``case_started`` event (``emergency_until``: the grant lapses with the emergency that made
it possible, Art. 20 ¶3)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select

from app.extensions import db
from app.models import AuditEvent, Case, Grant
from app.models.types import new_id

# a share request, and a coordination that overturned a refusal and got the provider's approval
# (the linked case decides the grant in place of the refused request, app/cases/coordination.py)
GRANTING_KINDS = ("share", "coordination")


def creates_grant(kind: str, before: str, after: str) -> bool:
    """Whether a status change makes a grant (also what a replay expects to find recorded)."""
    return kind in GRANTING_KINDS and after == "granted" and before != "granted"


def on_decided(uow, case: Case, before: str) -> Grant | None:
    """Called by the status projection after every status change; a grant when it is due."""
    if not creates_grant(case.kind, before, case.status):
        return None
    until = _filed_facts(uow, case).get("emergency_until")
    grant = Grant(id=new_id(), resource_code=case.resource_code, department_id=case.department_id,
                  provider_department_id=case.provider_department_id, case_id=case.id,
                  purpose=(case.input or {}).get("purpose") or "",
                  conditions=(case.outcome or {}).get("conditions"), granted_at=uow.now,
                  expires_at=end_of_day(date.fromisoformat(until), uow.ctx.tz) if until else None,
                  state="active")
    db.session.add(grant)
    uow.record(case, "grant_created", None, {
        "grant": grant.id, "resource": grant.resource_code, "department": case.lanes.get("applicant"),
        "provider": case.lanes.get("provider"), "conditions": grant.conditions,
        "expires_at": grant.expires_at.isoformat() if grant.expires_at else None})
    return grant


def end_of_day(day: date, tz: str) -> datetime:
    """The first instant after ``day`` in the service time zone (an emergency is in force
    through its ``until`` day)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(tz))


_FILED = select(AuditEvent.data).where(AuditEvent.case_id == bindparam("case_id"), AuditEvent.type == "case_started")


def _filed_facts(uow, case: Case) -> dict:
    """The catalog facts recorded at filing: from this command when it filed the case (a
    direct grant), else from the stored ``case_started`` event."""
    pending = uow.recorded(case, "case_started")
    if pending:
        return pending[0].get("catalog") or {}
    data = db.session.scalar(_FILED, {"case_id": case.id})
    return (data or {}).get("catalog") or {}
