"""The web login: the signed session cookie carries a page-session token (kind "web", stored
hashed like an API token and expiring after DSF_TOKEN_HOURS on the service clock). Logout, a
password change or disabling the user deletes the token, so the session ends at once.
Separate from the API's bearer tokens: neither works in place of the other."""
from __future__ import annotations

import functools

from flask import abort, redirect, request, session, url_for

from app.cases.uow import UnitOfWork
from app.identity import login as logins, tokens
from app.models import User

_CACHE = "dsf.web_user"


def log_in(username: str, password: str) -> User:
    """The user when the password is right (else AppError: 401, 403 when disabled, or 429
    while this address must wait); the session then names their token (and nothing else)."""
    user, token = logins.log_in(username, password, request.remote_addr, "web")
    session.clear()
    session["token"] = token
    return user


def session_token() -> str | None:
    return session.get("token")


def log_out() -> None:
    user, token = current_user(), session_token()
    if user is not None and token:
        with UnitOfWork(user.username) as uow:
            logins.log_out(uow, user, token, "web")
    session.clear()


def current_user() -> User | None:
    """The logged-in user of this request, or None (ended or expired sessions are dropped)."""
    if _CACHE in request.environ:  # per request (tests reuse one app context, hence ``g``)
        return request.environ[_CACHE]
    token = session_token()
    user = tokens.user_for(token, "web") if token else None
    if user is None and token:
        session.pop("token", None)
    request.environ[_CACHE] = user
    return user


def login_required(*roles: str):
    """View decorator: log in first (back here afterwards); 403 without one of ``roles``."""

    def wrap(view):
        @functools.wraps(view)
        def inner(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
            if roles and not user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return inner

    return wrap
