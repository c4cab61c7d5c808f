"""Schemas of the governed catalog's endpoints (API.md "Second wave" → Governance)."""
from marshmallow import Schema, fields, validate

from app.api.schemas import Code, ResourceIn, ResourcePatch, Text, page_of
from app.models.catalog import SHARE_TYPES


class AdminResourceIn(ResourceIn):
    reason = Text(load_default=None, allow_none=True)


class AdminResourcePatch(ResourcePatch):
    """The admin's direct edit: ``reason`` is required (checked by the command, so a
    department's PATCH is answered 409 ``use_catalog_change`` whatever its body)."""
    reason = Text(load_default=None, allow_none=True)


class CatalogChangeIn(Schema):
    resource = Code(load_default=None, allow_none=True)
    change = fields.Dict(required=True)
    reason = Text(required=True)


class EmergencyIn(Schema):
    share_type = fields.String(required=True, validate=validate.OneOf(SHARE_TYPES))
    until = fields.Date(required=True)
    reason = Text(required=True)


class VersionOut(Schema):
    version = fields.Integer()
    at = fields.String()
    by = fields.String()
    case_id = fields.String(allow_none=True)
    fields_ = fields.Dict(data_key="fields", attribute="fields")


class OpenListItem(Schema):
    code = fields.String()
    name = fields.String()
    provider = fields.String()
    open_type = fields.String()
    update_cycle = fields.String(allow_none=True)


VersionList = page_of(VersionOut, "ResourceVersionList")
OpenList = page_of(OpenListItem, "OpenList")
