"""What concerns the caller (GET /notifications), derived from what is already stored: the
audit events of their own requests (decisions, notices) and their inbox (new tasks, deadlines
one working day away). Nothing extra to keep in step, nothing lost."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.cases.access import inbox
from app.extensions import db
from app.i18n import message
from app.models import AuditEvent, Case, HumanTask, User

STATUS_LABELS = {"granted": ("同意", "granted"), "refused": ("不予同意", "refused"),
                 "abandoned": ("视为放弃申请", "abandoned"), "completed": ("已办结", "completed"),
                 "withdrawn": ("已撤回", "withdrawn"), "cancelled": ("已终止", "cancelled")}
LIMIT = 200


def for_user(user: User, today: date, calendar) -> list[dict]:
    """Newest first."""
    items = _about_my_requests(user) + _about_my_tasks(user, today, calendar)
    return sorted(items, key=lambda n: n["at"], reverse=True)[:LIMIT]


def _about_my_requests(user: User) -> list[dict]:
    rows = db.session.execute(
        select(AuditEvent).join(Case, Case.id == AuditEvent.case_id)
        .where(Case.applicant_id == user.id, AuditEvent.type.in_(("case_decided", "applicant_notified")))
        .order_by(AuditEvent.seq.desc()).limit(LIMIT)).scalars()
    return [_from_event(e) for e in rows]


def _from_event(event: AuditEvent) -> dict:
    if event.type == "case_decided":
        status = event.data.get("status")
        zh, en = STATUS_LABELS.get(status, (status, status))
        return _item("decision", event.case_id, event.at, event.seq, status=zh, status_en=en,
                     **(event.data.get("outcome") or {}))
    params = {k: v for k, v in event.data.items() if k != "kind"}
    return _item(event.data.get("kind", event.element), event.case_id, event.at, event.seq, **params)


def _about_my_tasks(user: User, today: date, calendar) -> list[dict]:
    soon, _ = calendar.add_working_days(today, 1)
    items = []
    for task in db.session.scalars(inbox(user).order_by(HumanTask.created_at.desc()).limit(LIMIT)):
        items.append(_item("new_task", task.case_id, task.created_at, task.id, name=task.name,
                           task=task.id, due_date=task.due_date.isoformat() if task.due_date else None))
        if task.due_date and today <= task.due_date <= soon:
            items.append(_item("deadline_near", task.case_id, task.created_at, f"{task.id}:due", name=task.name,
                               task=task.id, due_date=task.due_date.isoformat()))
    return items


def _item(kind: str, case_id: str, at, ref, **data) -> dict:
    return {"id": f"{kind}:{ref}", "kind": kind, "request_id": case_id, "at": at.isoformat(),
            "message": message(f"notify_{kind}", **data), "data": data}
