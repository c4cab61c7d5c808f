"""Daily work on a request: the applicant's amendment after 退回修改, comments, attachments."""
from flask import Response, current_app, request, send_file
from flask_smorest import Blueprint

from app import auth, files, letters
from app.api import present
from app.api.schemas import RequestOut
from app.api.schemas_daily import (AmendIn, AttachmentList, AttachmentOut, CommentIn, CommentList, CommentOut,
                                   UploadIn)
from app.cases import access, casework, handover
from app.errors import invalid

blp = Blueprint("casework", __name__, description="办理 Casework")


@blp.post("/requests/<case_id>/amend")
@auth.require()
@blp.arguments(AmendIn)
@blp.response(200, RequestOut)
def amend(body, case_id):
    """The applicant amends a returned request (purpose, legal basis, a note); the review resumes."""
    user = auth.current_user()
    access.case_for_reading(user, case_id)
    return present.case(handover.amend(user, case_id, body))


@blp.post("/requests/<case_id>/comments")
@auth.require()
@blp.arguments(CommentIn)
@blp.response(201, CommentOut)
def add_comment(body, case_id):
    """A comment; ``internal`` ones are for the departments handling the request only."""
    return present_comment(casework.add_comment(auth.current_user(), case_id, body["text"], body["internal"]))


@blp.get("/requests/<case_id>/comments")
@auth.require()
@blp.response(200, CommentList)
def list_comments(case_id):
    items = [present_comment(c) for c in casework.comments(auth.current_user(), case_id)]
    return {"items": items, "total": len(items)}


@blp.post("/requests/<case_id>/attachments")
@auth.require()
@blp.arguments(UploadIn, location="files")
@blp.response(201, AttachmentOut)
def add_attachment(_files, case_id):
    """Multipart ``file``: pdf, ofd, jpg, png, docx or xlsx by content, at most 20 MiB."""
    upload = uploaded_file()
    if upload is None:
        raise invalid("validation_error", {"file": "required"})
    return present_attachment(casework.add_attachment(auth.current_user(), case_id, *upload))


@blp.get("/requests/<case_id>/attachments")
@auth.require()
@blp.response(200, AttachmentList)
def list_attachments(case_id):
    items = [present_attachment(a) for a in casework.attachments(auth.current_user(), case_id)]
    return {"items": items, "total": len(items)}


@blp.get("/attachments/<int:attachment_id>")
@auth.require()
def download(attachment_id):
    """The file as uploaded, under its request's access rules."""
    row = casework.attachment_for_reading(auth.current_user(), attachment_id)
    return send_attachment(row)


def uploaded_file() -> tuple[str, bytes, int] | None:
    """The multipart ``file`` (name, at most limit + 1 bytes, limit), read under a body limit
    raised for this request only; None when no file was sent."""
    limit = current_app.config["DSF_MAX_ATTACHMENT_BYTES"]
    request.max_content_length = limit + 64 * 1024  # the multipart envelope around the file
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None
    return upload.filename, upload.stream.read(limit + 1), limit


def present_comment(c) -> dict:
    return {"id": str(c.id), "text": c.text, "internal": c.internal, "author": c.author.username,
            "author_name": c.author.display_name, "department": c.author.department_code,
            "created_at": present.iso(c.created_at)}


def present_attachment(a) -> dict:
    return {"id": str(a.id), "name": a.name, "size": a.size, "sha256": a.sha256, "content_type": a.content_type,
            "created_at": present.iso(a.created_at)}


def send_attachment(row):
    return send_file(files.path_of(row.sha256), mimetype=row.content_type, as_attachment=True,
                     download_name=row.name, max_age=0)


@blp.get("/requests/<case_id>/letter.pdf")
@auth.require()
@blp.response(200, content_type="application/pdf")
def letter(case_id):
    """The written decision (告知书/答复书) as a PDF, once decided."""
    case = casework.decided_case(auth.current_user(), case_id)
    return pdf_response(case)


def pdf_response(case):
    body = letters.render(letters.letter_of(case))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="decision-{case.id}.pdf"', "Cache-Control": "no-store"})
