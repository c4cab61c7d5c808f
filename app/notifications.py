"""What concerns the caller (GET /notifications), derived from what is already stored: the
audit events of their own requests (decisions, notices) and their inbox (new tasks, deadlines
one working day away). Nothing extra to keep in step, nothing lost."""
from __future__ import annotations

import functools
from datetime import date

from sqlalchemy import Integer, bindparam, select
from sqlalchemy.exc import IntegrityError

from app.cases.access import newest_in_inbox
from app.extensions import db
from app.errors import forbidden
from app.i18n import message
from app.models import AuditEvent, Case, HumanTask, NotificationRead, User

STATUS_LABELS = {"granted": ("同意", "granted"), "refused": ("不予同意", "refused"),
                 "abandoned": ("视为放弃申请", "abandoned"), "completed": ("已办结", "completed"),
                 "withdrawn": ("已撤回", "withdrawn"), "pending": ("重新受理", "taken up again"),
                 "cancelled": ("已终止", "cancelled")}
LIMIT = 200
# The badge on every page runs these: built once, bound per caller (``user_id``, ``username``).
_READ_IDS = select(NotificationRead.notification_id).where(NotificationRead.user_id == bindparam("user_id"))
_KEY_COLUMNS = {"handed": (AuditEvent.seq, AuditEvent.at),
                "requests": (AuditEvent.seq, AuditEvent.at, AuditEvent.type, AuditEvent.element,
                             AuditEvent.data["kind"].as_string())}


def for_user(user: User, today: date, calendar, unread_only: bool = False) -> list[dict]:
    """Newest first, each marked ``read`` or not (read marks are kept per user), with its message."""
    items = _collect(user, today, calendar)
    items = [n for n in items if not n["read"]] if unread_only else items
    for item in items:
        item["message"] = message(f"notify_{item['kind']}", **item["data"])
    return items


def unread_count(user: User, today: date, calendar) -> int:
    """What the header's badge shows on every page: the unread among the notifications
    ``for_user`` lists, counted from their ids and times alone (no event data, no wording)."""
    soon = due_soon_until(today, calendar)
    tasks = [key for task in newest_in_inbox(user, LIMIT) for key in _task_keys(task, today, soon)]
    keys = _my_request_keys(user) + tasks + _handed_keys(user)  # in _collect's order
    newest = sorted(keys, key=lambda k: k[0], reverse=True)[:LIMIT]
    read = read_ids(user)
    return sum(key not in read for _at, key in newest)


def _collect(user: User, today: date, calendar) -> list[dict]:
    items = _about_my_requests(user) + _about_my_tasks(user, today, calendar) + _handed_to_me(user)
    items = sorted(items, key=lambda n: n["at"], reverse=True)[:LIMIT]
    read = read_ids(user)
    for item in items:
        item["read"] = item["id"] in read
    return items


def read_ids(user: User) -> set[str]:
    return set(db.session.scalars(_READ_IDS, {"user_id": user.id}))


def mark_read(user: User, ids: list[str] | None, today: date, calendar) -> int:
    """Mark the caller's notifications read: those ``ids`` (others are ignored), or all of them
    (``None``); returns how many were newly marked. Auditors change nothing (403)."""
    from app.cases.uow import UnitOfWork

    if user.has_role("auditor") and not user.has_role("admin"):
        raise forbidden(reason="read-only role")
    try:
        with UnitOfWork(user.username) as uow:
            current = {n["id"] for n in for_user(user, today, calendar, unread_only=True)}
            chosen = sorted(current if ids is None else current & set(ids))
            for notification_id in chosen:
                db.session.add(NotificationRead(user_id=user.id, notification_id=notification_id,
                                                read_at=uow.now))
            if chosen:
                uow.record(None, "notifications_read", None, {"user": user.username, "count": len(chosen)})
    except IntegrityError:  # the same marks sent twice at once (a double click): the first one won
        db.session.rollback()
        return 0
    return len(chosen)


def new_task_item(task: HumanTask) -> dict:
    return _item("new_task", task.case_id, task.created_at, task.id, name=task.name, task=task.id,
                 due_date=task.due_date.isoformat() if task.due_date else None)


