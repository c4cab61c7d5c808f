"""Marshmallow schemas: request bodies are validated with them, responses documented by them."""
from marshmallow import Schema, fields, validate

from app.models.case import KINDS
from app.models.catalog import OPEN_TYPES, SHARE_TYPES
from app.models.identity import DEPARTMENT_KINDS, ROLES


def Text(max: int = 4000, **kw) -> fields.String:  # noqa: N802 - reads like a field class
    """Free text a person typed: not empty, bounded."""
    return fields.String(validate=validate.Length(min=1, max=max), **kw)


def Code(**kw) -> fields.String:  # noqa: N802
    """An identifier (department, resource, user): ASCII letters, digits, ``_.-``."""
    return fields.String(validate=validate.Regexp(r"^[A-Za-z0-9_.\-]{1,64}$"), **kw)


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """The ``{"items": [...], "total": n}`` envelope of every list (API.md "Lists")."""
    return Schema.from_dict({"items": fields.List(fields.Nested(item)), "total": fields.Integer()}, name=name)


MAX_INT = 2 ** 31 - 1  # every integer a caller sends fits a 32-bit column (no 5xx from overflow)
MAX_PAGE = 1_000_000


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class ErrorBody(Schema):
    code = fields.String()
    message = fields.String()
    details = fields.Dict()


class Error(Schema):
    error = fields.Nested(ErrorBody)


# -- identity ---------------------------------------------------------------
class Login(Schema):
    username = Text(required=True, max=64)
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))


def Password(**kw) -> fields.String:  # noqa: N802
    """A new password: bounded here; its strength is the identity room's rule (422 weak_password)."""
    return fields.String(validate=validate.Length(min=1, max=256), **kw)


def Email(**kw) -> fields.Email:  # noqa: N802
    return fields.Email(validate=validate.Length(max=254), **kw)


class Register(Schema):
    username = Code(required=True)
    password = Password(required=True)
    display_name = Text(required=True, max=200)
    email = Email(load_default=None, allow_none=True)


class DepartmentIn(Schema):
    code = Code(required=True)
    name = Text(required=True, max=200)
    kind = fields.String(required=True, validate=validate.OneOf(DEPARTMENT_KINDS))
    region = Text(required=True, max=64)


class DepartmentOut(DepartmentIn):
    pass


class UserIn(Schema):
    username = Code(required=True)
    password = Password(required=True)
    display_name = Text(required=True, max=200)
    department = Code(load_default=None, allow_none=True)
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True,
                        validate=validate.Length(min=1))
    email = Email(load_default=None, allow_none=True)


class UserOut(Schema):
    username = fields.String()
    display_name = fields.String()
    department = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    email = fields.String(allow_none=True)
    disabled = fields.Boolean()


DepartmentList = page_of(DepartmentOut, "DepartmentList")
UserList = page_of(UserOut, "UserList")


class LoginOut(Schema):
    token = fields.String()
    user = fields.Nested(UserOut)


# -- catalog ----------------------------------------------------------------
class ResourceIn(Schema):
    code = Code(required=True)
    name = Text(required=True, max=200)
    provider = Code(required=True)
    share_type = fields.String(required=True, validate=validate.OneOf(SHARE_TYPES))
    share_conditions = Text(load_default=None, allow_none=True)
    legal_basis = Text(load_default=None, allow_none=True)
    open_type = fields.String(load_default="closed", validate=validate.OneOf(OPEN_TYPES))
    security_level = Text(load_default=None, allow_none=True, max=32)
    update_cycle = Text(load_default=None, allow_none=True, max=32)
    on_platform = fields.Boolean(load_default=True)


class ResourcePatch(Schema):
    name = Text(max=200)
    share_type = fields.String(validate=validate.OneOf(SHARE_TYPES))
    share_conditions = Text(allow_none=True)
    legal_basis = Text(allow_none=True)
    open_type = fields.String(validate=validate.OneOf(OPEN_TYPES))
    security_level = Text(allow_none=True, max=32)
    update_cycle = Text(allow_none=True, max=32)
    on_platform = fields.Boolean()


class EmergencyOut(Schema):
    share_type = fields.String()
    until = fields.String()
    reason = fields.String()


class ResourceOut(ResourceIn):
    emergency = fields.Nested(EmergencyOut, allow_none=True)
    effective_share_type = fields.String()


ResourceList = page_of(ResourceOut, "ResourceList")


# -- requests ---------------------------------------------------------------
class GreenChannel(Schema):
    reason = Text(required=True)


class ShareRequestIn(Schema):
    resource = Code(required=True)
    purpose = Text(required=True)
    legal_basis = Text(load_default=None, allow_none=True)
    green_channel = fields.Nested(GreenChannel, load_default=None, allow_none=True)


class OpenDataRequestIn(Schema):
    resource = Code(required=True)
    purpose = Text(required=True)
    description = Text(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(("online", "in_person", "post")))


class SupplementIn(Schema):
    description = Text(required=True)
    good_reason = Text(metadata={"description": "正当理由: required when the supplement period has passed (Art. 30)"})


