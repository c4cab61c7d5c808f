"""Checks on task data that need the case, the workflow or the database (the forms check the
shape). Each rule may also fill in a default that depends on the case; it returns the data."""
from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy import select

from app.errors import AppError, invalid
from app.extensions import db
from app.models import Case, HumanTask, Resource, User


def _task_data(workflow, task: HumanTask) -> dict:
    return workflow.get_task_from_id(UUID(task.spiff_task_id)).data


def _registered_resource(case, task, user, data, workflow, today) -> dict:
    """Art. 13: bought data is registered in the buyer's own catalog."""
    resource = db.session.scalar(select(Resource).where(Resource.code == data["resource"]))
    if resource is None:
        raise invalid("unknown_resource", {"resource": data["resource"]}, value=data["resource"])
    if resource.provider_id != case.department_id:
        raise invalid("resource_not_own", {"resource": resource.code, "provider": resource.provider.code})
    return data


def _receipt_day(case, task, user, data, workflow, today) -> dict:
    """Art. 31: in person, the day submitted; online or by post, the day receipt is confirmed."""
    submitted = date.fromisoformat(case.input["submitted_on"])
    default = submitted if case.input["channel"] == "in_person" else today
    received = date.fromisoformat(data["received_on"]) if data.get("received_on") else default
    if not submitted <= received <= today:
        raise invalid("bad_receipt_day", {"received_on": received.isoformat(),
                                          "submitted_on": submitted.isoformat()})
    return {**data, "received_on": received.isoformat()}


def _open_data_action(case, task, user, data, workflow, today) -> dict:
    """Art. 30: one supplement request, within 7 WD of receipt; Art. 33: one extension."""
    facts = _task_data(workflow, task)
    if data["action"] == "request_supplement":
        if facts.get("supplement_used"):
            raise invalid("supplement_once")
        if today > date.fromisoformat(facts["supplement_until"]):
            raise invalid("supplement_too_late", {"until": facts["supplement_until"]})
    if data["action"] == "request_extension" and facts.get("extension_used"):
        raise invalid("extension_once")
    return data


def _other_approver(case, task, user, data, workflow, today) -> dict:
    """Art. 33: the head of the disclosure office approves, never the one who asked."""
    asked_by = db.session.scalar(
        select(HumanTask.completed_by_id).where(HumanTask.case_id == case.id,
                                                HumanTask.task_key == "open_data_review",
                                                HumanTask.state == "completed")
        .order_by(HumanTask.completed_at.desc()).limit(1))
    if asked_by == user.id:
        raise invalid("extension_self_approval")
    return data


def _not_the_asker(case, task, user, data, workflow, today) -> dict:
    """Art. 20 ¶3: the city authority approves an emergency reclassification, never the one
    who asked for it (even if they work at the city authority)."""
    if user.id == case.applicant_id:
        raise AppError("emergency_self_approval", 403)
    return data


RULES = {
    "catalog_registration": _registered_resource,
    "confirm_receipt": _receipt_day,
    "open_data_review": _open_data_action,
    "extension_approval": _other_approver,
    "emergency_review": _not_the_asker,
}


def check(case: Case, task: HumanTask, user: User, data: dict, workflow, today: date) -> dict:
    rule = RULES.get(task.task_key)
    return rule(case, task, user, data, workflow, today) if rule else data
