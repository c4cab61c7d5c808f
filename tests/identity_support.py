"""Helpers for the identity tests: the audit events a step appended, checked for secrets."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, User

SECRETS = ("password", "hash", "token", "$argon2")


def last_seq() -> int:
    seq = db.session.scalar(select(func.max(AuditEvent.seq))) or 0
    db.session.remove()
    return seq


def events_since(seq: int) -> list[AuditEvent]:
    """Events appended after ``seq``, checked to hold no password, hash or token."""
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq)).all()
    db.session.remove()
    for row in rows:
        text = json.dumps(row.data, ensure_ascii=False).lower()
        assert not any(word in text for word in SECRETS), (row.type, row.data)
    return rows


def hash_of(username: str) -> str:
    value = db.session.scalar(select(User.password_hash).where(User.username == username))
    db.session.remove()
    return value


def chain_ok(api) -> None:
    assert api.ok("GET", "/audit/verify", "auditor")["ok"] is True
