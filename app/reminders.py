"""Deadline reminders by e-mail: a task due on or before the next working day is mailed once
to whoever holds it — its assignee, else the people of its role in its department — the same
``deadline_near`` notification they see in the page's bell (app/notifications.py).

Run by the scheduler's tick. Each task is locked while its reminder is queued (skipped when
another process holds it), and a reminder already in the outbox is never queued again, so two
processes never mail the same reminder twice."""
from __future__ import annotations

from sqlalchemy import exists, literal, select

from app import mail, notifications
from app.engine.clock import local_date
from app.extensions import db
from app.models import HumanTask, MailOutbox, User
from app.services import calendar, clock, timezone


def queue_due_soon() -> int:
    """Queue the reminders not yet queued; commit; return how many mails were queued."""
    if not mail.enabled():
        return 0
    now = clock().now()
    today = local_date(now, timezone())
    reminded = exists().where(MailOutbox.notification_id == literal("deadline_near:") + HumanTask.id + ":due")
    query = (select(HumanTask).where(HumanTask.state == "open", HumanTask.due_date >= today,
                                     HumanTask.due_date <= notifications.due_soon_until(today, calendar()),
                                     ~reminded)
             .order_by(HumanTask.due_date, HumanTask.id))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(of=HumanTask, skip_locked=True)
    queued = 0
    for task in db.session.scalars(query).unique():
        item = notifications.deadline_item(task)
        for user in _holders(task):
            address = mail.mailable(user)
            if address:
                mail.queue(user, address, item, now)
                queued += 1
    db.session.commit()
    return queued


def _holders(task: HumanTask) -> list[User]:
    if task.assignee_id is not None:
        return [db.session.get(User, task.assignee_id)]
    return mail.workers(task.department.code if task.department else None, task.role)
