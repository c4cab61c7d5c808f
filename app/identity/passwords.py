"""Passwords: argon2id hashes, and the strength rule every new password must pass
(at least MIN_LENGTH characters, not a common password, not the username).

Argon2 is slow on purpose, so it never runs inside a transaction: on SQLite every transaction
begins IMMEDIATE (it holds the write lock), and a slow check there would stall every writer.
``matches`` and ``NewPassword.of`` end the session's transaction first (loaded objects stay
usable); commands receive a ``NewPassword`` already hashed and never hash themselves.
"""
from __future__ import annotations

import functools
import pathlib
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from app.errors import invalid
from app.extensions import db

MIN_LENGTH = 10
_COMMON = pathlib.Path(__file__).with_name("common_passwords.txt")


def _hasher() -> PasswordHasher:
    """Argon2id with the configured cost (defaults are argon2-cffi's; tests lower them)."""
    hasher = current_app.extensions.get("dsf_hasher")
    if hasher is None:
        cost = current_app.config.get("DSF_ARGON2", {})
        hasher = current_app.extensions["dsf_hasher"] = PasswordHasher(**cost)
        # Verified against when the user does not exist, so both cases take the same time.
        current_app.extensions["dsf_dummy_hash"] = hasher.hash("not-a-real-password")
    return hasher


def _outside_transactions() -> None:
    """End the session's transaction before argon2 runs (nothing of it is pending: callers
    call this before their unit of work begins)."""
    db.session.close()


@dataclass(frozen=True)
class NewPassword:
    """A new password that passed the strength rule, as its argon2 hash (never the text)."""

    hash: str

    @classmethod
    def of(cls, password: str, username: str | None = None) -> "NewPassword":
        """422 ``weak_password`` unless ``password`` is strong enough; hashed outside any transaction."""
        require_strong(password, username)
        _outside_transactions()
        return cls(_hasher().hash(password))


def matches(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` is the one hashed in ``stored_hash``; with no hash (no such
    user) a dummy hash is checked, so an unknown username costs the same time. Runs outside
    any transaction."""
    hasher = _hasher()
    _outside_transactions()
    try:
        return hasher.verify(stored_hash or current_app.extensions["dsf_dummy_hash"], password) \
            and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def common_passwords() -> frozenset[str]:
    """The list kept beside this module (one a line, compared case-insensitively)."""
    lines = _COMMON.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def weakness(password: str, username: str | None = None) -> str | None:
    """Why ``password`` is too weak (``too_short``, ``common``, ``same_as_username``), or None."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) == 1:
        return "common"
    if username and lowered == username.lower():
        return "same_as_username"
    return None


def require_strong(password: str, username: str | None = None) -> None:
    """422 ``weak_password`` naming the reason unless ``password`` passes the rule."""
    reason = weakness(password, username)
    if reason:
        raise invalid("weak_password", {"password": reason}, min_length=MIN_LENGTH)
