"""Identity commands: departments, users, roles, passwords. Each runs inside the caller's
unit of work and appends one audited before/after change (``department_changed``,
``user_changed``, ``password_changed``); no password, hash or token is ever recorded."""
from __future__ import annotations

from sqlalchemy import select

from app.audit.changes import record_change, snapshot
from app.errors import AppError, conflict, forbidden, invalid
from app.extensions import db
from app.identity import passwords, tokens
from app.identity.passwords import NewPassword
from app.identity.views import get_department, get_user
from app.models import Department, User
from app.models.identity import ROLES

DEPARTMENT_ROLES = ("applicant", "approver", "authority")
DEPARTMENT_FIELDS = ("code", "name", "kind", "region")
USER_EDITS = ("display_name", "roles", "department", "disabled", "email")


def user_record(user: User) -> dict:
    """What ``user_changed`` records of a user: public fields only."""
    return {"username": user.username, "display_name": user.display_name, "department": user.department_code,
            "roles": list(user.roles), "email": user.email, "disabled": user.disabled}


# -- departments -------------------------------------------------------------------
def create_department(uow, code: str, name: str, kind: str, region: str) -> Department:
    if db.session.scalar(select(Department.id).where(Department.code == code)) is not None:
        raise conflict("code_taken", {"code": code})
    dept = Department(code=code, name=name, kind=kind, region=region)
    db.session.add(dept)
    db.session.flush()
    record_change(uow, "department_changed", code, None, snapshot(dept, DEPARTMENT_FIELDS))
    return dept


def edit_department(uow, code: str, changes: dict) -> Department:
    """Change a department's name, region or kind (its code is its identity)."""
    dept = get_department(code, lock=True)
    before = snapshot(dept, DEPARTMENT_FIELDS)
    for field in ("name", "region", "kind"):
        if field in changes:
            setattr(dept, field, changes[field])
    after = snapshot(dept, DEPARTMENT_FIELDS)
    if after != before:
        record_change(uow, "department_changed", code, before, after)
    return dept


# -- users ---------------------------------------------------------------------------
def _check_roles(roles: list[str], dept: Department | None) -> list[str]:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise invalid("unknown_role", {"roles": unknown}, role=", ".join(unknown))
    if dept is None and any(r in DEPARTMENT_ROLES for r in roles):
        raise invalid("department_required", {"roles": roles})
    return list(dict.fromkeys(roles))


def _department_or_none(code: str | None) -> Department | None:
    if not code:
        return None
    dept = db.session.scalar(select(Department).where(Department.code == code))
    if dept is None:
        raise invalid("unknown_department", {"department": code}, value=code)
    return dept


def create_user(uow, username: str, password: NewPassword, display_name: str, department_code: str | None,
                roles: list[str], email: str | None = None, via: str | None = None) -> User:
    """A new user; ``via`` says how when it was not an administrator (self_registration, bootstrap).
    ``password`` is ``NewPassword.of(text, username)``, hashed before the unit of work began."""
    dept = _department_or_none(department_code)
    roles = _check_roles(roles, dept)
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise conflict("username_taken", {"username": username})
    user = User(username=username, password_hash=password.hash, display_name=display_name, department=dept,
                roles=roles, email=email, disabled=False, created_at=uow.now)
    db.session.add(user)
    db.session.flush()
    record_change(uow, "user_changed", username, None, user_record(user), **({"via": via} if via else {}))
    return user


def _active_admins() -> list[User]:
    """Active administrators, their rows locked so two edits cannot each remove 'the other'."""
    rows = db.session.scalars(select(User).where(User.disabled.is_(False))
                              .with_for_update(of=User, key_share=True).execution_options(populate_existing=True))
    return [u for u in rows if u.has_role("admin")]


def edit_user(uow, username: str, changes: dict) -> User:
    """Change display name, roles, department, email or the disabled flag. Disabling ends
    every login of the user at once; the last active administrator stays one."""
    user = get_user(username, lock=True)
    before = user_record(user)
    dept = _department_or_none(changes["department"]) if "department" in changes else user.department
    roles = _check_roles(changes.get("roles", user.roles), dept)
    disabled = changes.get("disabled", user.disabled)
    if user.has_role("admin") and not user.disabled and ("admin" not in roles or disabled):
        if [u.username for u in _active_admins()] == [user.username]:
            raise invalid("last_admin", {"username": username})
    user.display_name = changes.get("display_name", user.display_name)
    user.email = changes.get("email", user.email)
    user.department, user.roles, user.disabled = dept, roles, disabled
    after = user_record(user)
    if after == before:
        return user
    extra = {"sessions_ended": tokens.revoke_all(user)} if disabled and not before["disabled"] else {}
    record_change(uow, "user_changed", username, before, after, **extra)
    return user


# -- passwords -----------------------------------------------------------------------
def set_password(uow, username: str, password: NewPassword, by: str, keep_token: str | None = None) -> User:
    """Replace the password; every other login of the user ends (``keep_token`` survives:
    the caller's own, when a user changes their own password)."""
    user = get_user(username, lock=True)
    user.password_hash = password.hash
    ended = tokens.revoke_all(user, keep=keep_token)
    uow.record(None, "password_changed", username, {"by": by, "sessions_ended": ended})
    return user


def authorize_password_change(caller: User, username: str, old_password: str | None) -> str:
    """Who changes the password (``self`` or ``admin``), checked before the write: a user
    changing their own password gives the old one (even an administrator); only an
    administrator resets another's. The argon2 check runs outside any write transaction."""
    if caller.username != username:
        if not caller.has_role("admin"):
            raise forbidden()
        get_user(username)
        return "admin"
    if not old_password or not passwords.matches(caller.password_hash, old_password):
        raise AppError("wrong_old_password", 422, {"old_password": "wrong"})
    return "self"


def bootstrap_admin(password: str | None) -> bool:
    """Create user ``admin`` with ``password`` if there is none (DSF_ADMIN_PASSWORD),
    audited as a change by ``system``."""
    from app.cases.uow import UnitOfWork

    if not password or db.session.scalar(select(User.id).where(User.username == "admin")) is not None:
        return False
    new_password = NewPassword.of(password, "admin")
    with UnitOfWork("system") as uow:
        create_user(uow, "admin", new_password, "平台管理员", None, ["admin"], via="bootstrap")
    return True
