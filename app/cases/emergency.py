"""Emergency reclassification (突发事件临时调整共享属性, Art. 20 ¶3) as its own case: asked by
an approver of the holding unit or by an authority, in force only once the city authority
approves it (another person than the asker), loosening only, for a limited time."""
from __future__ import annotations

from datetime import date

from flask import current_app

from app.catalog import commands
from app.catalog.rules import check_emergency
from app.catalog.views import get
from app.cases.filing import open_case
from app.cases.uow import UnitOfWork
from app.errors import forbidden
from app.models import Case, User

PROCESS_KEY = "emergency"


def max_days() -> int:
    return current_app.config["DSF_EMERGENCY_MAX_DAYS"]


def may_ask(user: User, provider_id: int) -> bool:
    return user.department_id is not None and (
        user.has_role("authority") or (user.has_role("approver") and user.department_id == provider_id))


def start(user: User, code: str, share_type: str, until: date, reason: str) -> Case:
    with UnitOfWork(user.username) as uow:
        resource = get(code)
        if not may_ask(user, resource.provider_id):
            raise forbidden(provider=resource.provider.code)
        check_emergency(resource, share_type, until, uow.ctx.today(), max_days())
        request = {"resource": resource.code, "share_type": share_type, "until": until.isoformat(),
                   "reason": reason}
        facts = {"catalog_share_type": resource.share_type}
        return open_case(uow, user, "emergency", PROCESS_KEY, request, facts, resource, resource.provider)


def reviewed(uow: UnitOfWork, case: Case, data: dict) -> None:
    """Approved by the city authority: the temporary share type takes effect now (checked
    again against today's catalog and date)."""
    if data.get("decision") != "approve":
        return
    request = case.input
    resource = get(request["resource"])
    until = date.fromisoformat(request["until"])
    check_emergency(resource, request["share_type"], until, uow.ctx.today(), max_days())
    commands.set_emergency(uow, resource, request["share_type"], until, request["reason"], case)
