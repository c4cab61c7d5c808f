"""Log in and out; ``/`` sends each user to where their work is."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.errors import AppError
from app.web import bp
from app.web.errors import text_of
from app.web.locale import safe_next
from app.web.session import current_user, log_in, log_out, login_required


def home_of(user) -> str:
    """The first page a role needs: work to do, then filing, then oversight."""
    if user.has_role("approver", "authority"):
        return url_for("web.inbox")
    if user.has_role("applicant", "citizen"):
        return url_for("web.request_list")
    if user.has_role("admin"):
        return url_for("web.admin_index")
    if user.has_role("auditor"):
        return url_for("web.audit_index")
    return url_for("web.notification_list")


@bp.get("/")
def root():
    user = current_user()
    return redirect(home_of(user) if user else url_for("web.login"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("login.html", next=safe_next(request.args.get("next"), ""))
    username = request.form.get("username", "").strip()
    try:
        user = log_in(username, request.form.get("password", ""))
    except AppError as exc:
        flash(text_of(exc), "error")
        return render_template("login.html", username=username,
                               next=safe_next(request.form.get("next"), "")), exc.status
    return redirect(safe_next(request.form.get("next"), home_of(user)))


@bp.post("/logout")
@login_required()
def logout():
    log_out()
    flash(_("已退出登录"), "info")
    return redirect(url_for("web.login"))
