"""The authority's page for opening a catalog update obligation (目录动态调整, Art. 11) on a
unit of its own region, validated with the API's schema and filed by the same command; the
unit closes it on the task page, naming the catalog changes it filed."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.api.schemas_regulatory import CatalogUpdateIn
from app.cases import catalog_update
from app.errors import AppError
from app.extensions import db
from app.models import Department
from app.web import bp
from app.web.forms import load, posted, refused
from app.web.session import current_user, login_required


def _options(user) -> list[tuple[str, str]]:
    """The units of the authority's region that Art. 11 binds."""
    region = user.department.region if user.department else None
    units = db.session.scalars(select(Department).where(Department.region == region,
                                                        Department.kind.in_(catalog_update.OBLIGED_KINDS))
                               .order_by(Department.code)).all()
    return [(d.code, f"{d.name}({d.code})") for d in units]


def _page(values=None, errors=None, status: int = 200):
    return render_template("catalog_update.html", options=_options(current_user()), values=values or {},
                           errors=errors or {}), status


@bp.get("/catalog-updates/new")
@login_required("authority")
def catalog_update_form():
    return _page()


@bp.post("/catalog-updates/new")
@login_required("authority")
def catalog_update_open():
    values = posted()
    try:
        body = load(CatalogUpdateIn, values)
        case = catalog_update.start(current_user(), body["department"], body["reason"])
    except AppError as exc:
        return _page(values, refused(exc), exc.status)
    flash(_("目录更新义务已提出,该单位须在 15 个工作日内提交目录变更。"), "info")
    return redirect(url_for("web.case_page", case_id=case.id))
