"""Read queries of the identity room, shared by the API and the pages."""
from __future__ import annotations

from sqlalchemy import Select, select

from app.errors import not_found
from app.extensions import db
from app.models import Department, User


def departments_query() -> Select:
    return select(Department).order_by(Department.code)


def users_query() -> Select:
    return select(User).order_by(User.username)


def departments() -> list[Department]:
    return db.session.scalars(departments_query()).all()


def users() -> list[User]:
    return db.session.scalars(users_query()).all()


def get_department(code: str, lock: bool = False) -> Department:
    query = select(Department).where(Department.code == code)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    dept = db.session.scalar(query)
    if dept is None:
        raise not_found(department=code)
    return dept


def get_user(username: str, lock: bool = False) -> User:
    query = select(User).where(User.username == username)
    if lock:
        query = query.with_for_update(of=User).execution_options(populate_existing=True)
    user = db.session.scalar(query)
    if user is None:
        raise not_found(user=username)
    return user
