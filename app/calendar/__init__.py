"""Chinese working-day calendar for deadlines (法定节假日 off, 调休 make-up days worked).

Official State Council schedules are data (config/calendar/<year>.json); a year without one
is estimated from the statutory rules and flagged provisional, so its deadlines can be
recomputed when the notice is loaded. Pure Python: no Flask, no database.
"""
from app.calendar.estimate import estimate_year
from app.calendar.schedule import ScheduleError, YearSchedule, load_official_schedules
from app.calendar.statutory import qingming, statutory_days
from app.calendar.workdays import ScheduledChina, WorkCalendar

__all__ = ["WorkCalendar", "YearSchedule", "ScheduleError", "load_official_schedules",
           "estimate_year", "statutory_days", "qingming", "ScheduledChina"]
