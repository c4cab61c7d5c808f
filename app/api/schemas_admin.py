"""Schemas of the administration room: cancelling a case, running cases, migrations."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.api.schemas import Code, DefinitionOut, RequestFilter, Text, page_of
from app.cases.migration import MAX_CASES
from app.models.case import STATUSES

_ELEMENT = validate.Regexp(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,127}$")


class CancelIn(Schema):
    reason = Text(required=True, max=2000)


class CaseFilter(RequestFilter):
    """``GET /requests``: also by process key and version (the cases running on a version)."""

    status = fields.String(validate=validate.OneOf(STATUSES))
    process = Code()
    version = fields.Integer(validate=validate.Range(min=1))


class DefinitionRunning(DefinitionOut):
    running = fields.Integer(metadata={"description": "open (pending) cases on this version"})


DefinitionRunningList = page_of(DefinitionRunning, "DefinitionRunningList")


class MigrationIn(Schema):
    key = Code(required=True)
    from_version = fields.Integer(required=True, validate=validate.Range(min=1))
    to_version = fields.Integer(required=True, validate=validate.Range(min=1))
    mapping = fields.Dict(keys=fields.String(validate=_ELEMENT), values=fields.String(validate=_ELEMENT),
                          load_default=dict, validate=validate.Length(max=200))
    cases = fields.List(fields.String(validate=validate.Length(min=1, max=64)), load_default=None,
                        allow_none=True, validate=validate.Length(min=1, max=MAX_CASES))
    dry_run = fields.Boolean(load_default=True)

    @validates_schema
    def _other_version(self, data, **_kw):
        if data.get("from_version") == data.get("to_version"):
            raise ValidationError("to_version must differ from from_version", "to_version")


class Problem(Schema):
    code = fields.String()
    element = fields.String(allow_none=True)
    message = fields.String()


class MigrationItem(Schema):
    case = fields.String()
    ok = fields.Boolean()
    waiting = fields.List(fields.String(), metadata={"description": "elements the case waits at (before)"})
    problems = fields.List(fields.Nested(Problem))


class MigrationOut(Schema):
    items = fields.List(fields.Nested(MigrationItem))
    dry_run = fields.Boolean()
