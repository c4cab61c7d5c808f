"""The API's request side of identity: who the bearer token names, and role checks.
Logins, passwords and tokens themselves live in the identity room (app/identity/)."""
from __future__ import annotations

import functools

from flask import request

from app.errors import AppError, forbidden
from app.identity import tokens
from app.models import User


def current_token() -> str | None:
    """The bearer token of this request, if any."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_user() -> User:
    """The caller, from the bearer token; 401 when missing, unknown, expired or disabled."""
    user = request.environ.get("dsf.user")  # per request (g can outlive one in tests)
    if user is None:
        token = current_token()
        user = tokens.user_for(token, "api") if token else None
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
