"""Administrators' pages for departments and users, and every user's own account page.
Forms are validated by the API's schemas and run the same identity commands as the API."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app import identity
from app.api.schemas import DepartmentIn, UserIn
from app.api.schemas_identity import PasswordChange, UserPatch
from app.cases.uow import UnitOfWork
from app.errors import AppError
from app.identity import views
from app.identity.commands import authorize_password_change
from app.models.identity import DEPARTMENT_KINDS, ROLES
from app.web import bp
from app.web.errors import text_of
from app.web.forms import load
from app.web.session import current_user, login_required, session_token


def _refused(exc: AppError, template: str, **context):
    """Re-show a form with the domain's refusal on it, the input kept."""
    flash(text_of(exc), "error")
    return render_template(template, values=request.form, **context), exc.status


def _form(*lists: str) -> dict:
    """The posted form as a dict, the multi-valued fields (``lists``) as lists."""
    data = request.form.to_dict()
    data.pop("csrf_token", None)
    for name in lists:
        data[name] = request.form.getlist(name)
    return data


# -- departments ---------------------------------------------------------------------
@bp.route("/admin/departments", methods=["GET", "POST"])
@login_required("admin")
def admin_departments():
    context = {"departments": views.departments(), "kinds": DEPARTMENT_KINDS}
    if request.method == "GET":
        return render_template("admin/departments.html", values={}, **context)
    try:
        body = load(DepartmentIn, _form())
        with UnitOfWork(current_user().username) as uow:
            identity.create_department(uow, **body)
    except AppError as exc:
        return _refused(exc, "admin/departments.html", **context)
    flash(_("已新增部门 %(name)s。", name=body["name"]), "info")
    return redirect(url_for("web.admin_departments"))


@bp.route("/admin/departments/<code>", methods=["GET", "POST"])
@login_required("admin")
def admin_department(code: str):
    dept = views.get_department(code)
    context = {"department": dept, "kinds": DEPARTMENT_KINDS}
    if request.method == "GET":
        return render_template("admin/department.html", values={"name": dept.name, "region": dept.region,
                                                                "kind": dept.kind}, **context)
    try:
        body = load(DepartmentIn, {**_form(), "code": code})  # every field required on this form
        body.pop("code")
        with UnitOfWork(current_user().username) as uow:
            identity.edit_department(uow, code, body)
    except AppError as exc:
        return _refused(exc, "admin/department.html", **context)
    flash(_("已保存。"), "info")
    return redirect(url_for("web.admin_departments"))


# -- users -----------------------------------------------------------------------------
def _users_context() -> dict:
    return {"users": views.users(), "departments": views.departments(), "roles": ROLES}


@bp.route("/admin/users", methods=["GET", "POST"])
@login_required("admin")
def admin_users():
    if request.method == "GET":
        return render_template("admin/users.html", values={}, **_users_context())
    try:
        body = load(UserIn, _form("roles"))
        password = identity.NewPassword.of(body["password"], body["username"])
        with UnitOfWork(current_user().username) as uow:
            identity.create_user(uow, body["username"], password, body["display_name"], body["department"],
                                 body["roles"], body["email"])
    except AppError as exc:
        return _refused(exc, "admin/users.html", **_users_context())
    flash(_("已新增用户 %(name)s。", name=body["username"]), "info")
    return redirect(url_for("web.admin_users"))


def _user_values(user) -> dict:
    return {"display_name": user.display_name, "department": user.department_code or "", "email": user.email or "",
            "roles": list(user.roles), "disabled": user.disabled}


@bp.route("/admin/users/<username>", methods=["GET", "POST"])
@login_required("admin")
def admin_user(username: str):
    """Edit a user. The form shows every field, so a blank email or department clears it and
    an unticked box enables the account."""
    user = views.get_user(username)
    context = {"user": user, "departments": views.departments(), "roles": ROLES}
    if request.method == "GET":
        return render_template("admin/user.html", values=_user_values(user), **context)
    form = _form("roles")
    form["disabled"] = "on" if form.get("disabled") else "off"
    try:
        if not form.get("display_name", "").strip():
            raise AppError("validation_error", 422, {"display_name": ["required"]})
        changes = {"email": None, "department": None, **load(UserPatch, form)}
        with UnitOfWork(current_user().username) as uow:
            identity.edit_user(uow, username, changes)
    except AppError as exc:
        flash(text_of(exc), "error")
        values = {**form, "roles": request.form.getlist("roles"), "disabled": form["disabled"] == "on"}
        return render_template("admin/user.html", values=values, **context), exc.status
    flash(_("已保存。"), "info")
    return redirect(url_for("web.admin_user", username=username))


@bp.post("/admin/users/<username>/password")
@login_required("admin")
def admin_user_password(username: str):
    """An administrator sets a new password; the user's logins all end."""
    user = views.get_user(username)
    try:
        body = load(PasswordChange, _form())
        by = authorize_password_change(current_user(), username, body.get("old_password"))
        password = identity.NewPassword.of(body["password"], username)
        with UnitOfWork(current_user().username) as uow:
            identity.set_password(uow, username, password, by)
    except AppError as exc:
        flash(text_of(exc), "error")
        return render_template("admin/user.html", values=_user_values(user), user=user,
                               departments=views.departments(), roles=ROLES), exc.status
    flash(_("已重设 %(name)s 的密码,其所有登录已失效。", name=username), "info")
    return redirect(url_for("web.admin_user", username=username))


# -- my account ------------------------------------------------------------------------
@bp.route("/account", methods=["GET", "POST"])
@login_required()
def account():
    """Any user changes their own password (giving the old one); their other logins end."""
    me = current_user()
    if request.method == "GET":
        return render_template("account.html")
    try:
        body = load(PasswordChange, _form())
        by = authorize_password_change(me, me.username, body.get("old_password"))
        password = identity.NewPassword.of(body["password"], me.username)
        with UnitOfWork(me.username) as uow:
            identity.set_password(uow, me.username, password, by, keep_token=session_token())
    except AppError as exc:
        flash(text_of(exc), "error")
        return render_template("account.html"), exc.status
    flash(_("密码已修改,您在其他地方的登录已失效。"), "info")
    return redirect(url_for("web.account"))
