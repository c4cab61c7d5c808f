"""The supervision dashboard: SLA compliance, overdue cases, working days to answer."""
from __future__ import annotations

from flask import render_template

from app.cases.regulations import lapsed_in_force
from app.web import bp
from app.web.deadlines import today
from app.web.labels import KINDS, label
from app.web.session import login_required
from app.web.sla_stats import report

SUPERVISORS = ("admin", "auditor", "authority")


def chart_data(rep) -> dict:
    """What the charts draw (dashboard.js): plain lists, labels already in the page's language."""
    def series(tallies: dict, name=lambda k: k) -> dict:
        keys = list(tallies)
        return {"names": [name(k) for k in keys],
                "on_time": [tallies[k].on_time for k in keys], "late": [tallies[k].late for k in keys],
                "open_late": [tallies[k].open_late for k in keys],
                "compliance": [tallies[k].compliance for k in keys]}

    return {"departments": series(rep.departments), "paths": series(rep.paths, lambda k: label(KINDS, k)),
            "answer_days": {"names": list(rep.answer_days), "days": list(rep.answer_days.values())}}


@bp.get("/dashboard")
@login_required(*SUPERVISORS)
def dashboard():
    day = today()
    rep = report(day)
    return render_template("dashboard.html", report=rep, charts=chart_data(rep), lapsed=lapsed_in_force(day))
