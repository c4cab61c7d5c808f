"""On-request open data (依申请开放, Art. 26-29), handled under the 政府信息公开条例 (2019)."""
from __future__ import annotations

from sqlalchemy import select

from app.cases import tasks
from app.cases.filing import open_case
from app.cases.share import find_resource
from app.cases.uow import UnitOfWork
from app.errors import conflict, invalid
from app.extensions import db
from app.models import Case, HumanTask, User

PROCESS_KEY = "open_data_request"
OPEN_TYPES = ("unconditional", "on_request")


def start(user: User, resource_code: str, purpose: str, description: str, channel: str) -> Case:
    """File an application; the purpose is kept with any grant (Art. 29)."""
    with UnitOfWork(user.username) as uow:
        resource = find_resource(resource_code)
        if resource.open_type not in OPEN_TYPES:
            raise invalid("resource_not_open", {"resource": resource.code, "open_type": resource.open_type})
        request = {"resource": resource.code, "purpose": purpose, "description": description,
                   "channel": channel, "submitted_on": uow.ctx.today().isoformat()}
        facts = {"open_type": resource.open_type, "provider": resource.provider.code}
        return open_case(uow, user, "open_data", PROCESS_KEY, request, facts, resource, resource.provider)


def supplement(user: User, case_id: str, description: str, good_reason: str | None = None) -> Case:
    """The applicant answers a supplement request (补正): completes their open task — within the
    period, or after it with a good reason (正当理由, Art. 30), which the agency then weighs."""
    task = db.session.execute(select(HumanTask.id, HumanTask.task_key).where(
        HumanTask.case_id == case_id, HumanTask.task_key.in_(("applicant_supplement", "late_supplement")),
        HumanTask.state == "open")).first()
    if task is None:
        raise conflict("no_supplement_asked", {"request": case_id})
    if task.task_key == "late_supplement":
        return tasks.complete(user, task.id, {"description": description,
                                              **({"good_reason": good_reason} if good_reason else {})})
    return tasks.complete(user, task.id, {"description": description})
