"""Creating departments and users (shared by the API, the CLI and the demo data)."""
from __future__ import annotations

from sqlalchemy import select

from app.auth import hash_password
from app.errors import conflict, invalid
from app.extensions import db
from app.models import Department, User
from app.models.identity import ROLES
from app.services import clock

DEPARTMENT_ROLES = ("applicant", "approver", "authority")


def create_department(code: str, name: str, kind: str, region: str) -> Department:
    if db.session.scalar(select(Department.id).where(Department.code == code)) is not None:
        raise conflict("code_taken", {"code": code})
    dept = Department(code=code, name=name, kind=kind, region=region)
    db.session.add(dept)
    db.session.flush()
    return dept


def create_user(username: str, password: str, display_name: str, department_code: str | None,
                roles: list[str]) -> User:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise invalid("unknown_role", {"roles": unknown}, role=", ".join(unknown))
    dept = None
    if department_code:
        dept = db.session.scalar(select(Department).where(Department.code == department_code))
        if dept is None:
            raise invalid("unknown_department", {"department": department_code}, value=department_code)
    elif any(r in DEPARTMENT_ROLES for r in roles):
        raise invalid("department_required", {"roles": roles})
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise conflict("username_taken", {"username": username})
    user = User(username=username, password_hash=hash_password(password), display_name=display_name,
                department_id=dept.id if dept else None, roles=list(dict.fromkeys(roles)),
                created_at=clock().now())
    db.session.add(user)
    db.session.flush()
    return user


def bootstrap_admin(password: str | None) -> bool:
    """Create user ``admin`` with ``password`` if there is none (DSF_ADMIN_PASSWORD)."""
    if not password or db.session.scalar(select(User.id).where(User.username == "admin")) is not None:
        return False
    create_user("admin", password, "平台管理员", None, ["admin"])
    db.session.commit()
    return True
