"""Per-application services (clock, engine, calendar), reached through ``current_app``."""
from __future__ import annotations

from datetime import date

from flask import current_app

from app.engine.clock import local_date


def clock():
    return current_app.extensions["dsf_clock"]


def engine():
    return current_app.extensions["dsf_engine"]


def calendar():
    """The working-day calendar in force: shipped official years plus those an admin loaded."""
    return current_app.extensions["dsf_calendar"].get()


def timezone() -> str:
    return current_app.config["DSF_TIMEZONE"]


def today() -> date:
    """Today in the service time zone, on the service clock."""
    return local_date(clock().now(), timezone())


def city_region() -> str:
    return current_app.config["DSF_CITY_REGION"]
