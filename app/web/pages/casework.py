"""The case page's daily work: amend after 退回修改, comment, attach files, download them and
the written decision — the same commands and access rules as the API."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from app.api.casework import pdf_response, send_attachment, uploaded_file
from app.api.schemas_daily import AmendIn, CommentIn
from app.cases import access, casework, handover
from app.web import bp
from app.web.forms import load, posted
from app.web.session import current_user, login_required


def _back(case_id: str):
    return redirect(url_for("web.case_page", case_id=case_id))


@bp.post("/requests/<case_id>/amend")
@login_required()
def amend(case_id: str):
    user = current_user()
    access.case_for_reading(user, case_id)
    handover.amend(user, case_id, load(AmendIn(), posted()))
    flash(_("修改已提交,审核计时恢复。"), "info")
    return _back(case_id)


@bp.post("/requests/<case_id>/comments")
@login_required()
def comment(case_id: str):
    form = posted()
    form["internal"] = "true" if form.get("internal") == "on" else "false"
    body = load(CommentIn(), form)
    casework.add_comment(current_user(), case_id, body["text"], body["internal"])
    flash(_("留言已添加。"), "info")
    return _back(case_id)


@bp.post("/requests/<case_id>/attachments")
@login_required()
def attach(case_id: str):
    upload = uploaded_file()
    if upload is None:
        flash(_("请选择文件。"), "error")
        return _back(case_id)
    casework.add_attachment(current_user(), case_id, *upload)
    flash(_("附件已上传。"), "info")
    return _back(case_id)


@bp.get("/attachments/<int:attachment_id>")
@login_required()
def attachment(attachment_id: int):
    return send_attachment(casework.attachment_for_reading(current_user(), attachment_id))


@bp.get("/requests/<case_id>/letter.pdf")
@login_required()
def letter(case_id: str):
    return pdf_response(casework.decided_case(current_user(), case_id))
