"""The resource catalog (公共数据资源目录)."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from app import auth, catalog
from app.api import present
from app.api.common import page
from app.api.schemas import PageArgs, ResourceIn, ResourceList, ResourceOut, ResourcePatch
from app.engine.clock import local_date
from app.extensions import db
from app.models import Resource
from app.models.catalog import SHARE_TYPES
from app.services import clock, timezone

blp = Blueprint("catalog", __name__, description="资源目录 Catalog")


class EmergencyIn(Schema):
    share_type = fields.String(required=True, validate=validate.OneOf(SHARE_TYPES))
    until = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=4000))


@blp.post("/resources")
@auth.require("admin", "approver")
@blp.arguments(ResourceIn)
@blp.response(201, ResourceOut)
def create(body):
    resource = catalog.create(auth.current_user(), body)
    db.session.commit()
    return present.resource(resource)


@blp.get("/resources")
@auth.require()
@blp.arguments(PageArgs, location="query")
@blp.response(200, ResourceList)
def list_resources(args):
    """The catalog; citizens (公众) see only resources open to the public."""
    query = catalog.visible(auth.current_user(), select(Resource))
    return page(query.order_by(Resource.code), args, present.resource)


@blp.get("/resources/<code>")
@auth.require()
@blp.response(200, ResourceOut)
def get(code):
    return present.resource(catalog.get(code, auth.current_user()))


@blp.patch("/resources/<code>")
@auth.require("admin", "approver")
@blp.arguments(ResourcePatch)
@blp.response(200, ResourceOut)
def patch(changes, code):
    resource = catalog.update(auth.current_user(), code, changes)
    db.session.commit()
    return present.resource(resource)


@blp.post("/resources/<code>/emergency")
@auth.require("authority", "admin")
@blp.arguments(EmergencyIn)
@blp.response(200, ResourceOut)
def emergency(body, code):
    today = local_date(clock().now(), timezone())
    resource = catalog.reclassify(auth.current_user(), code, body["share_type"], body["until"],
                                  body["reason"], today)
    db.session.commit()
    return present.resource(resource)
