"""Grants as departments see them: the ones they use and the ones they provide (all of them
for authorities, auditors, admins), with revoke for the provider's approvers and authorities.
The same read query and command as the API (app/grants)."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.api.grants import RevokeIn
from app.errors import AppError
from app.extensions import db
from app.grants import revoke as commands, views
from app.models import Grant
from app.models.grant import STATES
from app.services import clock, timezone
from app.web import bp
from app.web.errors import text_of
from app.web.forms import load
from app.web.locale import safe_next
from app.web.session import current_user, login_required

PER_PAGE = 50


def rows(user, grants: list[Grant]) -> list[dict]:
    """Grants as a table shows them: state now, the last valid day, whether the reader may revoke."""
    now = clock().now()
    zone = ZoneInfo(timezone())
    return [{"grant": g, "state": g.state_at(now),
             "last_day": (g.expires_at - timedelta(microseconds=1)).astimezone(zone).date() if g.expires_at else None,
             "revocable": g.state_at(now) == "active" and views.can_revoke(user, g)} for g in grants]


@bp.get("/grants")
@login_required()
def grant_list():
    user = current_user()
    state = request.args.get("state") if request.args.get("state") in STATES else None
    resource = request.args.get("resource", "").strip() or None
    page = max(request.args.get("page", 1, type=int), 1)
    query = views.listing(user, clock().now(), resource=resource, state=state)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    grants = db.session.scalars(query.offset((page - 1) * PER_PAGE).limit(PER_PAGE)).unique().all()
    return render_template("grants.html", rows=rows(user, grants), total=total, page=page, per_page=PER_PAGE,
                           state=state, resource=resource or "", states=STATES)


@bp.post("/grants/<grant_id>/revoke")
@login_required("approver", "authority")
def grant_revoke(grant_id: str):
    user = current_user()
    back = safe_next(request.form.get("next"), url_for("web.grant_list"))
    try:
        body = load(RevokeIn, {"reason": request.form.get("reason", "").strip()})
        commands.revoke(user, grant_id, body["reason"])
    except AppError as exc:
        flash(text_of(exc) if exc.code != "validation_error" else _("撤销授权须说明理由。"), "error")
        return redirect(back)
    flash(_("授权已撤销。"), "info")
    return redirect(back)
