"""Request bodies of the identity commands added in the second wave (edits, passwords)."""
from marshmallow import Schema, fields, validate

from app.api.schemas import Code, Email, Password, Text
from app.models.identity import DEPARTMENT_KINDS, ROLES


class DepartmentPatch(Schema):
    name = Text(max=200)
    region = Text(max=64)
    kind = fields.String(validate=validate.OneOf(DEPARTMENT_KINDS))


class UserPatch(Schema):
    display_name = Text(max=200)
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), validate=validate.Length(min=1))
    department = Code(allow_none=True)
    disabled = fields.Boolean()
    email = Email(allow_none=True)


class PasswordChange(Schema):
    password = Password(required=True)
    old_password = fields.String(validate=validate.Length(max=256))
