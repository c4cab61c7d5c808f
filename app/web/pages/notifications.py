"""What concerns the user: decisions, supplement requests, extensions, new tasks, deadlines."""
from __future__ import annotations

from datetime import datetime

from flask import render_template

from app import notifications
from app.services import calendar
from app.web import bp
from app.web.deadlines import today
from app.i18n import message
from app.web.session import current_user, login_required


@bp.get("/notifications")
@login_required()
def notification_list():
    items = notifications.for_user(current_user(), today(), calendar())
    for item in items:  # in the page's language, which the language switch may have set
        item["message"] = message(f"notify_{item['kind']}", **item["data"])
        item["when"] = datetime.fromisoformat(item["at"])
    return render_template("notifications.html", items=items)
