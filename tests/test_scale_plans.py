"""A small bench/scale.py: 10,000 finished cases and 1,000 open tasks from the same generator on
the test PostgreSQL database; the read side's queries (inbox, request lists, dashboard, a case's
history, one day's export) must be served by indexes, and the HTTP answers must hold the rows
the data says they hold.

Plans on 11,000 cases: the planner rightly prefers a sequential scan of a table this small for
some queries, which would say nothing about a million. So the plans are taken after ANALYZE with
``enable_seqscan = off``: PostgreSQL then still reads a big table whole where no index can serve
the query (a missing index, a predicate no index matches, an OR it cannot split), by a
sequential scan or a scan of some index without a condition; bench/scale_plans.py
``full_scans`` flags both (an unconditioned index scan feeding a LIMIT, the newest-first page,
is fine: it stops early). The assertion is "an index path exists for every query"; the plans the
planner picks at 1,100,000 cases are in bench/README.md. The last test shows the check fails when
an index is missing."""
import csv
import importlib.util
import io
import pathlib
from datetime import date

import pytest
from sqlalchemy import text

from app.extensions import db
from tests.web_support import Pages

ROOT = pathlib.Path(__file__).resolve().parents[1]
APPROVER, AUDITOR = "bd-001_a", "auditor"
TODAY = date(2026, 3, 2)  # the demo fixture's clock

pytestmark = pytest.mark.skipif(not __import__("os").environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
                                reason="query plans are PostgreSQL's: needs TEST_DATABASE_URL=postgresql://...")


