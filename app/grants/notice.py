"""A change notice taking effect (Art. 23 ¶2): on its effective day each grant it notified
that is still active is suspended, or carried over, as the notice said — in the command the
effective-day timer runs, audited on the notice's case."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Case, Grant

EVENTS = {"suspend": "grant_suspended", "carry_over": "grant_carried_over"}


def takes_effect(kind: str, before: str, after: str) -> bool:
    """Whether a status change is a change notice's effective day (also what a replay checks)."""
    return kind == "change_notice" and after == "completed" and before != "completed"


def on_decided(uow, case: Case, before: str) -> list[Grant]:
    if not takes_effect(case.kind, before, case.status):
        return []
    action = case.input["grants"]
    ids = case.input.get("notified_grants") or []
    grants = db.session.scalars(select(Grant).where(Grant.id.in_(ids)).order_by(Grant.id)).all() if ids else []
    touched = []
    for grant in grants:
        if grant.state_at(uow.now) != "active":
            continue  # revoked or lapsed in the meantime: nothing to suspend or carry over
        if action == "suspend":
            grant.state = "suspended"
        uow.record(case, EVENTS[action], "take_effect",
                   {"grant": grant.id, "resource": grant.resource_code, "department": grant.department.code,
                    "notice": case.id, "kind": case.input["kind"], "effective_on": case.input["effective_on"]})
        touched.append(grant)
    return touched
