"""What the task page shows beside the form: the confirmation summary, who may take the task
over, and what a completed task decided."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, HumanTask, User
from app.web.labels import CHOICES, FIELDS, label


def summary(data: dict) -> list[tuple[str, str]]:
    """(field label, value label) of what is about to be submitted."""
    return [(label(FIELDS, key), label(CHOICES, value) if isinstance(value, str) else str(value))
            for key, value in data.items() if value not in (None, "")]


def colleagues(task: HumanTask, user: User) -> list[User]:
    """Who the task may be handed to (转办): the lane's role, the same department, not the caller."""
    if task.department_id is None:
        return []
    users = db.session.scalars(select(User).where(User.department_id == task.department_id, User.id != user.id)
                               .order_by(User.username))
    return [u for u in users if u.has_role(task.role) and not getattr(u, "disabled", False)]


def completion(task: HumanTask) -> dict | None:
    """Who completed the task, when, and what they decided (from its audit event)."""
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.case_id == task.case_id,
                                                       AuditEvent.type == "task_completed",
                                                       AuditEvent.element == task.task_key)
                              .where(AuditEvent.data["task"].as_string() == task.id).limit(1))
    if event is None:
        return None
    by = db.session.get(User, task.completed_by_id) if task.completed_by_id else None
    return {"at": event.at, "by": by.display_name if by else event.actor,
            "facts": summary(event.data.get("data") or {})}
