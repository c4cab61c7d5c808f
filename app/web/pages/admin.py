"""Administrators' pages: the overview, the holiday calendar and incidents (departments and
users: admin_identity.py; the catalog: admin_catalog.py). Each form calls the same domain
function as the API."""
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
from app.models import CalendarYear, Department, ProcessDefinition, Resource, User
from app.services import calendar
from app.timers import incidents
from app.web import bp
from app.web.deadlines import today
from app.web.errors import text_of
from app.web.session import current_user, login_required


@bp.get("/admin")
@login_required("admin")
def admin_index():
    counts = {name: db.session.scalar(select(func.count()).select_from(model))
              for name, model in (("departments", Department), ("users", User), ("resources", Resource),
                                  ("definitions", ProcessDefinition))}
    counts["incidents"] = db.session.scalar(select(func.count()).select_from(incidents.open_incidents().subquery()))
    return render_template("admin/index.html", counts=counts)


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
