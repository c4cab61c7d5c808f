"""Who sees which history of a case, and the public timeline (API.md "History by role").

The handling departments (the provider, and any department that had a task on the case
outside the applicant's own lanes), auditors and admins read every event. The applicant (a
department user or a citizen) reads a public timeline: the filing, the receipt, supplement
requests with their items, the notices sent to the applicant, the decision with its text
and reasons, and the grant — no internal notes, no staff usernames (the acting department's
name instead), no third party's identity or opinion.

Public items keep ``seq``, ``at``, ``type``, ``element`` and a filtered ``data``; they carry no
``hash``/``prev_hash``: those commit to the unfiltered event, so a reader who cannot verify
them gains nothing, while a guessed hidden value (a third party's name) could be confirmed
against them.
"""
from __future__ import annotations

from sqlalchemy import select

from app.cases.lanes import APPLICANT_LANES
from app.extensions import db
from app.models import AuditEvent, Case, Department, HumanTask, User

FULL_READERS = ("admin", "auditor")
PLATFORM = "platform"  # the actor shown for staff outside any department (e.g. an admin)

# task completions a public timeline shows, with the form fields it keeps; the open-data
# review only when it answers or asks for a supplement (not a consultation or an extension)
_PUBLIC_FORMS = {"confirm_receipt": ("received_on",)}
_REVIEW_ACTIONS = {"reply": ("action", "reply_type", "content", "reason", "agency"),
                   "request_supplement": ("action", "items", "supplement_days")}
# other events shown, with the data keys they keep (None: all of it)
_PUBLIC_EVENTS = {"case_decided": None, "applicant_notified": None, "case_withdrawn": None,
                  "grant_created": ("grant", "resource", "department", "conditions", "expires_at"),
                  "grant_revoked": ("grant", "resource", "department", "reason"),
                  "case_cancelled": ("reason",)}


def sees_full_history(user: User, case: Case) -> bool:
    if user.has_role(*FULL_READERS):
        return True
    if user.department_id is None:
        return False
    if case.provider_department_id == user.department_id:
        return True
    lanes = {key: info.get("lane") for key, info in (case.definition.elements or {}).items()}
    keys = db.session.scalars(select(HumanTask.task_key).where(HumanTask.case_id == case.id,
                                                               HumanTask.department_id == user.department_id))
    return any(lanes.get(key) not in APPLICANT_LANES for key in keys)


def events_of(case: Case) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)
                              .order_by(AuditEvent.seq)).all()


def public_timeline(case: Case, events: list[AuditEvent]) -> list[dict]:
    """The events an applicant may read, each ``{seq, at, type, element, actor, data}`` with
    the actor named by department (their own name for the applicant's own acts)."""
    actors = _actor_names(case, {e.actor for e in events})
    out = []
    for event in events:
        data = _public_data(case, event)
        if data is not None:
            out.append({"seq": event.seq, "at": event.at, "type": event.type, "element": event.element,
                        "actor": actors.get(event.actor, PLATFORM), "data": data})
    return out


def _public_data(case: Case, event: AuditEvent) -> dict | None:
    """The event's data as the applicant sees it, or None when the event is not theirs to see."""
    data = event.data or {}
    if event.type == "case_started":
        return {"input": data.get("input"), "process": data.get("process")}
    if event.type == "task_completed":
        form = data.get("data") or {}
        lane = (case.definition.elements or {}).get(event.element or "", {}).get("lane")
        if lane in APPLICANT_LANES:
            keep = tuple(form)  # the applicant's own work
        elif event.element == "open_data_review":
            keep = _REVIEW_ACTIONS.get(form.get("action"))
        else:
            keep = _PUBLIC_FORMS.get(event.element)
        return None if keep is None else {"data": {k: form[k] for k in keep if k in form}}
    if event.type not in _PUBLIC_EVENTS:
        return None
    keep = _PUBLIC_EVENTS[event.type]
    return dict(data) if keep is None else {k: data[k] for k in keep if k in data}


def _actor_names(case: Case, usernames: set[str]) -> dict[str, str]:
    """username -> what the applicant is shown: the department's name; the applicant's own
    username for their own acts; ``system`` actors as they are."""
    rows = db.session.execute(select(User.username, Department.name).outerjoin(
        Department, Department.id == User.department_id).where(User.username.in_(usernames))).all()
    names = {username: dept for username, dept in rows if dept}
    names[case.applicant.username] = names.get(case.applicant.username) or case.applicant.username
    known = {username for username, _dept in rows}
    names.update({u: u for u in usernames - known if u.startswith("system")})
    return names
