"""The provider's page for giving a change notice to grant holders (共享告知, Art. 23 ¶2): its
own shared resources, each with the departments holding an active grant, validated with the
API's schema and filed by the same command. Holders acknowledge on the task page."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import distinct, func, select

from app.api.schemas_regulatory import ChangeNoticeIn
from app.cases import change_notice
from app.errors import AppError
from app.extensions import db
from app.grants.views import with_state
from app.models import Grant, Resource
from app.services import clock
from app.web import bp
from app.web.forms import load, posted, refused
from app.web.labels import NOTICE_ACTIONS, NOTICE_KINDS
from app.web.session import current_user, login_required


def _options(user) -> list[tuple[str, str]]:
    """The caller's department's resources, each with how many departments hold a grant on it
    (one grouped query for all of them)."""
    resources = db.session.scalars(select(Resource).where(Resource.provider_id == user.department_id)
                                   .order_by(Resource.code)).all()
    holders = dict(db.session.execute(with_state(
        select(Grant.resource_code, func.count(distinct(Grant.department_id)))
        .where(Grant.resource_code.in_([r.code for r in resources])), "active", clock().now())
        .group_by(Grant.resource_code)).all())
    return [(r.code, _("%(name)s(%(code)s)— %(count)s 个使用单位持有有效授权",
                       name=r.name, code=r.code, count=holders.get(r.code, 0))) for r in resources]


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
        return _page(values, refused(exc), exc.status)
    flash(_("变更告知已发出,授权持有单位将收到确认待办。"), "info")
    return redirect(url_for("web.case_page", case_id=case.id))
