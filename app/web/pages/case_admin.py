"""Administrators' acts on a running case from its page: cancelling a broken case."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from app.api.schemas_admin import CancelIn
from app.cases import access, requests
from app.errors import AppError
from app.extensions import db
from app.web import bp
from app.web.errors import text_of
from app.web.forms import load
from app.web.session import current_user, login_required


@bp.post("/requests/<case_id>/cancel")
@login_required("admin")
def cancel(case_id: str):
    """Ends the case with a reason (the API's schema): tasks and timers cancelled, clocks
    stopped, audited as ``case_cancelled``; a refusal is shown on the case page."""
    user = current_user()
    access.case_for_reading(user, case_id)
    try:
        body = load(CancelIn, {"reason": request.form.get("reason", "").strip()})
        requests.cancel(user, case_id, body["reason"])
    except AppError as exc:
        if exc.status != 422:
            raise
        db.session.rollback()
        flash(text_of(exc), "error")
        return redirect(url_for("web.case_page", case_id=case_id))
    flash(_("已终止办理。"), "info")
    return redirect(url_for("web.case_page", case_id=case_id))
