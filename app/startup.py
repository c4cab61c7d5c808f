"""Start-up work that needs a migrated database, done once per process on its first request
(so ``flask db upgrade`` and other CLI commands never start a scheduler)."""
from __future__ import annotations

import threading

from flask import Flask

_lock = threading.Lock()


def install(app: Flask) -> None:
    state = {"done": False}

    @app.before_request
    def _once():
        if state["done"]:
            return
        with _lock:
            if state["done"]:
                return
            state["done"] = True
            from app.identity import bootstrap_admin

            bootstrap_admin(app.config["DSF_ADMIN_PASSWORD"])
            if app.config["DSF_SCHEDULER"] != "off" and not app.testing:
                from app.timers.scheduler import start

                app.extensions["dsf_scheduler"] = start(app, app.config["DSF_TIMER_TICK_SECONDS"])
