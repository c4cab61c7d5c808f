"""Administrators' pages: the overview, the catalog (with emergency reclassification) and the
holiday calendar (departments and users: admin_identity.py). Each form calls the same domain
function as the API."""
from __future__ import annotations

import json
import re
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import catalog
from app.calendar import ScheduleError, YearSchedule
from app.calendar.statutory import MAX_YEAR, MIN_YEAR
from app.cases.calendar_reload import load_year
from app.errors import AppError
from app.extensions import db
from app.models import CalendarYear, Department, ProcessDefinition, Resource, User
from app.models.catalog import OPEN_TYPES, SHARE_TYPES
from app.services import calendar
from app.timers import incidents
from app.web import bp
from app.web.deadlines import today
from app.web.errors import text_of
from app.web.session import current_user, login_required

CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
CATALOG_READERS = ("admin", "authority")  # the authority reclassifies in an emergency (Art. 20 ¶3)


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


# -- catalog ---------------------------------------------------------------------------
RESOURCE_TEXTS = ("name", "share_conditions", "legal_basis", "security_level", "update_cycle")


def _resource_fields(form, creating: bool) -> dict:
    """The catalog fields of a form, as the API's schemas would pass them on."""
    fields = {k: (form.get(k, "").strip() or None) for k in RESOURCE_TEXTS}
    fields["share_type"] = form.get("share_type")
    fields["open_type"] = form.get("open_type")
    fields["on_platform"] = form.get("on_platform") == "on"
    problems = {}
    if fields["share_type"] not in SHARE_TYPES:
        problems["share_type"] = "invalid"
    if fields["open_type"] not in OPEN_TYPES:
        problems["open_type"] = "invalid"
    if not fields["name"]:
        problems["name"] = "required"
    if creating:
        fields["code"] = form.get("code", "").strip()
        fields["provider"] = form.get("provider", "").strip()
        if not CODE.match(fields["code"]):
            problems["code"] = "invalid"
    if problems:
        raise AppError("validation_error", 422, problems)
    return fields


def _catalog_context() -> dict:
    return {"resources": db.session.scalars(select(Resource).order_by(Resource.code)).all(),
            "departments": _departments(), "share_types": SHARE_TYPES, "open_types": OPEN_TYPES,
            "today": today()}


@bp.route("/admin/catalog", methods=["GET", "POST"])
@login_required(*CATALOG_READERS)
def admin_catalog():
    if request.method == "GET":
        return render_template("admin/catalog.html", values={}, **_catalog_context())
    try:
        resource = catalog.create(current_user(), _resource_fields(request.form, creating=True))
        db.session.commit()
    except AppError as exc:
        return _refused(exc, "admin/catalog.html", **_catalog_context())
    flash(_("已登记资源 %(code)s。", code=resource.code), "info")
    return redirect(url_for("web.admin_resource", code=resource.code))


def _resource_page(resource: Resource, status: int = 200):
    return render_template("admin/resource.html", resource=resource, share_types=SHARE_TYPES,
                           open_types=OPEN_TYPES, today=today(),
                           may_edit=catalog.may_edit(current_user(), resource.provider_id)), status


@bp.route("/admin/catalog/<code>", methods=["GET", "POST"])
@login_required(*CATALOG_READERS)
def admin_resource(code: str):
    resource = catalog.get(code)
    if request.method == "GET":
        return _resource_page(resource)
    try:
        catalog.update(current_user(), code, _resource_fields(request.form, creating=False))
        db.session.commit()
    except AppError as exc:
        db.session.rollback()
        flash(text_of(exc), "error")
        return _resource_page(catalog.get(code), exc.status)
    flash(_("已保存。"), "info")
    return redirect(url_for("web.admin_resource", code=code))


@bp.post("/admin/catalog/<code>/emergency")
@login_required(*CATALOG_READERS)
def admin_emergency(code: str):
    """Art. 20 ¶3: a temporary share type in an emergency, lapsing by itself; audited."""
    try:
        until = date.fromisoformat(request.form.get("until", ""))
    except ValueError:
        until = None
    share_type, reason = request.form.get("share_type"), request.form.get("reason", "").strip()
    try:
        if until is None or share_type not in SHARE_TYPES or not reason:
            raise AppError("validation_error", 422, {"until": "date", "reason": "required"})
        catalog.reclassify(current_user(), code, share_type, until, reason, today())
        db.session.commit()
    except AppError as exc:
        db.session.rollback()
        flash(text_of(exc), "error")
        return _resource_page(catalog.get(code), exc.status)
    flash(_("已临时调整共享属性,至 %(until)s 自动失效。", until=until.isoformat()), "info")
    return redirect(url_for("web.admin_resource", code=code))


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