def _bench(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def city(api):
    done = _bench("scale_data").generate(10_000, 1_000, today=TODAY, log=lambda *_: None)
    assert done["departments"] == 40 and done["events"] > 50_000
    return api


def _one(sql: str, **params):
    return db.session.execute(text(sql), params).scalar()


def _plans(**kw) -> dict[str, set]:
    plans = _bench("scale_plans")
    db.session.execute(text("SET enable_seqscan = off"))
    try:
        return {label: plans.big_tables_read_whole(plans.explain(stmt))
                for label, stmt in plans.statements(APPROVER, AUDITOR, **kw)}
    finally:
        db.session.execute(text("RESET enable_seqscan"))


def _probe() -> dict:
    dept = _one("SELECT department_id FROM users WHERE username = :u", u=APPROVER)
    case_id = _one("SELECT case_id FROM human_tasks WHERE department_id = :d AND state = 'completed' "
                   "ORDER BY completed_at LIMIT 1", d=dept)
    day = _one("SELECT CAST(at AT TIME ZONE 'Asia/Shanghai' AS date) FROM audit_events "
               "WHERE type = 'task_completed' ORDER BY seq DESC LIMIT 1 OFFSET 500")
    return {"dept": dept, "case": case_id, "day": day}


def test_the_read_side_queries_use_indexes(city):
    p = _probe()
    plans = _plans(case_id=p["case"], day=p["day"])
    assert len(plans) >= 20
    assert {label: scans for label, scans in plans.items() if scans} == {}


def test_the_answers_hold_what_the_data_says(city):
    api, p = city, _probe()
    me = _one("SELECT id FROM users WHERE username = :u", u=APPROVER)
    mine_or_free = _one("SELECT count(*) FROM human_tasks WHERE state = 'open' AND department_id = :d "
                        "AND (assignee_id IS NULL OR assignee_id = :me)", d=p["dept"], me=me)
    team = _one("SELECT count(*) FROM human_tasks WHERE state = 'open' AND department_id = :d", d=p["dept"])
    late = _one("SELECT count(*) FROM human_tasks WHERE state = 'open' AND department_id = :d "
                "AND (assignee_id IS NULL OR assignee_id = :me) AND due_date < :today",
                d=p["dept"], me=me, today=TODAY)
    assert 0 < late < mine_or_free < team

    inbox = api.ok("GET", "/tasks?per_page=20", APPROVER)
    assert inbox["total"] == mine_or_free and len(inbox["items"]) == 20
    assert [t["overdue"] for t in inbox["items"]] == [True] * min(20, late) + [False] * (20 - min(20, late))
    assert api.ok("GET", "/tasks?scope=department", APPROVER)["total"] == team
    assert api.ok("GET", "/tasks?overdue=true", APPROVER)["total"] == late
    last = api.ok("GET", f"/tasks?scope=department&per_page=10&page={(team + 9) // 10}", APPROVER)
    assert len(last["items"]) == team - 10 * ((team + 9) // 10 - 1)
    searched = api.ok("GET", "/tasks?scope=department&q=信用", APPROVER)
    assert searched["total"] == _one("SELECT count(*) FROM human_tasks t JOIN cases c ON c.id = t.case_id "
                                     "WHERE t.state = 'open' AND t.department_id = :d "
                                     "AND c.input ->> 'purpose' LIKE '%信用%'", d=p["dept"]) > 0

    visible = _one("SELECT count(*) FROM cases c WHERE c.department_id = :d OR c.provider_department_id = :d "
                   "OR c.applicant_id = :me OR EXISTS (SELECT 1 FROM human_tasks t WHERE t.case_id = c.id "
                   "AND t.department_id = :d)", d=p["dept"], me=me)
    listed = api.ok("GET", "/requests", APPROVER)
    assert (listed["total"], listed["total_exact"]) == (visible, True) and len(listed["items"]) == 50
    assert 500 < visible < 1_000
    newest = _one("SELECT max(created_at) FROM cases c WHERE c.provider_department_id = :d OR c.department_id = :d",
                  d=p["dept"])
    assert listed["items"][0]["created_at"] == newest.isoformat()
    everything = api.ok("GET", "/requests", AUDITOR)  # 11,002 cases: counted up to 1,000
    assert (everything["total"], everything["total_exact"]) == (1_000, False)
    page = Pages(api.app, AUDITOR).text("/requests?page=2")
    assert "第 2 页,超过 1000 条,请筛选" in page and page.count("<tr data-case=") == 50
    purchases = api.ok("GET", "/requests?kind=purchase", AUDITOR)
    assert (purchases["total"], purchases["total_exact"], purchases["items"]) == (0, True, [])
    assert api.ok("GET", "/requests?status=refused&page=20", AUDITOR)["items"][-1]["status"] == "refused"

    history = api.ok("GET", f"/requests/{p['case']}/history", AUDITOR)["events"]
    assert [e["type"] for e in history][:3] == ["case_started", "task_created", "task_claimed"]
    export = api.get(f"/audit/events?from={p['day']}&to={p['day']}&format=csv", AUDITOR)
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) - 1 == _one("SELECT count(*) FROM audit_events WHERE CAST(at AT TIME ZONE 'Asia/Shanghai' "
                                 "AS date) = :day", day=p["day"]) > 0


def test_the_dashboard_counts_the_generated_history(city):
    from app.web.deadlines import today
    from app.web.sla_stats import report

    rep = report(today())
    stopped = _one("SELECT count(*) FROM cases WHERE sla -> 0 ->> 'stopped_on' IS NOT NULL")
    share = rep.paths["share"]
    assert share.on_time + share.late == stopped == 10_001  # the generated ones and the template case
    assert share.late == _one("SELECT count(*) FROM cases WHERE CAST(sla -> 0 ->> 'breached' AS boolean)") > 0
    overdue = _one("SELECT count(*) FROM cases WHERE status = 'pending' AND CAST(sla -> 0 ->> 'due_date' AS date) < :t",
                   t=TODAY)
    assert rep.overdue_total == overdue > 100 and len(rep.overdue) == 100
    assert rep.overdue[0]["due_date"] <= rep.overdue[-1]["due_date"]


def test_the_plan_check_fails_without_the_index(city):
    """Dropping the index of the auditors' list (in a transaction, rolled back) shows up."""
    db.session.execute(text("DROP INDEX ix_cases_created"))
    try:
        plans = _plans()
    finally:
        db.session.rollback()
    assert plans["requests (auditor)"] == {"cases"}
