"""Checks on task data that need the case, the workflow or the database (the forms check the
shape). Each rule may also fill in a default that depends on the case; it returns the data."""
from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy import select

from app.cases import forms
from app.errors import AppError, invalid
from app.extensions import db
from app.models import Case, HumanTask, Resource, ResourceVersion, User


def _task_data(workflow, task: HumanTask) -> dict:
    return workflow.get_task_from_id(UUID(task.spiff_task_id)).data


def _registered_resource(case, task, user, data, workflow, today) -> dict:
    """Art. 13: bought data is registered in the buyer's own catalog — as a **new** entry,
    created through the catalog change path (reviewed by the authority, Art. 10) after the
    purchase was approved; an entry that existed before, or one an admin typed in, does not do."""
    resource = db.session.scalar(select(Resource).where(Resource.code == data["resource"]))
    if resource is None:
        raise invalid("unknown_resource", {"resource": data["resource"]}, value=data["resource"])
    if resource.provider_id != case.department_id:
        raise invalid("resource_not_own", {"resource": resource.code, "provider": resource.provider.code})
    first = db.session.scalar(select(ResourceVersion).where(ResourceVersion.resource_id == resource.id,
                                                            ResourceVersion.version == 1))
    change = db.session.get(Case, first.case_id) if first is not None and first.case_id else None
    approved_at = db.session.scalar(
        select(HumanTask.completed_at).where(HumanTask.case_id == case.id, HumanTask.task_key == "purchase_review",
                                             HumanTask.state == "completed"))
    if (change is None or change.kind != "catalog_change" or not (change.input or {}).get("new")
            or approved_at is None or change.created_at < approved_at):
        raise invalid("purchase_registration_change", {"resource": resource.code,
                                                       "change": change.id if change is not None else None})
    return {**data, "change": change.id}


def _clock(case, key: str) -> dict | None:
    return next((c for c in case.sla or [] if c["key"] == key), None)


def _receipt_day(case, task, user, data, workflow, today) -> dict:
    """Art. 31: online or by post, the day receipt is confirmed — but never later than the
    confirmation deadline (a local 1 WD), so the agency cannot choose when the 20 WD start.
    In person the day submitted is the day received (current models have no such task; cases
    still on an older version do, and may not set another day)."""
    submitted = date.fromisoformat(case.input["submitted_on"])
    receipt = _clock(case, "receipt")
    if case.input["channel"] == "in_person":
        latest = submitted
    else:
        latest = min(today, date.fromisoformat(receipt["due_date"])) if receipt else today
    received = date.fromisoformat(data["received_on"]) if data.get("received_on") else latest
    if not submitted <= received <= today:
        raise invalid("bad_receipt_day", {"received_on": received.isoformat(),
                                          "submitted_on": submitted.isoformat()})
    if received > latest:
        raise invalid("receipt_day_too_late", {"received_on": received.isoformat(), "latest": latest.isoformat()})
    return {**data, "received_on": received.isoformat()}


def _before_reply_deadline(case, today) -> None:
    """Art. 33 ¶1: an extension (or an Art. 35 longer period) only before the reply deadline:
    once it has passed, the breach stays and is not bent away."""
    reply = _clock(case, "open_data_reply")
    if reply and (reply["state"] == "breached" or today > date.fromisoformat(reply["due_date"])):
        raise invalid("extension_too_late", {"due_date": reply["due_date"]}, due_date=reply["due_date"])


def _open_data_action(case, task, user, data, workflow, today) -> dict:
    """Art. 30: one supplement request, within 7 WD of receipt; Art. 33/35: one extension and one
    longer period, before the deadline; Art. 32: disclosing over a third party's objection needs reasons."""
    facts = _task_data(workflow, task)
    action = data["action"]
    if action == "request_supplement":
        if facts.get("supplement_used"):
            raise invalid("supplement_once")
        if today > date.fromisoformat(facts["supplement_until"]):
            raise invalid("supplement_too_late", {"until": facts["supplement_until"]})
    if action in ("request_extension", "longer_period"):
        if facts.get("extension_used" if action == "request_extension" else "longer_period_used"):
            raise invalid("extension_once")
        _before_reply_deadline(case, today)
    if (action == "reply" and data.get("reply_type") in ("disclosed", "partially_disclosed")
            and facts.get("third_party_objected") and not data.get("reason")):
        raise invalid("reason_required", {"reason": "disclosure over the third party's objection (Art. 32)"})
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
    if data["decision"] == "approve":
        _before_reply_deadline(case, today)
    return data


def _not_the_asker(case, task, user, data, workflow, today) -> dict:
    """Art. 20 ¶3: the city authority approves an emergency reclassification, never the one
    who asked for it (even if they work at the city authority)."""
    if user.id == case.applicant_id:
        raise AppError("emergency_self_approval", 403)
    return data


def _catalog_changes_filed(case, task, user, data, workflow, today) -> dict:
    """Art. 11: the obligation closes only on catalog changes of the unit, filed since it arose."""
    from app.cases.catalog_update import check_changes

    return check_changes(case, data, case.created_at)


RULES = {
    "file_catalog_update": _catalog_changes_filed,
    "catalog_registration": _registered_resource,
    "confirm_receipt": _receipt_day,
    "open_data_review": _open_data_action,
    "extension_approval": _other_approver,
    "emergency_review": _not_the_asker,
}


def check(case: Case, task: HumanTask, user: User, data: dict, workflow, today: date) -> dict:
    rule = RULES.get(forms.form_key(case.definition.elements, task.task_key))
    return rule(case, task, user, data, workflow, today) if rule else data
