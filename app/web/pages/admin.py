"""Administrators' pages: departments, users, the holiday calendar, incidents (the catalog's
pages are in admin_catalog.py). Each form calls the same domain function as the API."""
from __future__ import annotations

import json
import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.calendar import ScheduleError, YearSchedule
from app.calendar.statutory import MAX_YEAR, MIN_YEAR
from app.cases.calendar_reload import load_year
from app.errors import AppError
from app.extensions import db
from app.identity import create_department, create_user
from app.models import CalendarYear, Department, ProcessDefinition, Resource, User
from app.models.identity import DEPARTMENT_KINDS, ROLES
from app.services import calendar
from app.timers import incidents
from app.web import bp
from app.web.deadlines import today
from app.web.errors import text_of
from app.web.session import current_user, login_required

CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


def _refused(exc: AppError, template: str, status: int | None = None, **context):
    """Re-show a form with the domain's refusal on it, the input kept."""
    db.session.rollback()
    flash(text_of(exc), "error")
    return render_template(template, values=request.form, **context), status or exc.status


@bp.get("/admin")
@login_required("admin")
def admin_index():
    counts = {name: db.session.scalar(select(func.count()).select_from(model))
              for name, model in (("departments", Department), ("users", User), ("resources", Resource),
                                  ("definitions", ProcessDefinition))}
    counts["incidents"] = db.session.scalar(select(func.count()).select_from(incidents.open_incidents().subquery()))
    return render_template("admin/index.html", counts=counts)


# -- departments ---------------------------------------------------------------------
def _departments():
    return db.session.scalars(select(Department).order_by(Department.region, Department.code)).all()


@bp.route("/admin/departments", methods=["GET", "POST"])
@login_required("admin")
def admin_departments():
    context = {"kinds": DEPARTMENT_KINDS}
    if request.method == "GET":
        return render_template("admin/departments.html", departments=_departments(), values={}, **context)
    form = {k: request.form.get(k, "").strip() for k in ("code", "name", "kind", "region")}
    try:
        if not CODE.match(form["code"]) or not form["name"] or not form["region"] \
                or form["kind"] not in DEPARTMENT_KINDS:
            raise AppError("validation_error", 422, {k: "invalid" for k, v in form.items() if not v})
        create_department(**form)
        db.session.commit()
    except AppError as exc:
        return _refused(exc, "admin/departments.html", departments=_departments(), **context)
    flash(_("已新增部门 %(name)s。", name=form["name"]), "info")
    return redirect(url_for("web.admin_departments"))


# -- users -----------------------------------------------------------------------------
def _users_context() -> dict:
    return {"users": db.session.scalars(select(User).order_by(User.username)).all(),
            "departments": _departments(), "roles": ROLES}


@bp.route("/admin/users", methods=["GET", "POST"])
@login_required("admin")
def admin_users():
    if request.method == "GET":
        return render_template("admin/users.html", values={}, **_users_context())
    username = request.form.get("username", "").strip()
    display = request.form.get("display_name", "").strip()
    password = request.form.get("password", "")
    roles = request.form.getlist("roles")
    try:
        problems = {k: "invalid" for k, bad in (("username", not CODE.match(username)), ("display_name", not display),
                                                  ("password", not 8 <= len(password) <= 256),
                                                  ("roles", not roles)) if bad}
        if problems:
            raise AppError("validation_error", 422, problems)
        create_user(username, password, display, request.form.get("department") or None, roles)
        db.session.commit()
    except AppError as exc:
        return _refused(exc, "admin/users.html", **_users_context())
    flash(_("已新增用户 %(name)s。", name=username), "info")
    return redirect(url_for("web.admin_users"))


# -- calendar --------------------------------------------------------------------------
def _year_rows() -> list[dict]:
    """Every year from the first shipped one to two years ahead, with where it comes from."""
    work = calendar()
    loaded = {row.year: row for row in db.session.scalars(select(CalendarYear))}
    last = max([today().year + 2, *loaded])
    first = min([*work.schedules, *loaded, today().year])
    rows = []
    for year in range(first, last + 1):
        schedule = work.year(year)
        rows.append({"year": year, "source": schedule.source, "source_ref": schedule.source_ref,
                     "holidays": len(schedule.holidays), "workdays": len(schedule.workdays),
                     "loaded": loaded.get(year)})
    return rows


@bp.get("/admin/calendar")
@login_required("admin")
def admin_calendar():
    return render_template("admin/calendar.html", years=_year_rows())


def _dates(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,,;;]+", text or "") if part]


def _schedule_input(year: int) -> dict:
    """A year's schedule from the form: a JSON file like config/calendar/2026.json, or the
    dates typed in (any separator). PUT semantics: what is given replaces the year."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        try:
            data = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ScheduleError(_("无法读取文件:%(problem)s", problem=str(exc))) from None
        if isinstance(data, dict):
            data.pop("year", None)
            data.pop("source", None)
        return {"year": year, **data} if isinstance(data, dict) else data
    return {"year": year, "holidays": _dates(request.form.get("holidays")),
            "workdays": _dates(request.form.get("workdays")),
            "source_ref": request.form.get("source_ref", "").strip()}


@bp.route("/admin/calendar/<int:year>", methods=["GET", "POST"])
@login_required("admin")
def admin_calendar_year(year: int):
    if not MIN_YEAR <= year <= MAX_YEAR:
        abort(404)
    result, problems, status = None, [], 200
    if request.method == "POST":
        try:
            schedule = YearSchedule.from_dict(_schedule_input(year), "official", expected_year=year)
            result = load_year(schedule, current_user().username)
            flash(_("已载入 %(year)s 年正式安排;重新计算了 %(n)s 个期限。", year=year, n=len(result["recomputed"])),
                  "info")
        except ScheduleError as exc:
            db.session.rollback()
            problems = [e["message"] for e in exc.details.get("errors", [])] or [exc.message]
            flash(exc.message, "error")
            status = 422
        except AppError as exc:
            db.session.rollback()
            flash(text_of(exc), "error")
            status = exc.status
    schedule = calendar().year(year)
    loaded = db.session.get(CalendarYear, year)
    return render_template("admin/calendar_year.html", year=year, schedule=schedule, loaded=loaded,
                           result=result, problems=problems, values=request.form), status


# -- incidents -------------------------------------------------------------------------
@bp.route("/admin/incidents", methods=["GET", "POST"])
@login_required("admin")
def admin_incidents():
    """Timers that failed after their retries (运维故障), with a retry button each."""
    if request.method == "POST":
        try:
            incidents.retry(request.form.get("job", ""), current_user().username)
            flash(_("已重新排队,将在下次调度时执行"), "info")
        except AppError as exc:
            db.session.rollback()
            flash(text_of(exc), "error")
        return redirect(url_for("web.admin_incidents"))
    jobs = db.session.scalars(incidents.open_incidents()).all()
    return render_template("admin/incidents.html", jobs=jobs)
