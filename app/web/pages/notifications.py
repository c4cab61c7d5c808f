"""What concerns the user: decisions, supplement requests, extensions, new tasks, deadlines."""
from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app import notifications
from app.services import calendar
from app.web import bp
from app.web.deadlines import today
from app.web.session import current_user, login_required


@bp.get("/notifications")
@login_required()
def notification_list():
    items = notifications.for_user(current_user(), today(), calendar())
    for item in items:  # messages in the page's language (the language switch's cookie): for_user
        item["when"] = datetime.fromisoformat(item["at"])
    return render_template("notifications.html", items=items)


@bp.post("/notifications/read")
@login_required()
def notifications_read():
    """Mark one notification (``id``) or all of them read."""
    chosen = request.form.get("id")
    notifications.mark_read(current_user(), [chosen] if chosen else None, today(), calendar())
    if not chosen:
        flash(_("已全部标为已读。"), "info")
    return redirect(url_for("web.notification_list"))
