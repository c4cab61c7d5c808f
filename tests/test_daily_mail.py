"""Notifications by e-mail, against a real SMTP server (aiosmtpd) started by the test: queued in
the command's transaction, sent after the commit, retried while the server is away."""
import email
import email.policy
import socket
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, text

from app import mail
from app.extensions import db
from app.models import MailOutbox, User
from tests.support import at


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def smtp(app, monkeypatch):
    """A real SMTP server on a free port, and the app configured to mail through it."""
    port = _free_port()
    monkeypatch.setitem(app.config, "DSF_SMTP_URL", f"smtp://127.0.0.1:{port}")
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    yield controller, inbox
    try:
        controller.stop()
    except AssertionError:
        pass  # already stopped by the test


def _queue(user: str, now) -> int:
    row = MailOutbox(user_id=db.session.scalar(select(User.id).where(User.username == user)),
                     notification_id="decision:1", recipient=f"{user}@example.org", subject="[平台] 您的申请已办结",
                     body="您的申请已办结:同意", state="pending", attempts=0, next_try_at=now, created_at=now)
    db.session.add(row)
    db.session.commit()
    return row.id


def _states() -> list[str]:
    states = list(db.session.scalars(select(MailOutbox.state)))
    db.session.commit()
    return states


def _reminders(inbox) -> int:
    return sum("到期" in message["Subject"] for _, message in map(_parsed, inbox.messages))


def _parsed(received: tuple) -> tuple:
    """(recipients, the message with its headers and body decoded)."""
    to, content = received
    return to, email.message_from_string(content, policy=email.policy.default)


def _row(row_id) -> MailOutbox:
    row = db.session.get(MailOutbox, row_id, populate_existing=True)
    db.session.commit()
    return row


def test_the_outbox_is_sent_after_commit_and_retried_while_the_server_is_away(api, smtp):
    controller, inbox = smtp
    api.set_clock(at(2026, 3, 2, 10))
    row_id = _queue("zrzy_sun", at(2026, 3, 2, 10))
    assert mail.drain() == 0  # the server is not listening yet
    failed = _row(row_id)
    assert (failed.state, failed.attempts) == ("pending", 1) and "Connection" in failed.last_error
    assert failed.next_try_at == at(2026, 3, 2, 10) + mail.backoff(1)
    controller.start()
    assert mail.drain() == 0 and inbox.messages == []  # not due again yet
    api.set_clock(at(2026, 3, 2, 10) + timedelta(minutes=3))
    assert mail.drain() == 1
    sent = _row(row_id)
    assert (sent.state, sent.attempts, sent.last_error) == ("sent", 2, None)
    [(to, content)] = inbox.messages
    assert to == ["zrzy_sun@example.org"] and "Subject: =?utf-8?" in content
    assert mail.drain() == 0 and len(inbox.messages) == 1  # sent once


def test_a_row_that_keeps_failing_is_given_up(api, smtp):
    api.set_clock(at(2026, 3, 2, 10))
    row_id = _queue("zrzy_sun", at(2026, 3, 2, 10))
    for attempt in range(1, mail.MAX_ATTEMPTS + 1):
        api.set_clock(at(2026, 3, 2, 10) + timedelta(days=attempt))
        mail.drain()
    assert _row(row_id).state == "failed" and _row(row_id).attempts == mail.MAX_ATTEMPTS


@pytest.mark.skipif(not hasattr(User, "email"), reason="users.email arrives with the identity branch")
def test_a_decision_is_mailed_to_the_applicant_after_the_command_commits(api, smtp):
    controller, inbox = smtp
    controller.start()
    db.session.execute(text("UPDATE users SET email = :e WHERE username = 'zrzy_sun'"), {"e": "sun@example.org"})
    db.session.commit()
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    bad = api.post(f"/tasks/{task['id']}/complete", "ga_wang", json={"decision": "refuse"})
    assert bad.status_code == 422  # rolled back: nothing queued
    assert db.session.scalar(select(MailOutbox.id)) is None
    api.ok("POST", f"/tasks/{task['id']}/complete", "ga_wang", json={"decision": "approve"})
    deadline = time.time() + 10  # the background sender marks the row sent after the server took it
    while not (inbox.messages and _states() == ["sent"]) and time.time() < deadline:
        time.sleep(0.05)
    [(to, content)] = inbox.messages
    assert to == ["sun@example.org"]
    assert _states() == ["sent"]


def test_a_deadline_one_working_day_away_is_mailed_once_to_who_holds_the_task(api, smtp):
    """Filed on Thursday 2026-09-17, the provider's 10 working days count the make-up Sunday
    09-20 and skip 中秋 (09-25..27) and 国庆 (10-01..07): due 10-08. On 09-30 the next working
    day is 10-08, so the reminder goes then, across the holiday, and only once."""
    controller, inbox = smtp
    controller.start()
    db.session.execute(text("UPDATE users SET email = username || '@example.org'"))
    db.session.commit()
    from app import reminders

    api.set_clock(at(2026, 9, 17, 9))
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    assert task["due_date"] == "2026-10-08"
    approvers = {u.username for u in db.session.scalars(select(User)) if u.department
                 and u.department.code == task["department"] and u.has_role("approver")}
    db.session.commit()
    assert approvers
    api.set_clock(at(2026, 9, 29, 9))
    assert reminders.queue_due_soon() == 0
    api.set_clock(at(2026, 9, 30, 9))
    assert reminders.queue_due_soon() == len(approvers)
    assert reminders.queue_due_soon() == 0  # never twice
    queued = db.session.scalars(select(MailOutbox).where(MailOutbox.notification_id.startswith("deadline_near:"))).all()
    assert sorted(row.recipient for row in queued) == sorted(f"{u}@example.org" for u in approvers)
    db.session.commit()
    mail.drain()  # (the filing's own mail may still be with the background sender)
    deadline = time.time() + 10
    while _reminders(inbox) != len(approvers) and time.time() < deadline:
        time.sleep(0.05)
    reminded = [(to, message) for [to], message in map(_parsed, inbox.messages) if "到期" in message["Subject"]]
    assert sorted(to for to, _ in reminded) == sorted(f"{u}@example.org" for u in approvers)
    assert all("2026-10-08" in message.get_content() for _, message in reminded)
    api.set_clock(at(2026, 10, 8, 9))
    assert reminders.queue_due_soon() == 0  # still the same reminder on the due day
