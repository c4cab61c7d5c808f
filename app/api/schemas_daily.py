"""Schemas of the daily work (API.md "Second wave" → "Daily work")."""
from marshmallow import Schema, fields, validate

from app.api.schemas import Code, TaskFilter, TaskOut, Text, page_of


class InboxFilter(TaskFilter):
    q = fields.String(validate=validate.Length(min=1, max=200))
    resource = Code()
    due_before = fields.Date()
    scope = fields.String(validate=validate.OneOf(("mine", "department")))


class InboxTaskOut(TaskOut):
    resource_name = fields.String(allow_none=True)
    applicant_department_name = fields.String(allow_none=True)
    green_channel = fields.Boolean()
    received_on = fields.String()


InboxList = page_of(InboxTaskOut, "InboxList")


class ReassignIn(Schema):
    to = Code(required=True)
    reason = Text(required=True)


class ReasonIn(Schema):
    reason = Text(required=True)


class AmendIn(Schema):
    purpose = Text()
    legal_basis = Text()
    note = Text(required=True)


class CommentIn(Schema):
    text = Text(required=True)
    internal = fields.Boolean(load_default=False)


class CommentOut(Schema):
    id = fields.String()
    text = fields.String()
    internal = fields.Boolean()
    author = fields.String()
    author_name = fields.String()
    department = fields.String(allow_none=True)
    created_at = fields.String()


CommentList = page_of(CommentOut, "CommentList")


class AttachmentOut(Schema):
    id = fields.String()
    name = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    content_type = fields.String()
    created_at = fields.String()


AttachmentList = page_of(AttachmentOut, "AttachmentList")


class UploadIn(Schema):
    file = fields.Raw(metadata={"type": "string", "format": "binary"})
