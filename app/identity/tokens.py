"""Logins as tokens: random, stored only as a SHA-256 digest, expiring after
DSF_TOKEN_HOURS on the service clock. An API bearer token and a page session are both a row
(``kind`` "api" or "web"), so logout, a password change and disabling a user end either at once."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, select

from app.extensions import db
from app.models import ApiToken, User
from app.services import clock

KINDS = ("api", "web")
# built once: every request runs it (a statement built per call costs more than its round trip)
_TOKEN = select(ApiToken).where(ApiToken.token_hash == bindparam("digest"), ApiToken.kind == bindparam("kind"))


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(uow, user: User, kind: str = "api") -> str:
    """A new random token for ``user``; only its digest is stored."""
    token = secrets.token_urlsafe(32)
    hours = current_app.config["DSF_TOKEN_HOURS"]
    db.session.add(ApiToken(token_hash=digest(token), user_id=user.id, kind=kind, created_at=uow.now,
                            expires_at=uow.now + timedelta(hours=hours)))
    return token


def user_for(token: str, kind: str = "api") -> User | None:
    """The active user a live token of ``kind`` names; None when unknown, expired, of the
    other kind, or the user is disabled."""
    if not token:
        return None
    row = db.session.scalar(_TOKEN, {"digest": digest(token), "kind": kind})
    if row is None or row.expires_at <= clock().now() or row.user.disabled:
        return None
    return row.user


def revoke(token: str) -> int:
    """Delete one token (logout); the number of rows deleted."""
    return db.session.execute(delete(ApiToken).where(ApiToken.token_hash == digest(token))).rowcount


def revoke_all(user: User, keep: str | None = None) -> int:
    """Delete every token of ``user`` but ``keep`` (the caller's own, on a password change)."""
    query = delete(ApiToken).where(ApiToken.user_id == user.id)
    if keep:
        query = query.where(ApiToken.token_hash != digest(keep))
    return db.session.execute(query).rowcount
