"""The dashboard's incremental totals (app/sla/rollup.py) give the same figures as a full pass
over every case: right after a refresh, and after cases change again before the next one."""
from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import SlaCaseMark, SlaOpenClock, SlaOpenClockDay, SlaRollup, SlaRollupState
from app.services import calendar, clock, timezone
from app.sla.rollup import refresh
from app.web.deadlines import today
from app.web.sla_stats import report
from tests.support import at


def _figures():
    rep = report(today())
    db.session.rollback()
    return rep


def _full_pass():
    """The figures with no totals at all: every case computed live."""
    with db.engine.begin() as conn:
        for model in (SlaRollupState, SlaOpenClock, SlaOpenClockDay, SlaCaseMark, SlaRollup):
            conn.execute(delete(model))
    return _figures()


def _refresh(now=None):
    marked = refresh(now or clock().now(), timezone(), calendar())
    db.session.commit()
    return marked


def test_totals_refreshed_and_then_outdated_give_the_full_pass_figures(demo, api):
    done = api.share("zrzy_sun", "GA-HJ-001")
    api.ok("POST", f"/tasks/{api.task_of(done, 'provider_review')['id']}/complete", "ga_wang",
           json={"decision": "approve"})
    api.set_clock(at(2026, 3, 3))
    late = api.share("zrzy_sun", "GA-HJ-001", "迟办")                   # due 2026-03-17
    api.share("zrzy_sun", "GA-HJ-001", "按期")
    api.set_clock(at(2026, 3, 18, 10))
    api.run_timers()
    live = _full_pass()
    assert live.overdue_total == 2 and live.paths["share"].on_time == 1

    # refreshed at 10:15, so marked through 10:05: every case marked, none left to compute live
    assert _refresh(at(2026, 3, 18, 10, 15)) == 3
    assert db.session.scalar(select(func.count()).select_from(SlaOpenClock)) == 2
    assert db.session.scalar(select(func.sum(SlaOpenClockDay.n))) == 2
    refreshed = _figures()
    assert refreshed == live

    # one late review is decided after 10:05: its marked contribution is replaced live
    api.set_clock(at(2026, 3, 18, 10, 20))
    api.ok("POST", f"/tasks/{api.task_of(late, 'provider_review')['id']}/complete", "ga_wang",
           json={"decision": "refuse", "reason": "不符合共享条件"})
    moved = _figures()
    assert moved.paths["share"].late == 1 and moved.overdue_total == 1
    assert moved.departments["东营市公安局"].late == 1
    assert _refresh(at(2026, 3, 18, 10, 40)) == 1
    assert _figures() == moved == _full_pass()
