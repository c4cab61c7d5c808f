"""Checks on task data that need the case or the database (the forms check the shape)."""
from __future__ import annotations

from sqlalchemy import select

from app.errors import invalid
from app.extensions import db
from app.models import Case, HumanTask, Resource, User


def _registered_resource(case: Case, task: HumanTask, user: User, data: dict, workflow) -> None:
    """Art. 13: bought data is registered in the buyer's own catalog."""
    resource = db.session.scalar(select(Resource).where(Resource.code == data["resource"]))
    if resource is None:
        raise invalid("unknown_resource", {"resource": data["resource"]}, value=data["resource"])
    if resource.provider_id != case.department_id:
        raise invalid("resource_not_own", {"resource": resource.code, "provider": resource.provider.code})


RULES = {"catalog_registration": _registered_resource}


def check(case: Case, task: HumanTask, user: User, data: dict, workflow) -> None:
    rule = RULES.get(task.task_key)
    if rule is not None:
        rule(case, task, user, data, workflow)
