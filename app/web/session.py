"""The web login: a signed session cookie naming the user, expiring like an API token
(DSF_TOKEN_HOURS, on the service clock). Separate from the API's bearer tokens."""
from __future__ import annotations

import functools
from datetime import datetime, timedelta

from flask import abort, current_app, redirect, request, session, url_for

from app import auth
from app.extensions import db
from app.models import User
from app.services import clock

_CACHE = "dsf.web_user"


def log_in(username: str, password: str) -> User:
    """The user when the password is right (else AppError: 401, or 429 after repeated
    failures); the session then names them (and nothing else)."""
    user = auth.authenticate(username, password)
    session.clear()
    hours = current_app.config["DSF_TOKEN_HOURS"]
    session["uid"] = user.id
    session["until"] = (clock().now() + timedelta(hours=hours)).isoformat()
    return user


def log_out() -> None:
    session.clear()


def current_user() -> User | None:
    """The logged-in user of this request, or None (expired sessions are dropped)."""
    if _CACHE in request.environ:  # per request (tests reuse one app context, hence ``g``)
        return request.environ[_CACHE]
    user = None
    uid, until = session.get("uid"), session.get("until")
    if uid is not None and until and datetime.fromisoformat(until) > clock().now():
        user = db.session.get(User, uid)
    if user is None and uid is not None:
        session.clear()
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
