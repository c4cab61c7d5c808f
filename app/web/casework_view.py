"""What the case page shows of the daily work: the decision's text, what to supplement or
amend, comments, attachments, the letter, and names people can read instead of logins."""
from __future__ import annotations

from sqlalchemy import select

from app.cases import casework
from app.extensions import db
from app.letters import DECIDED
from app.models import AuditEvent, Case, HumanTask, User


def _last_event(case: Case, type_: str, where=None) -> AuditEvent | None:
    query = select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.type == type_)
    if where is not None:
        query = query.where(where)
    return db.session.scalar(query.order_by(AuditEvent.seq.desc()).limit(1))


def reply_text(case: Case) -> str | None:
    """The reply's own words (答复内容), when the decision carried any."""
    if case.status not in DECIDED:
        return None
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                             AuditEvent.type == "task_completed")
                                    .order_by(AuditEvent.seq.desc())):
        content = (event.data.get("data") or {}).get("content")
        if content:
            return content
    return None


def supplement_items(case: Case) -> str | None:
    """What the applicant was asked to supplement (the latest request for it)."""
    event = _last_event(case, "applicant_notified", AuditEvent.element == "supplement_requested")
    return (event.data or {}).get("items") if event else None


def return_reason(case: Case) -> str | None:
    """Why the request came back for amendment (退回修改)."""
    event = _last_event(case, "applicant_notified", AuditEvent.element == "returned_for_amendment")
    return (event.data or {}).get("reason") if event else None


def amendment_task(case: Case, user: User) -> HumanTask | None:
    if case.applicant_id != user.id:
        return None
    return db.session.scalar(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == "open",
                                                     HumanTask.task_key == "applicant_amendment"))


def readable_actors(case: Case, rows: list[dict], viewer: User) -> list[dict]:
    """History rows naming people as people read them: those handling the case see display
    names; the applicant's side (and a citizen) sees the staff's department instead."""
    usernames = {r["actor"] for r in rows}
    users = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(usernames)))}
    inside = casework.handles(viewer, case)
    for row in rows:
        user = users.get(row["actor"])
        if user is None:  # the service itself, or a public row already naming a department
            row["who"] = row["actor"]
        elif inside or user.id == viewer.id or user.department_id == case.department_id and \
                case.department_id is not None:
            row["who"] = user.display_name
        else:
            row["who"] = user.department.name if user.department else ""
    return rows


def page_parts(case: Case, user: User) -> dict:
    """Everything the case page adds for the daily work, for ``user``."""
    is_applicant = case.applicant_id == user.id
    handles = casework.handles(user, case)
    read_only = user.has_role("auditor") and not user.has_role("admin")
    return {"reply_text": reply_text(case), "supplement_items": supplement_items(case),
            "amendment": amendment_task(case, user), "return_reason": return_reason(case),
            "comments": casework.comments(user, case.id), "attachments": casework.attachments(user, case.id),
            "can_add": not read_only, "can_comment_internal": handles and not read_only,
            "letter": case.status in DECIDED and (is_applicant or handles)}
