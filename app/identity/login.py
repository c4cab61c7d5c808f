"""Logging in and out, for the API (bearer tokens) and the pages (session tokens) alike.

The argon2 check is slow on purpose, so it runs before any write: read the user, check the
password, and only then run a short unit of work that counts the failure or issues the token
(on SQLite a wrong password must not hold the write lock during argon2). Every outcome is an
audit event: ``user_logged_in``, ``login_failed``, ``user_logged_out``.
"""
from __future__ import annotations

import math

from sqlalchemy import select

from app.cases.uow import UnitOfWork
from app.errors import AppError
from app.extensions import db
from app.identity import passwords, throttle, tokens
from app.models import User
from app.services import clock

ANONYMOUS = "anonymous"  # the actor of a failed login: nobody has been recognised


def log_in(username: str, password: str, address: str | None, via: str = "api") -> tuple[User, str]:
    """The user and a new token of kind ``via`` ("api" or "web") when the password is right.
    401 ``bad_credentials`` otherwise, 403 ``account_disabled`` for a disabled account, 429
    ``too_many_attempts`` while this (username, address) must wait."""
    name, address = username[:64], (address or "unknown")[:64]
    throttle.refuse_if_waiting(name, address, clock().now())
    found = db.session.execute(select(User.id, User.password_hash, User.disabled)
                               .where(User.username == name)).first()
    right = passwords.matches(found.password_hash if found else None, password)
    if right and found.disabled:
        with UnitOfWork(ANONYMOUS) as uow:
            uow.record(None, "login_failed", name, {"address": address, "via": via, "reason": "disabled"})
        raise AppError("account_disabled", 403)
    if not right:
        with UnitOfWork(ANONYMOUS) as uow:
            row = throttle.record_failure(uow, name, address)
            wait = math.ceil((row.retry_at - uow.now).total_seconds()) if row.retry_at else None
            # an unknown name is not recorded: it may be a password typed into the wrong field
            uow.record(None, "login_failed", name if found else None,
                       {"address": address, "via": via, "reason": "bad_credentials" if found else "unknown_user",
                        "failures": row.failures, "retry_after": wait})
        raise AppError("bad_credentials", 401, {"retry_after": wait} if wait else None)
    with UnitOfWork(name) as uow:
        # under the lock: a racing failure may have started a wait since the read above
        throttle.refuse_if_waiting(name, address, uow.now, lock=True)
        throttle.clear(name, address)
        user = db.session.get(User, found.id)
        token = tokens.issue(uow, user, via)
        uow.record(None, "user_logged_in", name, {"address": address, "via": via})
    return user, token


def log_out(uow, user: User, token: str, via: str = "api") -> None:
    """End one login: its token is deleted, so it is refused from now on."""
    tokens.revoke(token)
    uow.record(None, "user_logged_out", user.username, {"via": via})
