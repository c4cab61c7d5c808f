"""Operations endpoints (API.md "Operations"): timer jobs that failed after their retries."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app import auth
from app.api.common import page
from app.api.schemas import PageArgs, page_of
from app.models import TimerJob
from app.timers import incidents

blp = Blueprint("incidents", __name__, description="运维 Operations")


class IncidentOut(Schema):
    id = fields.String()
    kind = fields.String(metadata={"enum": ["timer"]})
    request_id = fields.String()
    element = fields.String(metadata={"description": "BPMN element id of the timer"})
    state = fields.String()
    due_at = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)


IncidentList = page_of(IncidentOut, "IncidentList")


def _out(job: TimerJob) -> dict:
    return {"id": job.id, "kind": "timer", "request_id": job.case_id, "element": job.element,
            "state": job.state, "due_at": job.due_at.isoformat(), "attempts": job.attempts,
            "last_error": job.last_error}


@blp.get("/incidents")
@auth.require("admin")
@blp.arguments(PageArgs, location="query")
@blp.response(200, IncidentList)
def list_incidents(args):
    """Timer jobs that failed after their retries."""
    return page(incidents.open_incidents(), args, _out)


@blp.post("/incidents/<job_id>/retry")
@auth.require("admin")
@blp.response(200, IncidentOut)
def retry_incident(job_id):
    """Put the job back to waiting with its attempts reset; it fires at the next tick."""
    return _out(incidents.retry(job_id, auth.current_user().username))
