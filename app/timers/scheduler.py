"""APScheduler only ticks the acquisition loop; firing is the timer runner's business."""
from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from app.extensions import db
from app.mail import drain as drain_mail
from app.reminders import queue_due_soon as queue_reminders
from app.timers.runner import run_due

log = logging.getLogger(__name__)


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

    scheduler = BackgroundScheduler(daemon=True)
    scheduler.add_job(tick, "interval", seconds=seconds, max_instances=1, coalesce=True, id="dsf-timers")
    scheduler.start()
    return scheduler
