"""Audit endpoints (auditor, admin): verify the chain, replay a case, export events."""
from flask import Response, stream_with_context
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app import auth
from app.audit import export
from app.audit import verify as chain
from app.cases import access
from app.errors import invalid
from app.services import timezone

blp = Blueprint("audit", __name__, description="审计 Audit")
AUDITORS = ("auditor", "admin")


class VerifyOut(Schema):
    ok = fields.Boolean()
    events = fields.Integer()
    first_bad_seq = fields.Integer(allow_none=True)
    problem = fields.String(allow_none=True)


@blp.get("/audit/verify")
@auth.require(*AUDITORS)
@blp.response(200, VerifyOut)
def verify():
    """Recompute the whole hash chain; names the first event that was changed, deleted or
    inserted (``problem`` says which kind of break was found there)."""
    return chain.verify().to_dict()


class ReplayOut(Schema):
    consistent = fields.Boolean()
    events = fields.Integer()
    divergence = fields.Dict(allow_none=True)
    steps = fields.List(fields.Dict())


@blp.post("/requests/<case_id>/replay")
@auth.require(*AUDITORS)
@blp.response(200, ReplayOut)
def replay(case_id):
    """Re-execute the case's own BPMN version in memory from its recorded events and compare
    with what is stored; ``divergence`` names the first difference (expected vs found).
    Writes nothing."""
    from app.audit.replay import replay as run

    return run(access.case_for_reading(auth.current_user(), case_id))


class ExportArgs(Schema):
    case = fields.String(validate=validate.Length(min=1, max=64))
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))


class ExportOut(Schema):
    events = fields.List(fields.Dict())


@blp.get("/audit/events")
@auth.require(*AUDITORS)
@blp.arguments(ExportArgs, location="query")
@blp.response(200, ExportOut, description="JSON; with format=csv a CSV file (UTF-8 with BOM, header row)")
def export_events(args):
    """Export the events of one case (``case``) and/or a date range (``from``, ``to``, dates
    in the service time zone, inclusive), oldest first, as JSON or CSV; streamed."""
    case_id, first, last = args.get("case"), args.get("from_"), args.get("to")
    if case_id is None and first is None and last is None:
        raise invalid("export_filter_required")
    if first is not None and last is not None and first > last:
        raise invalid("bad_date_range", {"from": first.isoformat(), "to": last.isoformat()})
    if case_id is not None:
        access.case_for_reading(auth.current_user(), case_id)
    tz = timezone()
    items = export.events(export.query(case_id, first, last, tz))
    name = "audit-events-" + (case_id or f"{first or ''}_{last or ''}")
    if args["format"] == "csv":
        body, mimetype, name = export.csv_chunks(items, tz), "text/csv; charset=utf-8", name + ".csv"
    else:
        body, mimetype, name = export.json_chunks(items), "application/json", name + ".json"
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
