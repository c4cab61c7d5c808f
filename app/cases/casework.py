"""Comments and attachments on a request. Internal comments are for the departments handling
the request (and auditors, admins), never for the applicant's side; everyone who may read the
request may add a public comment or a file. Each addition is an audit event; a file's
SHA-256 is in it, its bytes in the files directory."""
from __future__ import annotations

import os

from sqlalchemy import exists, select

from app import files
from app.cases import access
from app.cases.uow import UnitOfWork
from app.errors import AppError, conflict, forbidden, invalid, not_found
from app.extensions import db
from app.models import Case, CaseAttachment, CaseComment, HumanTask, User

READ_ONLY = "auditor"


def handles(user: User, case: Case) -> bool:
    """A department working the request (the provider, or one with a task on it), not the
    applicant's own department; admins and auditors see what the handlers see."""
    if user.has_role(*access.READ_ALL):
        return True
    dept = user.department_id
    if dept is None or dept == case.department_id:
        return False
    return dept == case.provider_department_id or bool(db.session.scalar(
        select(exists().where(HumanTask.case_id == case.id, HumanTask.department_id == dept))))


def _writable(user: User, case_id: str) -> Case:
    """The case, if the caller may add to it: 404 when invisible, 403 for read-only roles."""
    case = access.case_for_reading(user, case_id)
    if user.has_role(READ_ONLY) and not user.has_role("admin"):
        raise forbidden(request=case_id)
    return case


def add_comment(user: User, case_id: str, text: str, internal: bool) -> CaseComment:
    with UnitOfWork(user.username) as uow:
        case = _writable(user, case_id)
        if internal and not handles(user, case):
            raise forbidden(request=case_id, reason="internal")
        comment = CaseComment(case_id=case.id, author_id=user.id, author=user, text=text,
                              internal=internal, created_at=uow.now)
        db.session.add(comment)
        db.session.flush()
        uow.record(case, "comment_added", None, {"comment": comment.id, "internal": internal})
    return comment


def comments(user: User, case_id: str) -> list[CaseComment]:
    """Oldest first; internal ones only for those handling the request."""
    case = access.case_for_reading(user, case_id)
    query = select(CaseComment).where(CaseComment.case_id == case.id)
    if not handles(user, case):
        query = query.where(CaseComment.internal.is_(False))
    return list(db.session.scalars(query.order_by(CaseComment.created_at, CaseComment.id)))


def _clean_name(name: str | None) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable())[:255]
    return base or "attachment"


def add_attachment(user: User, case_id: str, name: str | None, content: bytes, limit: int) -> CaseAttachment:
    """Checked by size and by what the bytes are; 413 ``file_too_large``, 422 ``file_type``."""
    with UnitOfWork(user.username) as uow:
        case = _writable(user, case_id)
        if len(content) > limit:
            raise AppError("file_too_large", 413, {"size": len(content), "limit": limit},
                           limit_mib=limit // 2**20)
        kind = files.kind_of(content) if content else None
        if kind is None:
            raise invalid("file_type", {"file": _clean_name(name)}, accepted=", ".join(files.ACCEPTED))
        digest = files.store(content)
        row = CaseAttachment(case_id=case.id, uploader_id=user.id, uploader=user, name=_clean_name(name),
                             size=len(content), sha256=digest, content_type=files.ACCEPTED[kind],
                             created_at=uow.now)
        db.session.add(row)
        db.session.flush()
        uow.record(case, "attachment_added", None, {"attachment": row.id, "name": row.name, "size": row.size,
                                                    "sha256": digest, "type": kind})
    return row


def attachments(user: User, case_id: str) -> list[CaseAttachment]:
    case = access.case_for_reading(user, case_id)
    return list(db.session.scalars(select(CaseAttachment).where(CaseAttachment.case_id == case.id)
                                   .order_by(CaseAttachment.created_at, CaseAttachment.id)))


def attachment_for_reading(user: User, attachment_id: int) -> CaseAttachment:
    """An attachment, read under its case's access rules: 404 when the case is invisible."""
    row = db.session.get(CaseAttachment, attachment_id)
    if row is None or db.session.scalar(access.visible_cases(user).where(Case.id == row.case_id)) is None:
        raise not_found(attachment=attachment_id)
    return row


def decided_case(user: User, case_id: str) -> Case:
    """A decided request whose written decision the caller may have: its applicant, the
    departments handling it, auditors and admins; 409 ``not_decided`` before the decision."""
    from app.letters import DECIDED

    case = access.case_for_reading(user, case_id)
    if case.applicant_id != user.id and not handles(user, case):
        raise forbidden(request=case_id)
    if case.status not in DECIDED:
        raise conflict("not_decided", {"status": case.status})
    return case
