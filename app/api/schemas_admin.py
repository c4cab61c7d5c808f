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


class DefinitionNoted(DefinitionOut):
    note = fields.String(allow_none=True, metadata={"description": "the change note given at deployment"})


class DeployArgs(Schema):
    note = Text(max=2000, load_default=None, metadata={"description": "what changed and why (change note)"})


class DefinitionRunning(DefinitionNoted):
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


class DiffArgs(Schema):
    from_ = fields.Integer(data_key="from", attribute="from", validate=validate.Range(min=1))
    to = fields.Integer(validate=validate.Range(min=1))


class DiffElement(Schema):
    element = fields.String()
    type = fields.String()
    name = fields.String(allow_none=True)


class DiffChanged(DiffElement):
    changes = fields.Dict(metadata={"description": "field -> {from, to}: name, lane, type, script, condition, "
                                                   "timer, clock, source, target, attached_to, durations"})


class DiffOut(Schema):
    key = fields.String()
    from_version = fields.Integer()
    to_version = fields.Integer()
    added = fields.List(fields.Nested(DiffElement))
    removed = fields.List(fields.Nested(DiffElement))
    changed = fields.List(fields.Nested(DiffChanged))
