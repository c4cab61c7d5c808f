"""The resource catalog (公共数据资源目录): reading it, the open list, its versions, and the
governed ways to change it (catalog changes and emergency reclassifications are cases)."""
from flask_smorest import Blueprint

from app import auth, catalog
from app.api import present
from app.api.common import page
from app.api.schemas import PageArgs, RequestOut, ResourceList, ResourceOut
from app.api.schemas_catalog import (AdminResourceIn, AdminResourcePatch, CatalogChangeIn, EmergencyIn,
                                     OpenList, VersionList)
from app.cases import catalog_change, emergency as emergency_case
from app.catalog import commands, views
from app.extensions import db

blp = Blueprint("catalog", __name__, description="资源目录 Catalog")


@blp.post("/resources")
@auth.require("admin", "approver")
@blp.arguments(AdminResourceIn)
@blp.response(201, ResourceOut)
def create(body):
    """The admin registers an entry directly (audited, version 1); departments file a
    catalog change instead (409 ``use_catalog_change``)."""
    reason = body.pop("reason")
    return present.resource(commands.admin_create(auth.current_user(), body, reason))


@blp.get("/resources")
@auth.require()
@blp.arguments(PageArgs, location="query")
@blp.response(200, ResourceList)
def list_resources(args):
    """The catalog; citizens (公众) see only resources open to the public."""
    return page(views.listing(auth.current_user()), args, present.resource)


@blp.get("/resources/<code>")
@auth.require()
@blp.response(200, ResourceOut)
def get(code):
    return present.resource(catalog.get(code, auth.current_user()))


@blp.get("/resources/<code>/versions")
@auth.require()
@blp.response(200, VersionList)
def versions(code):
    """Every published version of the entry, newest first."""
    items = [present.resource_version(v) for v in views.versions(catalog.get(code, auth.current_user()))]
    return {"items": items, "total": len(items)}


@blp.patch("/resources/<code>")
@auth.require("admin", "approver")
@blp.arguments(AdminResourcePatch)
@blp.response(200, ResourceOut)
def patch(changes, code):
    """The admin's direct edit, with a reason (audited, a new version); departments file a
    catalog change instead (409 ``use_catalog_change``)."""
    reason = changes.pop("reason")
    return present.resource(commands.admin_update(auth.current_user(), code, changes, reason))


@blp.post("/catalog-changes")
@auth.require("approver")
@blp.arguments(CatalogChangeIn)
@blp.response(201, RequestOut)
def file_catalog_change(body):
    """目录变更 (Art. 10, 11, 27): reviewed by the provider region's authority, published on approval."""
    case = catalog_change.start(auth.current_user(), body["resource"], body["change"], body["reason"])
    return present.case(case)


@blp.post("/resources/<code>/emergency")
@auth.require("authority", "approver")
@blp.arguments(EmergencyIn)
@blp.response(201, RequestOut)
def emergency(body, code):
    """突发事件临时调整 (Art. 20 ¶3): in force only once the city authority approves it."""
    case = emergency_case.start(auth.current_user(), code, body["share_type"], body["until"], body["reason"])
    return present.case(case)


@blp.get("/open-list")
@blp.response(200, OpenList)
def open_list():
    """Art. 25: the published open list, for anyone (no login)."""
    rows = db.session.scalars(views.open_list()).all()
    items = [{"code": r.code, "name": r.name, "provider": r.provider.name, "open_type": r.open_type,
              "update_cycle": r.update_cycle} for r in rows]
    return {"items": items, "total": len(items)}
