"""Read queries over the catalog, shared by the API and the pages."""
from __future__ import annotations

from sqlalchemy import select

from app.errors import not_found
from app.extensions import db
from app.models import Resource, ResourceVersion, User


def visible(user: User | None, query):
    """Government users see the whole catalog; the public only what is open (Art. 26)."""
    if user is None or user.department_id is not None or user.has_role("admin", "auditor"):
        return query
    return query.where(Resource.open_type != "closed")


def listing(user: User | None):
    """The catalog as ``user`` may list it, by code."""
    return visible(user, select(Resource)).order_by(Resource.code)


def get(code: str, user: User | None = None) -> Resource:
    resource = db.session.scalar(visible(user, select(Resource).where(Resource.code == code)))
    if resource is None:
        raise not_found(resource=code)
    return resource


def versions(resource: Resource) -> list[ResourceVersion]:
    """Every published version of an entry, newest first."""
    return db.session.scalars(select(ResourceVersion).where(ResourceVersion.resource_id == resource.id)
                              .order_by(ResourceVersion.version.desc())).all()


def open_list():
    """Art. 25: the published open list — the entries whose open type is not 不予开放."""
    return select(Resource).where(Resource.open_type != "closed").order_by(Resource.code)
