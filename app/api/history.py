"""A case's history: every event for the handling departments, auditors and admins; the
public timeline for the applicant (app/cases/history.py)."""
from flask_smorest import Blueprint

from app import auth
from app.api.schemas import HistoryOut
from app.audit import log
from app.cases import access, history as timelines

blp = Blueprint("history", __name__, description="历史与审计 History and audit")


@blp.get("/requests/<case_id>/history")
@auth.require()
@blp.response(200, HistoryOut)
def history(case_id):
    """Every event of the case, oldest first, with its place in the hash chain — or, for the
    applicant, the public timeline (no internal notes, staff or third parties; no hashes)."""
    user = auth.current_user()
    case = access.case_for_reading(user, case_id)
    events = timelines.events_of(case)
    if timelines.sees_full_history(user, case):
        return {"events": [log.to_dict(e) for e in events]}
    return {"events": [{**item, "at": item["at"].isoformat()} for item in timelines.public_timeline(case, events)]}