@functools.lru_cache(maxsize=2)
def _handed_events(*columns):
    """Tasks colleagues handed over to the caller (转办, ``username``), newest first."""
    return (select(*columns).where(AuditEvent.type == "task_reassigned",
                                   AuditEvent.data["to"].as_string() == bindparam("username"))
            .order_by(AuditEvent.seq.desc()).limit(LIMIT))


def _handed_to_me(user: User) -> list[dict]:
    return [from_reassigned(e) for e in db.session.scalars(_handed_events(AuditEvent), {"username": user.username})]


def _handed_keys(user: User) -> list[tuple[str, str]]:
    return [(at.isoformat(), _id("task_reassigned", seq))
            for seq, at in db.session.execute(_handed_events(*_KEY_COLUMNS["handed"]), {"username": user.username})]


def from_reassigned(event: AuditEvent) -> dict:
    return _item("task_reassigned", event.case_id, event.at, event.seq, name=event.data.get("name") or event.element,
                 task=event.data.get("task"), by=event.actor, reason=event.data.get("reason"))


@functools.lru_cache(maxsize=2)
def _my_request_events(*columns):
    """Decisions on and notices about the caller's own requests (``user_id``), newest first."""
    return (select(*columns).join(Case, Case.id == AuditEvent.case_id)
            .where(Case.applicant_id == bindparam("user_id", type_=Integer),
                   AuditEvent.type.in_(("case_decided", "applicant_notified")))
            .order_by(AuditEvent.seq.desc()).limit(LIMIT))


def _about_my_requests(user: User) -> list[dict]:
    return [from_event(e) for e in db.session.scalars(_my_request_events(AuditEvent), {"user_id": user.id})]


def _my_request_keys(user: User) -> list[tuple[str, str]]:
    return [(at.isoformat(), _id(_event_kind(type_, element, kind), seq))
            for seq, at, type_, element, kind in db.session.execute(_my_request_events(*_KEY_COLUMNS["requests"]),
                                                                     {"user_id": user.id})]


def _event_kind(type_: str, element: str | None, kind: str | None) -> str:
    """A decision, or the notice's own kind (its element when it names none)."""
    return "decision" if type_ == "case_decided" else (kind if kind is not None else element)


def from_event(event: AuditEvent) -> dict:
    kind = _event_kind(event.type, event.element, event.data.get("kind"))
    if kind == "decision":
        status = event.data.get("status")
        zh, en = STATUS_LABELS.get(status, (status, status))
        return _item(kind, event.case_id, event.at, event.seq, status=zh, status_en=en,
                     **(event.data.get("outcome") or {}))
    params = {k: v for k, v in event.data.items() if k != "kind"}
    return _item(kind, event.case_id, event.at, event.seq, **params)


def _about_my_tasks(user: User, today: date, calendar) -> list[dict]:
    soon = due_soon_until(today, calendar)
    items = []
    for task in newest_in_inbox(user, LIMIT):
        items.append(new_task_item(task))
        if _due_soon(task, today, soon):
            items.append(deadline_item(task))
    return items


def _task_keys(task, today: date, soon: date) -> list[tuple[str, str]]:
    at = task.created_at.isoformat()
    keys = [(at, _id("new_task", task.id))]
    if _due_soon(task, today, soon):
        keys.append((at, _id("deadline_near", f"{task.id}:due")))
    return keys


def _due_soon(task, today: date, soon: date) -> bool:
    return bool(task.due_date and today <= task.due_date <= soon)


def due_soon_until(today: date, calendar) -> date:
    """A deadline is near when it falls on or before the next working day."""
    return calendar.add_working_days(today, 1)[0]


def deadline_item(task: HumanTask) -> dict:
    return _item("deadline_near", task.case_id, task.created_at, f"{task.id}:due", name=task.name,
                 task=task.id, due_date=task.due_date.isoformat())


def _item(kind: str, case_id: str, at, ref, **data) -> dict:
    """A notification without its message: the badge on every page only counts them, and mail
    words its own (app/mail.py); ``for_user`` adds the message to those it returns."""
    return {"id": _id(kind, ref), "kind": kind, "request_id": case_id, "at": at.isoformat(), "data": data}


def _id(kind: str, ref) -> str:
    """A notification's id, which its read mark keeps."""
    return f"{kind}:{ref}"
