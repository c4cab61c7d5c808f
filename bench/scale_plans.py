"""The read side's main queries, built by the service's own code, and their PostgreSQL plans:
used by bench/scale.py --explain and tests/test_scale_plans.py (no sequential scan on the big
tables). Must run inside an app context on PostgreSQL."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

BIG_TABLES = ("cases", "human_tasks", "audit_events")


def statements(approver: str, auditor: str, case_id: str | None = None, day: date | None = None) -> list:
    """(label, select or (select, parameters)) of the inbox (its filters and count), the request lists (page and capped
    count), a case's history and grants, one day's audit export and the dashboard's queries."""
    from app.audit.export import query as export_query
    from app.cases import lists, views
    from app.extensions import db
    from app.grants.views import visible as visible_grants
    from app.models import AuditEvent, Grant, User
    from app.services import timezone
    from app.web import sla_stats
    from app.web.deadlines import today

    user = db.session.scalar(select(User).where(User.username == approver))
    reader = db.session.scalar(select(User).where(User.username == auditor))
    on = today()

    def inbox(**args):
        return views.inbox(user, on, args, 0, 50)

    def capped(query):
        return query.count_select(lists.COUNT_CAP)

    out = [("inbox", inbox()),
           ("inbox count", views.inbox_count(user, on, {})),
           ("inbox count search q", views.inbox_count(user, on, {"q": "信用"})),
           ("inbox assigned=me", inbox(assigned="me")),
           ("inbox overdue=true", inbox(overdue=True)),
           ("inbox search q", inbox(q="信用")),
           ("inbox scope=department", inbox(scope="department")),
           ("inbox scope=department page 50", views.inbox(user, on, {"scope": "department"}, 2450, 50)),
           ("requests (department)", lists.requests_query(user).page_select(0, 50)),
           ("requests count (department, capped)", capped(lists.requests_query(user))),
           ("requests page 50 (department)", lists.requests_query(user).page_select(2450, 50)),
           ("requests status=pending (department)", lists.requests_query(user, status="pending").page_select(0, 50)),
           ("requests count status=pending (department, capped)", capped(lists.requests_query(user, status="pending"))),
           ("requests (auditor)", lists.requests_query(reader).page_select(0, 50)),
           ("requests count (auditor, capped)", capped(lists.requests_query(reader))),
           ("requests status=refused (auditor)", lists.requests_query(reader, status="refused").page_select(0, 50))]
    out += [(f"dashboard: {label}", stmt) for label, stmt in sla_stats.statements(on)]
    if case_id is not None:
        out += [("case history", select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)),
                ("case grants", visible_grants(user).where(Grant.case_id == case_id))]
    if day is not None:
        out.append(("audit export of one day", export_query(None, day, day, timezone())))
    return out


def explain(stmt, analyze: bool = False):
    """The plan of ``stmt`` (a select, or a select and its parameters) as PostgreSQL would run
    it: JSON, or text with ANALYZE and BUFFERS."""
    from app.extensions import db

    stmt, params = stmt if isinstance(stmt, tuple) else (stmt, {})
    conn = db.session.connection()
    expanded = stmt.compile(dialect=conn.dialect).construct_expanded_state(params)
    options = "ANALYZE, BUFFERS" if analyze else "FORMAT JSON"
    rows = conn.exec_driver_sql(f"EXPLAIN ({options}) {expanded.statement}", expanded.parameters).all()
    return "\n".join(r[0] for r in rows) if analyze else rows[0][0][0]["Plan"]


BLOCKING = ("Sort", "Incremental Sort", "Aggregate", "Hash", "Materialize", "SetOp", "WindowAgg")
SCANS = ("Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Index Scan")


def full_scans(plan: dict, bounded: bool = False) -> set[str]:
    """Tables the plan reads whole: a sequential scan, or an index scan with no condition unless
    it feeds a LIMIT with nothing blocking in between (a newest-first page stops early).
    ``enable_seqscan = off`` turns a missing index into a full index scan: this catches both."""
    found = set()
    node = plan.get("Node Type")
    if node in SCANS and plan.get("Relation Name", plan.get("Index Name")):
        conditioned = "Index Cond" in plan or node == "Bitmap Index Scan"
        if node == "Seq Scan" or not (conditioned or bounded):
            found.add(plan.get("Relation Name") or plan["Index Name"])
    if node == "Limit":
        bounded = True
    elif node in BLOCKING or plan.get("Strategy") == "Hashed":
        bounded = False
    for child in plan.get("Plans", []):
        found |= full_scans(child, bounded)
    return found


def big_tables_read_whole(plan: dict) -> set[str]:
    return full_scans(plan) & set(BIG_TABLES)


def analyzed(approver: str, auditor: str) -> list[tuple[str, str]]:
    """(label, EXPLAIN ANALYZE text) of every statement, on the generated data."""
    from sqlalchemy import text

    from app.extensions import db

    case_id = db.session.execute(text("SELECT case_id FROM audit_events ORDER BY seq DESC LIMIT 1")).scalar()
    day = db.session.execute(text("SELECT CAST(max(at) AT TIME ZONE 'Asia/Shanghai' AS date) FROM audit_events")
                             ).scalar() - timedelta(days=30)
    return [(label, explain(stmt, analyze=True)) for label, stmt in statements(approver, auditor, case_id, day)]
