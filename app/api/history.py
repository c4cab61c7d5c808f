"""A case's history (auditors, admins, and the people on the case)."""
from flask_smorest import Blueprint
from sqlalchemy import select

from app import auth
from app.api.schemas import HistoryOut
from app.audit import log
from app.cases import access
from app.extensions import db
from app.models import AuditEvent

blp = Blueprint("history", __name__, description="历史与审计 History and audit")


@blp.get("/requests/<case_id>/history")
@auth.require()
@blp.response(200, HistoryOut)
def history(case_id):
    """Every event of the case, oldest first, with its place in the hash chain."""
    access.case_for_reading(auth.current_user(), case_id)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id)
                                .order_by(AuditEvent.seq))
    return {"events": [log.to_dict(e) for e in events]}
