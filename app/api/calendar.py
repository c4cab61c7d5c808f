"""Calendar endpoints (API.md "Calendar"): working-day sums, a year's schedule, loading one."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import INCLUDE, Schema, fields, validate

from app import auth
from app.calendar import ScheduleError, YearSchedule
from app.calendar.statutory import MAX_YEAR, MIN_YEAR
from app.cases.calendar_reload import load_year
from app.errors import AppError
from app.services import calendar

blp = Blueprint("calendar", __name__, description="日历 Calendar")

_DATES = {"type": "array", "items": {"type": "string", "format": "date"}}


class AddArgs(Schema):
    start = fields.Date(required=True, metadata={"description": "YYYY-MM-DD(当日不计入)"})
    days = fields.Integer(required=True, validate=validate.Range(min=0, max=3660))


class AddOut(Schema):
    date = fields.String()
    provisional = fields.Boolean()


class YearOut(Schema):
    year = fields.Integer()
    source = fields.String(metadata={"enum": ["official", "provisional"]})
    source_ref = fields.String()
    holidays = fields.List(fields.String())
    workdays = fields.List(fields.String(), metadata={"description": "调休上班的周末"})
    special_holidays = fields.List(fields.String())


class YearIn(Schema):
    """holidays, workdays and source_ref are required; YearSchedule.from_dict checks them all
    and reports every problem at once (422 ``invalid_calendar``)."""

    class Meta:
        unknown = INCLUDE

    holidays = fields.Raw(allow_none=True, metadata=_DATES)
    workdays = fields.Raw(allow_none=True, metadata=_DATES)
    source_ref = fields.Raw(allow_none=True, metadata={"type": "string", "description": "通知文号及日期"})
    special_holidays = fields.Raw(allow_none=True, metadata=_DATES)


class Recomputed(Schema):
    request = fields.String()
    clock = fields.String()
    old_due_date = fields.String()
    new_due_date = fields.String()
    old_provisional = fields.Boolean()
    new_provisional = fields.Boolean()


class LoadedOut(YearOut):
    recomputed = fields.List(fields.Nested(Recomputed))
    failed = fields.List(fields.Dict())


def _refused(exc: ScheduleError) -> AppError:
    return AppError(exc.code, 422, exc.details, problem=exc.message)


@blp.get("/calendar/add-working-days")
@auth.require()
@blp.arguments(AddArgs, location="query")
@blp.response(200, AddOut)
def add_working_days(args):
    """The ``days``-th working day after ``start`` (start itself not counted)."""
    try:
        due, provisional = calendar().add_working_days(args["start"], args["days"])
    except ScheduleError as exc:
        raise _refused(exc) from None
    return {"date": due.isoformat(), "provisional": provisional}


@blp.get("/calendar/years/<int:year>")
@auth.require()
@blp.response(200, YearOut)
def get_year(year):
    """The schedule counted for ``year``: official where loaded, else the statutory estimate."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise AppError("not_found", 404, {"year": year, "min": MIN_YEAR, "max": MAX_YEAR})
    return calendar().year(year).to_dict()


@blp.put("/calendar/years/<int:year>")
@auth.require("admin")
@blp.arguments(YearIn)
@blp.response(200, LoadedOut)
def put_year(body, year):
    """Load a year's official schedule; open deadlines counted with the old one are recomputed."""
    try:
        schedule = YearSchedule.from_dict({"year": year, **body}, "official", expected_year=year)
    except ScheduleError as exc:
        raise _refused(exc) from None
    return load_year(schedule, auth.current_user().username)
