"""The catalog's pages: the entries with their versions; the admin edits directly (with a
reason, audited), a provider's approver proposes a change or a new entry (a catalog change
case), an approver of the holder or an authority asks for an emergency reclassification (a
case the city authority approves). Forms are checked by the API's schemas and call the same
commands as the API; the reviews are worked in the inbox like any task."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app import catalog
from app.api.schemas import ResourceIn, ResourcePatch
from app.api.schemas_catalog import EmergencyIn
from app.cases import catalog_change, emergency
from app.catalog import commands, views
from app.errors import AppError
from app.extensions import db
from app.models import Department, Resource
from app.models.catalog import OPEN_TYPES, SHARE_TYPES
from app.web import bp
from app.web.deadlines import today
from app.web.errors import text_of
from app.web.forms import load
from app.web.session import current_user, login_required

# the authority reviews and reclassifies, a provider's approver proposes (Art. 10, 20 ¶3)
CATALOG_READERS = ("admin", "authority", "approver")
RESOURCE_TEXTS = ("name", "share_conditions", "legal_basis", "security_level", "update_cycle")


def _entry_form(form, schema) -> dict:
    """An entry form as the API's schema loads it; a text left blank clears the field and an
    unticked box is false (a full form, not a patch)."""
    data = {k: v.strip() if isinstance(v, str) else v for k, v in form.to_dict().items()
            if k in (*RESOURCE_TEXTS, "code", "provider", "share_type", "open_type")}
    data["on_platform"] = "true" if form.get("on_platform") else "false"
    fields = load(schema, data)
    for key in RESOURCE_TEXTS:
        if key != "name" and not data.get(key):
            fields[key] = None
    return fields


def _departments(user) -> list[Department]:
    query = select(Department).order_by(Department.region, Department.code)
    if not user.has_role("admin"):
        query = query.where(Department.id == user.department_id)
    return db.session.scalars(query).all()


def _catalog_page(status: int = 200, values=None):
    user = current_user()
    resources = db.session.scalars(views.listing(user)).all()
    return render_template("admin/catalog.html", resources=resources, departments=_departments(user),
                           share_types=SHARE_TYPES, open_types=OPEN_TYPES, today=today(),
                           values=values if values is not None else {},
                           may_propose=user.has_role("admin") or (user.has_role("approver")
                                                                  and user.department_id is not None)), status


@bp.route("/admin/catalog", methods=["GET", "POST"])
@login_required(*CATALOG_READERS)
def admin_catalog():
    """POST: the admin registers an entry; a provider's approver proposes one (a case)."""
    if request.method == "GET":
        return _catalog_page()
    user = current_user()
    reason = request.form.get("reason", "").strip()
    try:
        fields = _entry_form(request.form, ResourceIn)
        if user.has_role("admin"):
            resource = commands.admin_create(user, fields, reason or None)
            flash(_("已登记资源 %(code)s。", code=resource.code), "info")
            return redirect(url_for("web.admin_resource", code=resource.code))
        case = catalog_change.start(user, None, fields, reason)
    except AppError as exc:
        db.session.rollback()
        flash(text_of(exc), "error")
        return _catalog_page(exc.status, request.form)
    flash(_("已提交目录变更申请,待大数据主管部门审核。"), "info")
    return redirect(url_for("web.case_page", case_id=case.id))


def _resource_page(resource: Resource, status: int = 200):
    user = current_user()
    may_ask = emergency.may_ask(user, resource.provider_id)
    return render_template("admin/resource.html", resource=resource, share_types=SHARE_TYPES,
                           open_types=OPEN_TYPES, today=today(), versions=views.versions(resource),
                           is_admin=user.has_role("admin"), may_edit=catalog.may_edit(user, resource.provider_id),
                           may_ask=may_ask, max_days=emergency.max_days()), status


def _refused(exc: AppError, code: str):
    """The entry's page again, with the domain's refusal on it."""
    db.session.rollback()
    flash(text_of(exc), "error")
    return _resource_page(catalog.get(code), exc.status)


def _changed(resource: Resource, fields: dict) -> dict:
    """The fields of a full form that differ from the entry (what the change proposes)."""
    return {k: v for k, v in fields.items() if getattr(resource, k) != v}


@bp.route("/admin/catalog/<code>", methods=["GET", "POST"])
@login_required(*CATALOG_READERS)
def admin_resource(code: str):
    """POST: the admin edits with a reason; a provider's approver proposes the change (a case)."""
    resource = catalog.get(code)
    if request.method == "GET":
        return _resource_page(resource)
    user = current_user()
    reason = request.form.get("reason", "").strip()
    try:
        changes = _changed(resource, _entry_form(request.form, ResourcePatch))
        if not changes:
            raise AppError("validation_error", 422, {"change": "empty"})
        if user.has_role("admin"):
            commands.admin_update(user, code, changes, reason)
            flash(_("已保存。"), "info")
            return redirect(url_for("web.admin_resource", code=code))
        case = catalog_change.start(user, code, changes, reason)
    except AppError as exc:
        return _refused(exc, code)
    flash(_("已提交目录变更申请,待大数据主管部门审核。"), "info")
    return redirect(url_for("web.case_page", case_id=case.id))


@bp.post("/admin/catalog/<code>/emergency")
@login_required(*CATALOG_READERS)
def admin_emergency(code: str):
    """Art. 20 ¶3: asks for a temporary share type; in force once the city authority approves."""
    try:
        body = load(EmergencyIn, {k: request.form.get(k, "") for k in ("share_type", "until", "reason")})
        case = emergency.start(current_user(), code, body["share_type"], body["until"], body["reason"])
    except AppError as exc:
        return _refused(exc, code)
    flash(_("已提交临时调整申请,经市大数据主管部门批准后生效。"), "info")
    return redirect(url_for("web.case_page", case_id=case.id))
