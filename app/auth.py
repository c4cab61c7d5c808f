"""Passwords (argon2), bearer tokens (random, stored hashed, expiring) and role checks."""
from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, request
from sqlalchemy import delete, func, select

from app.errors import AppError, forbidden
from app.extensions import db
from app.models import ApiToken, LoginFailure, User
from app.services import clock


def _hasher() -> PasswordHasher:
    """Argon2id with the configured cost (defaults are argon2-cffi's; tests lower them)."""
    hasher = current_app.extensions.get("dsf_hasher")
    if hasher is None:
        cost = current_app.config.get("DSF_ARGON2", {})
        hasher = current_app.extensions["dsf_hasher"] = PasswordHasher(**cost)
        # Verified against when the user does not exist, so both cases take the same time.
        current_app.extensions["dsf_dummy_hash"] = hasher.hash("not-a-real-password")
    return hasher


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(user: User | None, password: str) -> bool:
    hasher = _hasher()
    stored = user.password_hash if user else current_app.extensions["dsf_dummy_hash"]
    try:
        return hasher.verify(stored, password) and user is not None
    except (VerificationError, InvalidHashError):
        return False


MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


def authenticate(username: str, password: str) -> User:
    """The user whose password this is. After MAX_FAILURES failed tries for a username
    within FAILURE_WINDOW, further tries are refused (429) until the window has passed, so a
    password cannot be guessed online; a success clears the count."""
    now = clock().now()
    name = username[:64]
    recent = db.session.scalar(select(func.count()).select_from(LoginFailure).where(
        LoginFailure.username == name, LoginFailure.at > now - FAILURE_WINDOW))
    if recent >= MAX_FAILURES:
        raise AppError("too_many_attempts", 429, minutes=int(FAILURE_WINDOW.total_seconds() // 60))
    user = db.session.scalar(select(User).where(User.username == name))
    if not check_password(user, password):
        db.session.add(LoginFailure(username=name, at=now))
        db.session.commit()
        raise AppError("bad_credentials", 401)
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == name))
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user: User) -> str:
    """A new random token; only its digest is stored."""
    token = secrets.token_urlsafe(32)
    now = clock().now()
    hours = current_app.config["DSF_TOKEN_HOURS"]
    db.session.add(ApiToken(token_hash=_digest(token), user_id=user.id, created_at=now,
                            expires_at=now + timedelta(hours=hours)))
    return token


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.expires_at <= clock().now():
        return None
    return row.user


def current_user() -> User:
    """The caller, from the bearer token; 401 when missing, unknown or expired."""
    user = request.environ.get("dsf.user")  # per request (g can outlive one in tests)
    if user is None:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        user = user_for_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
        if user is None:
            raise AppError("unauthorized", 401)
        request.environ["dsf.user"] = user
    return user


def require(*roles: str):
    """View decorator: the caller must be logged in and hold one of ``roles`` (any if none)."""

    def wrap(view):
        @functools.wraps(view)
        def inner(*args, **kwargs):
            user = current_user()
            if roles and not user.has_role(*roles):
                raise forbidden(required_roles=list(roles))
            return view(*args, **kwargs)

        return inner

    return wrap
