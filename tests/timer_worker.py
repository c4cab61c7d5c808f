"""One service process draining due timers (``app.timers.runner.run_due``), for the tests.

    python -m tests.timer_worker DATABASE_URL NOW_ISO OWNER

Builds its own app on DATABASE_URL with the testing clock at NOW_ISO, prints ``ready``, waits
for a line on stdin (so several workers start together), runs ``run_due`` and prints
``{"owner": ..., "fired": n}``.
"""
from __future__ import annotations

import json
import sys
from datetime import datetime


def main(url: str, now_iso: str, owner: str) -> None:
    from app import create_app
    from app.extensions import db
    from app.timers.runner import run_due

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DSF_FAKE_CLOCK": True, "DSF_SCHEDULER": "off"})
    with app.app_context():
        app.extensions["dsf_clock"].set(datetime.fromisoformat(now_iso))
        db.session.execute(db.text("SELECT 1"))  # connect before the start signal
        db.session.rollback()
        print("ready", flush=True)
        sys.stdin.readline()
        fired = run_due(owner)
    print(json.dumps({"owner": owner, "fired": fired}), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
