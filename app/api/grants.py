"""Grants (授权, Art. 21-22): what each using department may use, on what terms; revoke."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app import auth
from app.api.common import page
from app.api.schemas import Code, PageArgs, Text, page_of
from app.grants import revoke as commands, views
from app.models.grant import STATES
from app.services import clock

blp = Blueprint("grants", __name__, description="授权 Grants")


class GrantFilter(PageArgs):
    department = Code(metadata={"description": "the using department's code"})
    resource = Code()
    state = fields.String(validate=validate.OneOf(STATES))


class GrantOut(Schema):
    id = fields.String()
    resource = fields.String()
    department = fields.String(metadata={"description": "the using department"})
    department_name = fields.String()
    provider = fields.String()
    case_id = fields.String()
    purpose = fields.String()
    conditions = fields.String(allow_none=True)
    granted_at = fields.String()
    expires_at = fields.String(allow_none=True)
    state = fields.String(metadata={"description": "active | expired | revoked | suspended (a change notice, Art. 23 ¶2)"})
    revoked_at = fields.String(allow_none=True)
    revoked_reason = fields.String(allow_none=True)


GrantList = page_of(GrantOut, "GrantList")


class RevokeIn(Schema):
    reason = Text(required=True)


@blp.get("/grants")
@auth.require()
@blp.arguments(GrantFilter, location="query")
@blp.response(200, GrantList)
def list_grants(args):
    """The grants the caller may see: their department's as user and as provider; all of them
    for authorities, auditors and admins."""
    now = clock().now()
    query = views.listing(auth.current_user(), now, args.get("department"), args.get("resource"),
                          args.get("state"))
    return page(query, args, lambda g: views.present(g, now))


@blp.post("/grants/<grant_id>/revoke")
@auth.require("approver", "authority")
@blp.arguments(RevokeIn)
@blp.response(200, GrantOut)
def revoke(body, grant_id):
    """The provider's approver, or an authority: the grant ends now, with the reason."""
    grant = commands.revoke(auth.current_user(), grant_id, body["reason"])
    return views.present(grant, clock().now())
