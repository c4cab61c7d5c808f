"""The provider's page for giving a change notice to grant holders (共享告知, Art. 23 ¶2): its
own shared resources, each with the departments holding an active grant, validated with the
API's schema and filed by the same command. Holders acknowledge on the task page."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.api.schemas_regulatory import ChangeNoticeIn
from app.cases import change_notice
from app.errors import AppError
from app.extensions import db
from app.models import Resource
from app.services import clock
from app.web import bp
from app.web.errors import text_of
from app.web.forms import field_errors, load, posted
from app.web.labels import NOTICE_ACTIONS, NOTICE_KINDS
from app.web.session import current_user, login_required



def _options(user) -> list[tuple[str, str]]:
    """The caller's department's resources, each with how many departments hold a grant on it."""
    now = clock().now()
    resources = db.session.scalars(select(Resource).where(Resource.provider_id == user.department_id)
                                   .order_by(Resource.code)).all()
    options = []
    for resource in resources:
        holders = {g.department.code for g in change_notice.active_grants(resource.code, now)}
        options.append((resource.code, _("%(name)s(%(code)s)— %(count)s 个使用单位持有有效授权",
                                         name=resource.name, code=resource.code, count=len(holders))))
    return options


def _page(values=None, errors=None, status: int = 200):
    user = current_user()
    return render_template("change_notice.html", options=_options(user), values=values or {}, errors=errors or {},
                           kinds=[(k, str(v)) for k, v in NOTICE_KINDS.items()],
                           actions=[(k, str(v)) for k, v in NOTICE_ACTIONS.items()]), status


@bp.get("/change-notices/new")
@login_required("approver")
def change_notice_form():
    return _page()


@bp.post("/change-notices/new")
@login_required("approver")
def change_notice_give():
    values = posted()
    try:
        case = change_notice.start(current_user(), load(ChangeNoticeIn, values))
    except AppError as exc:
        db.session.rollback()
        errors = field_errors(exc) if exc.code == "validation_error" else {}
        flash(text_of(exc), "error")
        return _page(values, errors, exc.status)
    flash(_("变更告知已发出,授权持有单位将收到确认待办。"), "info")
    return redirect(url_for("web.case_page", case_id=case.id))
