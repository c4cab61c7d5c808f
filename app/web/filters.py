"""Template helpers: times in the service time zone, labels of codes, the user's menu."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import get_locale

from app.services import timezone
from app.web import bp, labels
from app.web.session import current_user


@bp.app_template_filter("localtime")
def localtime(value: datetime | None, with_seconds: bool = False) -> str:
    """A stored (UTC) time as the clerk's wall clock shows it."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(timezone())).strftime("%Y-%m-%d %H:%M" + (":%S" if with_seconds else ""))


@bp.app_template_filter("label")
def label(code, table: str) -> str:
    return labels.label(getattr(labels, table.upper()), code)


@bp.app_template_filter("step")
def step(key: str, name: str) -> str:
    return labels.step(key, name)


@bp.app_context_processor
def _page_context():
    user = current_user()
    return {"me": user, "lang": str(get_locale()), "menu": menu(user) if user else [],
            "unread": unread_count(user) if user else 0}


def unread_count(user) -> int:
    """The header's badge: the user's notifications not yet marked read."""
    from app import notifications
    from app.services import calendar
    from app.web.deadlines import today

    return notifications.unread_count(user, today(), calendar())


def menu(user) -> list[tuple[str, str]]:
    """(endpoint, label) of the sections this user's roles open."""
    from flask_babel import gettext as _

    items = []
    if user.has_role("approver", "authority", "applicant"):
        items.append(("web.inbox", _("待办")))
    items.append(("web.request_list", _("申请事项")))
    if user.has_role("applicant", "citizen"):
        items.append(("web.new_request", _("新建申请")))
    if user.department_id is not None or user.has_role("authority", "auditor", "admin"):
        items.append(("web.grant_list", _("授权")))
    items.append(("web.notification_list", _("通知")))
    if user.has_role("admin", "auditor", "authority"):
        items.append(("web.dashboard", _("统计")))
    if user.has_role("admin", "auditor"):
        items.append(("web.audit_index", _("审计")))
    if user.has_role("admin"):
        items.append(("web.admin_index", _("管理")))
    elif user.has_role("authority", "approver"):
        items.append(("web.admin_catalog", _("资源目录")))
    return items
