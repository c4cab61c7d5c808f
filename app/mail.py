"""E-mail of notifications when ``DSF_SMTP_URL`` is set (e.g. ``smtp://127.0.0.1:1025``).

A command's unit of work fills the outbox (``mail_outbox``) in its own transaction, from the
audit events it appended, so a rolled-back command mails nothing. After the commit a
background thread drains the outbox, and so does the scheduler tick: rows are claimed in a
short transaction, sent outside any transaction (a slow or dead mail server never holds a
command or a lock), then marked sent, or retried later with a growing delay.
"""
from __future__ import annotations

import logging
import smtplib
import threading
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app
from sqlalchemy import select, update

from app import notifications
from app.extensions import db
from app.i18n import MESSAGES
from app.models import AuditEvent, Case, Department, HumanTask, MailOutbox, User
from app.services import clock

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)  # a claimed row is retried after this if its sender died
BATCH = 50
SUBJECT_PREFIX = "[公共数据共享流程平台] "


def enabled() -> bool:
    return bool(current_app.config.get("DSF_SMTP_URL"))


# -- filling, inside the command's transaction ---------------------------------------------

def mailable(user: User | None) -> str | None:
    """The user's address; the ``email`` field arrives with the identity work (may be absent)."""
    if user is None or getattr(user, "disabled", False):
        return None
    return getattr(user, "email", None) or None


def workers(department_code: str | None, role: str) -> list[User]:
    dept = db.session.scalar(select(Department).where(Department.code == department_code)) if department_code else None
    if dept is None:
        return []
    return [u for u in db.session.scalars(select(User).where(User.department_id == dept.id)) if u.has_role(role)]


def _recipients(event: AuditEvent) -> list[tuple[User, dict]]:
    """Who a new event concerns and the notification they see for it (app/notifications.py)."""
    data = event.data or {}
    if event.type in ("case_decided", "applicant_notified"):
        case = db.session.get(Case, event.case_id)
        return [(case.applicant, notifications.from_event(event))] if case else []
    if event.type == "task_reassigned":
        target = db.session.scalar(select(User).where(User.username == data.get("to")))
        return [(target, notifications.from_reassigned(event))] if target else []
    if event.type == "task_created":
        task = db.session.get(HumanTask, data.get("task"))
        if task is None:
            return []
        item = notifications.new_task_item(task)
        if task.assignee_id is not None:
            return [(db.session.get(User, task.assignee_id), item)]
        return [(user, item) for user in workers(data.get("department"), data.get("role", ""))]
    return []


def _text(item: dict, lang: int) -> str:
    text = MESSAGES.get(f"notify_{item['kind']}", (item["kind"], item["kind"]))[lang]
    try:
        return text.format(**item["data"])
    except (KeyError, IndexError):
        return text


def fill(events: list[AuditEvent], now) -> int:
    """Queue one mail per notification the events cause, for each recipient with an address."""
    if not enabled():
        return 0
    queued = 0
    for event in events:
        for user, item in _recipients(event):
            address = mailable(user)
            if not address:
                continue
            queue(user, address, item, now)
            queued += 1
    return queued


def queue(user: User, address: str, item: dict, now) -> None:
    """One notification's mail in the outbox (Chinese, then English), sent after the commit."""
    body = f"{_text(item, 0)}\n\n{_text(item, 1)}\n\n(申请编号 / Request: {item['request_id']})\n"
    db.session.add(MailOutbox(user_id=user.id, notification_id=item["id"], recipient=address,
                              subject=(SUBJECT_PREFIX + _text(item, 0))[:300], body=body,
                              state="pending", attempts=0, next_try_at=now, created_at=now))


# -- sending, after commit -----------------------------------------------------------------

def _connect(url: str) -> smtplib.SMTP:
    parts = urlsplit(url)
    cls = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    server = cls(parts.hostname or "127.0.0.1", parts.port or (465 if parts.scheme == "smtps" else 25), timeout=10)
    if parts.scheme == "smtp+starttls":
        server.starttls()
    if parts.username:
        server.login(unquote(parts.username), unquote(parts.password or ""))
    return server


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** attempts, 240))


def _claim(limit: int) -> list[int]:
    """Due rows, leased to this sender in one short transaction."""
    now = clock().now()
    query = (select(MailOutbox.id).where(MailOutbox.state == "pending", MailOutbox.next_try_at <= now)
             .order_by(MailOutbox.id).limit(limit))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(update(MailOutbox).where(MailOutbox.id.in_(ids))
                           .values(next_try_at=now + LEASE, attempts=MailOutbox.attempts + 1))
    db.session.commit()
    return ids


def drain(limit: int = BATCH) -> int:
    """Send what is due; returns how many were sent. Never raises for a mail server's fault."""
    url = current_app.config.get("DSF_SMTP_URL")
    if not url:
        return 0
    ids = _claim(limit)
    if not ids:
        return 0
    rows = list(db.session.scalars(select(MailOutbox).where(MailOutbox.id.in_(ids)).order_by(MailOutbox.id)))
    db.session.commit()  # nothing is held while we talk to the mail server
    sent, errors = [], {}
    try:
        server = _connect(url)
    except (OSError, smtplib.SMTPException) as exc:
        errors = {row.id: f"{type(exc).__name__}: {exc}" for row in rows}
    else:
        with server:
            for row in rows:
                message = EmailMessage()
                message["From"] = current_app.config.get("DSF_MAIL_FROM", "noreply@datashare.local")
                message["To"], message["Subject"] = row.recipient, row.subject
                message.set_content(row.body)
                try:
                    server.send_message(message)
                    sent.append(row.id)
                except (OSError, smtplib.SMTPException) as exc:
                    errors[row.id] = f"{type(exc).__name__}: {exc}"
    _settle(sent, errors)
    return len(sent)


def _settle(sent: list[int], errors: dict[int, str]) -> None:
    now = clock().now()
    if sent:
        db.session.execute(update(MailOutbox).where(MailOutbox.id.in_(sent))
                           .values(state="sent", sent_at=now, last_error=None))
    for row in db.session.scalars(select(MailOutbox).where(MailOutbox.id.in_(list(errors)))):
        row.last_error = errors[row.id][:2000]
        row.next_try_at = now + backoff(row.attempts)
        if row.attempts >= MAX_ATTEMPTS:
            row.state = "failed"
        log.warning("mail %s to %s not sent (attempt %s): %s", row.id, row.recipient, row.attempts, row.last_error)
    db.session.commit()


_running = threading.Lock()
_again = threading.Event()


def kick() -> None:
    """After a commit that queued mail: drain in the background, never in the request."""
    app = current_app._get_current_object()
    threading.Thread(target=_drain_in_background, args=(app,), daemon=True, name="dsf-mail").start()


def _drain_in_background(app: Flask) -> None:
    _again.set()
    while _again.is_set():
        if not _running.acquire(blocking=False):
            return  # the running sender sees _again and goes round once more
        try:
            _again.clear()
            with app.app_context():
                try:
                    drain()
                except Exception:  # a bug here must not kill the process; the tick retries
                    log.exception("mail drain failed")
                finally:
                    db.session.remove()
        finally:
            _running.release()
