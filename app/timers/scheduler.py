"""APScheduler only ticks the acquisition loop; firing is the timer runner's business."""
from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from app.extensions import db
from app.mail import drain as drain_mail
from app.reminders import queue_due_soon as queue_reminders
from app.sla.rollup import refresh_now as refresh_rollup
from app.timers.runner import run_due

log = logging.getLogger(__name__)
ROLLUP_SECONDS = 300


def start(app: Flask, seconds: int = 10) -> BackgroundScheduler:
    """A daemon scheduler that runs due timers every ``seconds`` in this process."""

    def tick() -> None:
        with app.app_context():
            try:
                run_due()
            except Exception:  # keep ticking; the failure is logged, jobs retry or become incidents
                log.exception("timer tick failed")
            try:
                queue_reminders()  # deadlines one working day away, mailed once
                drain_mail()  # notifications' mail: retries and what a background sender missed
            except Exception:
                log.exception("mail tick failed")
            finally:
                db.session.remove()

    def rollup() -> None:
        with app.app_context():
            try:
                refresh_rollup()  # the dashboard's totals: what it must count live stays small
            except Exception:
                log.exception("sla rollup failed")
            finally:
                db.session.remove()

    scheduler = BackgroundScheduler(daemon=True)
    scheduler.add_job(tick, "interval", seconds=seconds, max_instances=1, coalesce=True, id="dsf-timers")
    scheduler.add_job(rollup, "interval", seconds=ROLLUP_SECONDS, max_instances=1, coalesce=True, id="dsf-rollup")
    scheduler.start()
    return scheduler
