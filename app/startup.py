"""Start-up work for a serving process: the DSF_ADMIN_PASSWORD bootstrap and the timer
scheduler. Only a process that serves requests (gunicorn, ``flask run``) does it, so
``flask db upgrade`` and the other CLI commands never start a scheduler."""
from __future__ import annotations

import logging

import click
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from app.errors import AppError
from app.extensions import db

log = logging.getLogger(__name__)


def is_serving() -> bool:
    """True under gunicorn (no click context) or ``flask run``; False for other CLI commands."""
    ctx = click.get_current_context(silent=True)
    return ctx is None or ctx.info_name == "run"


def serve(app: Flask) -> None:
    """Called once per serving process, right after the app is created."""
    from app.identity import bootstrap_admin

    with app.app_context():
        try:
            bootstrap_admin(app.config["DSF_ADMIN_PASSWORD"])
        except SQLAlchemyError:  # not migrated yet: say so, keep serving
            db.session.rollback()
            log.warning("could not create the admin user: run `flask --app wsgi db upgrade` first")
        except AppError as exc:  # e.g. weak_password: say why, keep serving
            log.error("DSF_ADMIN_PASSWORD refused (%s %s): no admin user created", exc.code, exc.details)
        finally:
            db.session.remove()
    if app.config["DSF_SCHEDULER"] != "off":
        from app.timers.scheduler import start

        app.extensions["dsf_scheduler"] = start(app, app.config["DSF_TIMER_TICK_SECONDS"])