class PurchaseRequestIn(Schema):
    title = Text(required=True, max=200)
    supplier = Text(required=True, max=200)
    description = Text(required=True)
    purpose = Text(required=True)
    budget_yuan = fields.Decimal(required=True, places=2, as_string=True,
                                 validate=validate.Range(min=0, max=10 ** 12),
                                 metadata={"minimum": 0, "maximum": 10 ** 12})  # numbers, not text


class RequestFilter(PageArgs):
    kind = fields.String(validate=validate.OneOf(KINDS))
    status = fields.String(validate=validate.OneOf(
        ("pending", "granted", "refused", "abandoned", "withdrawn", "completed")))


class OpenTask(Schema):
    id = fields.String()
    task_key = fields.String()
    name = fields.String()
    department = fields.String(allow_none=True)
    due_date = fields.String(allow_none=True)


class SlaSegment(Schema):
    state = fields.String(metadata={"enum": ["running", "paused"]})
    from_ = fields.String(data_key="from", attribute="from", metadata={"description": "day the segment began (not counted)"})
    to = fields.String(allow_none=True, metadata={"description": "last day of the segment; null while open"})
    reason = fields.String(allow_none=True, metadata={"description": "why the clock paused"})


class SlaRun(Schema):
    """An earlier run of a clock that was restarted from zero."""

    started_on = fields.String()
    restarted_on = fields.String()
    due_date = fields.String()
    state = fields.String()
    breached = fields.Boolean()
    segments = fields.List(fields.Nested(SlaSegment))


class SlaOut(Schema):
    """An SLA clock (field meanings: app/sla/clock.py). While paused, ``due_date`` is the
    earliest it can be (if resumed that day) and moves out on resume."""

    key = fields.String()
    name = fields.String()
    legal_basis = fields.String()
    working_days = fields.Integer()
    started_on = fields.String()
    due_date = fields.String()
    state = fields.String(metadata={"enum": ["running", "paused", "met", "breached"]})
    provisional = fields.Boolean()
    breached = fields.Boolean()
    stopped_on = fields.String(allow_none=True)
    remaining_working_days = fields.Integer()
    segments = fields.List(fields.Nested(SlaSegment))
    restarts = fields.List(fields.Nested(SlaRun))


class ProcessRef(Schema):
    key = fields.String()
    version = fields.Integer()
    instance_id = fields.String()


class RequestOut(Schema):
    id = fields.String()
    kind = fields.String()
    status = fields.String()
    outcome = fields.Dict(allow_none=True)
    resource = fields.String(allow_none=True)
    applicant = fields.String()
    department = fields.String(allow_none=True)
    purpose = fields.String(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()
    process = fields.Nested(ProcessRef)
    open_tasks = fields.List(fields.Nested(OpenTask))
    sla = fields.List(fields.Nested(SlaOut))
    linked = fields.List(fields.Dict(), metadata={
        "description": "linked cases: a refused share request's coordination, a coordination's request "
                       "({id, kind, status})"})


RequestList = Schema.from_dict({
    "items": fields.List(fields.Nested(RequestOut)),
    "total": fields.Integer(metadata={"description": "exact up to 1,000; see total_exact"}),
    "total_exact": fields.Boolean(metadata={"description": "false: more than total (1,000) match; filter"}),
}, name="RequestList")


# -- tasks ------------------------------------------------------------------
class TaskFilter(PageArgs):
    assigned = fields.String(validate=validate.OneOf(("me", "unassigned")))
    overdue = fields.Boolean()
    kind = fields.String(validate=validate.OneOf(KINDS))
    request = fields.String(validate=validate.Length(max=64))


class TaskOut(Schema):
    id = fields.String()
    task_key = fields.String()
    name = fields.String()
    request_id = fields.String()
    kind = fields.String()
    state = fields.String()
    department = fields.String(allow_none=True)
    role = fields.String()
    assignee = fields.String(allow_none=True)
    created_at = fields.String()
    due_date = fields.String(allow_none=True)
    overdue = fields.Boolean()
    form = fields.Dict()


TaskList = page_of(TaskOut, "TaskList")


# -- process definitions ----------------------------------------------------
class DefinitionOut(Schema):
    key = fields.String()
    version = fields.Integer()
    name = fields.String(allow_none=True)
    deployed_at = fields.String()
    deployed_by = fields.String()


DefinitionList = page_of(DefinitionOut, "DefinitionList")


class DefinitionArgs(Schema):
    all = fields.Boolean(load_default=False)


class VersionArgs(Schema):
    version = fields.Integer(validate=validate.Range(min=1, max=MAX_INT))


# -- history ----------------------------------------------------------------
class EventOut(Schema):
    seq = fields.Integer()
    at = fields.String()
    actor = fields.String()
    type = fields.String()
    element = fields.String(allow_none=True)
    data = fields.Dict()
    hash = fields.String()
    prev_hash = fields.String()


class HistoryOut(Schema):
    events = fields.List(fields.Nested(EventOut))


# -- testing clock ----------------------------------------------------------
class ClockIn(Schema):
    now = fields.AwareDateTime(required=True)


class ClockOut(Schema):
    now = fields.String()


class FiredOut(Schema):
    fired = fields.Integer()
