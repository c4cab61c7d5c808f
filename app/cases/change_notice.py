"""The change notice (共享告知制度, Art. 23 ¶2): a provider that will upgrade, change or stop a
shared resource tells every department holding an active grant at least 10 working days
ahead (the number is the model's: bpmn/change_notice.bpmn); each holder acknowledges; on the
effective day the notified grants are suspended or carried over, as the notice says
(app/grants/notice.py, applied when the case is decided)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.cases.filing import open_case
from app.cases.share import find_resource
from app.cases.uow import UnitOfWork
from app.errors import forbidden, invalid
from app.extensions import db
from app.grants.views import with_state
from app.models import Case, Grant, User

PROCESS_KEY = "change_notice"
KINDS = ("upgrade", "change", "stop")
GRANT_ACTIONS = ("suspend", "carry_over")


def active_grants(resource_code: str, now) -> list[Grant]:
    """The grants in force on ``resource_code`` at ``now``, oldest first."""
    query = with_state(select(Grant).where(Grant.resource_code == resource_code), "active", now)
    return db.session.scalars(query.order_by(Grant.granted_at, Grant.id)).all()


def start(user: User, body: dict) -> Case:
    """Only an approver of the provider department gives notice; a stopped service cannot carry
    its grants over; an effective day fewer than 10 WD ahead is refused (422 ``notice_too_late``,
    nothing stored) — the model decides that, so the number stays in the model."""
    if body["kind"] == "stop" and body["grants"] != "suspend":
        raise invalid("stop_suspends_grants", {"kind": "stop", "grants": body["grants"]})
    with UnitOfWork(user.username) as uow:
        resource = find_resource(body["resource"])
        if not (user.has_role("approver") and user.department_id == resource.provider_id):
            raise forbidden(provider=resource.provider.code)
        grants = active_grants(resource.code, uow.now)
        holders = sorted({g.department.code for g in grants})
        effective_on = body["effective_on"]
        request = {"resource": resource.code, "kind": body["kind"], "effective_on": effective_on.isoformat(),
                   "description": body["description"], "grants": body["grants"], "holders": holders,
                   "notified_grants": [g.id for g in grants]}
        case = open_case(uow, user, "change_notice", PROCESS_KEY, request, {"provider": resource.provider.code},
                         resource, resource.provider)
        if case.status == "refused":
            earliest = next(c["due_date"] for c in case.sla if c["key"] == "notice")
            raise invalid("notice_too_late", {"effective_on": effective_on.isoformat(), "earliest": earliest},
                          earliest=earliest)
        return case


def effective_on(case: Case) -> date:
    return date.fromisoformat(case.input["effective_on"])
