"""A big city's history in PostgreSQL, set-based: the generator behind bench/scale.py and
tests/test_scale_plans.py.

One conditional share request is filed and decided through the domain commands (so its rows
are exactly what the service writes); then ``finished`` decided cases and ``open_tasks``
pending ones are written with ``INSERT ... SELECT generate_series`` in their likeness, spread
over ``years`` years before ``today`` and over ``departments`` departments (the demo ones plus
generated ones, each with an approver, an applicant and three catalog entries):

- cases: share requests, 70 % granted, 20 % refused, 10 % withdrawn; SLA clock of the provider
  review (10 WD, due date from the real working-day calendar), met or breached; pending ones
  filed in the last 45 days, some already late, one in twenty on the green channel;
- human tasks: the provider review, completed (cancelled when withdrawn) or open, a third of
  the open ones claimed by an approver of the department;
- grants for the granted cases;
- audit events as the service appends them (case_started, task_created, task_claimed,
  task_completed, case_decided, grant_created), in time order, on the one hash chain with the
  real ``chain_hash`` (streamed through Python into ``COPY``), so ``audit verify`` holds.

The workflow state of every generated case is the template's text (same for all finished ones,
same for all pending ones): the read side never loads it. Generated open tasks are for reading:
their spiff task ids do not match the stored state, so they cannot be completed.
Must run inside an app context on a migrated database with the demo data and bpmn/ deployed.
"""
from __future__ import annotations

import json
import time
from datetime import date, datetime, timedelta, timezone as dt_timezone

from sqlalchemy import select, text

PURPOSES = ("不动产登记核验", "社会保障资格认证", "企业信用核查", "户籍信息比对", "医疗救助对象审核",
            "住房公积金核验", "低保家庭经济状况核对", "行政许可审批")
TEMPLATE_RESOURCE, TEMPLATE_APPLICANT, TEMPLATE_APPROVER = "GA-HJ-001", "zrzy_sun", "ga_wang"


def _sql(statement: str, **params):
    from app.extensions import db

    return db.session.execute(text(statement), params)


def vacuum_analyze(*tables: str) -> None:
    """VACUUM (ANALYZE), as autovacuum leaves a steady database: statistics for the planner and
    the visibility map, without which no index-only scan skips the heap (a fresh bulk load has
    none: the department lists then read 26,000 heap blocks). Outside a transaction."""
    from app.extensions import db

    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"VACUUM (ANALYZE) {', '.join(tables)}"))


def _templates() -> tuple[dict, dict]:
    """(finished case row, pending case row), each filed through the domain commands."""
    from app.cases import share, tasks
    from app.extensions import db
    from app.models import Case, HumanTask, User

    applicant = db.session.scalar(select(User).where(User.username == TEMPLATE_APPLICANT))
    approver = db.session.scalar(select(User).where(User.username == TEMPLATE_APPROVER))
    done = share.start(applicant, TEMPLATE_RESOURCE, "基准模板", None, None)
    db.session.commit()
    task_id = db.session.scalar(select(HumanTask.id).where(HumanTask.case_id == done.id))
    tasks.claim(approver, task_id)
    db.session.commit()
    tasks.complete(approver, task_id, {"decision": "approve", "conditions": "仅限履行职责"})
    db.session.commit()
    pending = share.start(applicant, TEMPLATE_RESOURCE, "基准模板", None, None)
    db.session.commit()
    rows = [dict(db.session.execute(select(Case.__table__).where(Case.id == c)).mappings().one())
            for c in (done.id, pending.id)]
    return rows[0], rows[1]


def _departments(total: int, password_hash: str, now: datetime) -> None:
    """Generated departments (beyond the demo's), each with users and three conditional entries."""
    _sql("""
        INSERT INTO departments (code, name, kind, region)
        SELECT 'BD-' || lpad(g::text, 3, '0'), '东营市第' || g || '委办局', 'government',
               CASE WHEN g % 4 = 0 THEN '垦利区' ELSE '东营市' END
        FROM generate_series(1, :n) g
        ON CONFLICT (code) DO NOTHING""", n=max(total - _count("departments"), 0))
    for role, suffix in (("approver", "a"), ("approver", "b"), ("applicant", "s")):
        _sql("""
            INSERT INTO users (username, password_hash, display_name, department_id, roles, created_at, disabled)
            SELECT lower(d.code) || '_' || :suffix, :hash, d.name || ' ' || :suffix, d.id,
                   CAST(:roles AS json), :now, false
            FROM departments d WHERE d.code LIKE 'BD-%'
            ON CONFLICT (username) DO NOTHING""", suffix=suffix, hash=password_hash,
             roles=json.dumps([role]), now=now)
    _sql("""
        INSERT INTO resources (code, name, provider_id, share_type, share_conditions, legal_basis, open_type,
                               security_level, update_cycle, on_platform, created_at, updated_at)
        SELECT d.code || '-R' || r, d.name || (ARRAY['基础信息', '业务办理信息', '监管信息'])[r],
               d.id, 'conditional', '仅限履行法定职责所需', '《东营市公共数据管理办法》第二十一条', 'closed',
               '一般', '每日', true, :now, :now
        FROM departments d CROSS JOIN generate_series(1, 3) r WHERE d.code LIKE 'BD-%'
        ON CONFLICT (code) DO NOTHING""", now=now)


def _count(table: str) -> int:
    return _sql(f"SELECT count(*) FROM {table}").scalar()


def _lookup_tables(first_day: date, last_day: date) -> None:
    """Temporary tables the set-based inserts pick from: conditional resources with their
    provider, applicants, approvers per department, and the 10 WD due date of each filing day."""
    from app.services import calendar

    _sql("DROP TABLE IF EXISTS _res, _app, _appr, _due")
    _sql("""CREATE TEMP TABLE _res AS
            SELECT row_number() OVER (ORDER BY r.code) - 1 AS n, r.code, r.provider_id, d.code AS provider_code
            FROM resources r JOIN departments d ON d.id = r.provider_id
            WHERE r.share_type = 'conditional' AND r.on_platform
              AND EXISTS (SELECT 1 FROM users u WHERE u.department_id = r.provider_id
                          AND CAST(u.roles AS text) LIKE '%approver%')""")
    _sql("""CREATE TEMP TABLE _app AS
            SELECT row_number() OVER (ORDER BY u.id) - 1 AS n, u.id AS user_id, u.department_id, d.code AS dept_code
            FROM users u JOIN departments d ON d.id = u.department_id
            WHERE CAST(u.roles AS text) LIKE '%applicant%'""")
    _sql("""CREATE TEMP TABLE _appr AS
            SELECT u.department_id, row_number() OVER (PARTITION BY u.department_id ORDER BY u.id) - 1 AS n,
                   count(*) OVER (PARTITION BY u.department_id) AS of_n, u.id AS user_id, u.username
            FROM users u WHERE CAST(u.roles AS text) LIKE '%approver%'""")
    _sql("CREATE TEMP TABLE _due (day date PRIMARY KEY, due date NOT NULL)")
    work, days, day = calendar(), [], first_day
    while day <= last_day:
        days.append({"day": day, "due": work.add_working_days(day, 10)[0]})
        day += timedelta(days=1)
    from app.extensions import db

    db.session.execute(text("INSERT INTO _due (day, due) VALUES (:day, :due)"), days)
    for table in ("_res", "_app", "_appr", "_due"):
        _sql(f"ANALYZE {table}")


# One generated case per g: its resource, applicant, filing instant (UTC), local filing day.
_CASE_BASE = """
    SELECT g, 'c' || substr(md5(:tag || g), 2) AS id, r.code AS resource_code, r.provider_id,
           r.provider_code, a.user_id AS applicant_id, a.department_id, a.dept_code,
           CAST(:t0 AS timestamptz) + (g - 1) * CAST(:step AS interval) AS created_at,
           CAST((CAST(:t0 AS timestamptz) + (g - 1) * CAST(:step AS interval)) AT TIME ZONE :tz AS date) AS filed_on
    FROM generate_series(1, :n) g
    JOIN _res r ON r.n = (g * 7) % (SELECT count(*) FROM _res)
    JOIN _app a ON a.n = (g * 13) % (SELECT count(*) FROM _app)
"""


def _insert_cases(tag: str, n: int, t0: datetime, step: timedelta, tz: str, template: dict, finished: bool):
    """Cases, their provider-review task, grants: one statement each."""
    purposes = "(ARRAY[" + ",".join(f"'{p}'" for p in PURPOSES) + "])"
    status = ("CASE WHEN g % 10 = 0 THEN 'refused' WHEN g % 10 = 1 THEN 'withdrawn' ELSE 'granted' END"
              if finished else "'pending'")
    # finished: decided after 1..14 days; late (breached) when decided after the due date
    decided = "(c.created_at + ((g % 14) + 1) * interval '1 day' + interval '2 hours')"
    decided_on = f"CAST({decided} AT TIME ZONE :tz AS date)"
    _sql(f"""
        CREATE TEMP TABLE _new AS
        SELECT c.*, {status} AS status, d.due,
               {decided if finished else 'NULL::timestamptz'} AS decided_at,
               {decided_on if finished else 'NULL::date'} AS decided_on,
               {purposes}[1 + g % {len(PURPOSES)}] || '(第' || g || '号)' AS purpose
        FROM ({_CASE_BASE}) c JOIN _due d ON d.day = c.filed_on""",
         tag=tag, t0=t0, step=step, tz=tz, n=n)
    sla = f"""json_build_array(json_build_object(
        'key', 'provider_review', 'name', '提供单位审核', 'legal_basis', '《东营市公共数据管理办法》第二十一条',
        'working_days', 10, 'started_on', to_char(filed_on, 'YYYY-MM-DD'), 'due_date', to_char(due, 'YYYY-MM-DD'),
        'state', {"CASE WHEN decided_on > due THEN 'breached' ELSE 'met' END" if finished else "'running'"},
        'provisional', false,
        'stopped_on', {"to_char(decided_on, 'YYYY-MM-DD')" if finished else 'NULL'},
        'breached', {'decided_on > due' if finished else 'false'}, 'remaining_working_days', 10,
        'segments', json_build_array(json_build_object('state', 'running', 'from', to_char(filed_on, 'YYYY-MM-DD'),
                                     'to', {"to_char(decided_on, 'YYYY-MM-DD')" if finished else 'NULL'},
                                     'reason', NULL)),
        'restarts', json_build_array()))"""
    outcome = ("""CASE status
        WHEN 'granted' THEN json_build_object('decision', 'approve', 'reason', NULL,
                                              'conditions', '仅限履行职责', 'reply_type', NULL)
        WHEN 'refused' THEN json_build_object('decision', 'refuse', 'reason', '用途与共享条件不符',
                                              'conditions', NULL, 'reply_type', NULL)
        ELSE NULL END""" if finished else "NULL")
    _sql(f"""
        INSERT INTO cases (id, kind, status, outcome, resource_code, applicant_id, department_id,
                           provider_department_id, lanes, input, sla, process_definition_id, workflow_state,
                           created_at, updated_at, version)
        SELECT id, 'share', status, {outcome}, resource_code, applicant_id, department_id, provider_id,
               json_build_object('city_authority', 'DY-DSJ', 'provider', provider_code, 'provider_authority', 'DY-DSJ',
                                 'applicant', dept_code, 'applicant_authority', 'DY-DSJ'),
               json_build_object('resource', resource_code, 'purpose', purpose, 'legal_basis', NULL,
                                 'green_channel', g % 20 = 0,
                                 'green_reason', CASE WHEN g % 20 = 0 THEN '突发公共事件应急处置' END),
               {sla}, :definition, :state, created_at, coalesce(decided_at, created_at), :version
        FROM _new""", definition=template["process_definition_id"], state=template["workflow_state"],
         version=template["version"])
    # the provider review: completed by (or open, a third claimed by) an approver of the provider
    task_state = ("CASE WHEN status = 'withdrawn' THEN 'cancelled' ELSE 'completed' END" if finished else "'open'")
    assignee = "p.user_id" if finished else "CASE WHEN g % 3 = 0 THEN p.user_id END"
    _sql(f"""
        INSERT INTO human_tasks (id, case_id, spiff_task_id, task_key, name, kind, department_id, role, assignee_id,
                                 state, created_at, due_date, completed_at, completed_by_id,
                                 resource_code, applicant_department_id, purpose)
        SELECT 't' || substr(id, 2), id, CAST(md5('spiff' || id) AS uuid)::text, 'provider_review', '提供单位审核',
               'share', provider_id, 'approver', CASE WHEN status = 'withdrawn' THEN NULL ELSE {assignee} END,
               {task_state}, created_at, due,
               CASE WHEN status IN ('granted', 'refused') THEN decided_at END,
               CASE WHEN status IN ('granted', 'refused') THEN p.user_id END,
               resource_code, _new.department_id, purpose
        FROM _new JOIN _appr p ON p.department_id = _new.provider_id AND p.n = g % p.of_n""")
    if finished:
        _sql("""
            INSERT INTO grants (id, resource_code, department_id, provider_department_id, case_id, purpose,
                                conditions, granted_at, expires_at, state)
            SELECT 'g' || substr(id, 2), resource_code, department_id, provider_id, id, purpose, '仅限履行职责',
                   decided_at, NULL, CASE WHEN g % 50 = 2 THEN 'revoked' ELSE 'active' END
            FROM _new WHERE status = 'granted'""")
    _stage_events(finished)
    _sql("DROP TABLE _new")


def _stage_events(finished: bool) -> None:
    """The cases' audit events, as rows of a staging table ordered later by time."""
    _sql("""
        INSERT INTO _events (at, case_id, actor, type, element, a, b, c, d)
        SELECT n.created_at, n.id, u.username, 'case_started', 'share_request', n.resource_code, n.purpose,
               n.provider_code, CAST(g % 20 = 0 AS text)
        FROM _new n JOIN users u ON u.id = n.applicant_id
        UNION ALL
        SELECT n.created_at, n.id, u.username, 'task_created', 'provider_review', 't' || substr(n.id, 2),
               n.provider_code, to_char(n.due, 'YYYY-MM-DD'), NULL
        FROM _new n JOIN users u ON u.id = n.applicant_id""")
    _sql("""
        INSERT INTO _events (at, case_id, actor, type, element, a, b, c, d)
        SELECT t.created_at + interval '1 hour', t.case_id, u.username, 'task_claimed', 'provider_review', t.id,
               NULL, NULL, NULL
        FROM human_tasks t JOIN _new n ON n.id = t.case_id JOIN users u ON u.id = t.assignee_id""")
    if not finished:
        return
    _sql("""
        INSERT INTO _events (at, case_id, actor, type, element, a, b, c, d)
        SELECT n.decided_at, n.id, u.username, 'task_completed', 'provider_review', 't' || substr(n.id, 2),
               CASE n.status WHEN 'granted' THEN 'approve' ELSE 'refuse' END, NULL, NULL
        FROM _new n JOIN human_tasks t ON t.case_id = n.id JOIN users u ON u.id = t.completed_by_id
        WHERE n.status IN ('granted', 'refused')
        UNION ALL
        SELECT n.decided_at, n.id, coalesce(u.username, a.username),
               CASE n.status WHEN 'withdrawn' THEN 'case_withdrawn' ELSE 'case_decided' END, NULL, n.status,
               NULL, NULL, NULL
        FROM _new n JOIN human_tasks t ON t.case_id = n.id LEFT JOIN users u ON u.id = t.completed_by_id
        JOIN users a ON a.id = n.applicant_id
        UNION ALL
        SELECT n.decided_at, n.id, u.username, 'grant_created', NULL, 'g' || substr(n.id, 2), n.resource_code,
               n.provider_code, n.dept_code
        FROM _new n JOIN human_tasks t ON t.case_id = n.id JOIN users u ON u.id = t.completed_by_id
        WHERE n.status = 'granted'""")


def _event_data(type_: str, a, b, c, d) -> dict:
    """An event's ``data`` as the service writes it for that type."""
    if type_ == "case_started":
        return {"input": {"resource": a, "purpose": b, "legal_basis": None, "green_channel": d == "true",
                          "green_reason": "突发公共事件应急处置" if d == "true" else None},
                "catalog": {"share_type": "conditional", "on_platform": True, "provider": c,
                            "catalog_legal_basis": "《东营市公共数据管理办法》第二十一条",
                            "share_conditions": "仅限履行法定职责所需", "emergency_until": None},
                "process": {"key": "share_request", "version": 1}}
    if type_ == "task_created":
        return {"task": a, "department": b, "role": "approver", "due_date": c}
    if type_ == "task_claimed":
        return {"task": a}
    if type_ == "task_completed":
        data = ({"decision": "approve", "conditions": "仅限履行职责", "reason": None} if b == "approve"
                else {"decision": "refuse", "conditions": None, "reason": "用途与共享条件不符"})
        return {"task": a, "data": data}
    if type_ == "case_decided":
        outcome = ({"decision": "approve", "reason": None, "conditions": "仅限履行职责", "reply_type": None}
                   if a == "granted" else {"decision": "refuse", "reason": "用途与共享条件不符", "conditions": None,
                                           "reply_type": None})
        return {"status": a, "outcome": outcome}
    if type_ == "case_withdrawn":
        return {}
    return {"grant": a, "resource": b, "provider": c, "department": d, "conditions": "仅限履行职责",
            "expires_at": None}


def _append_events() -> int:
    """Stream the staged events in time order onto the hash chain with COPY; returns how many."""
    from app.audit.log import canonical, chain_hash, event_body
    from app.extensions import db
    from app.models import ChainHead

    head = db.session.get(ChainHead, 1, with_for_update=True)
    seq, prev = head.last_seq, head.last_hash
    raw = db.session.connection().connection.driver_connection
    _sql("CREATE INDEX ON _events (at, k)")
    written, last = 0, None
    with raw.cursor() as cur:
        while True:  # a chunk in time order, then its COPY (one connection: one thing at a time)
            after = "" if last is None else "WHERE (at, k) > (%s, %s)"
            cur.execute(f"SELECT at, k, case_id, actor, type, element, a, b, c, d FROM _events {after} "
                        "ORDER BY at, k LIMIT 50000", last or ())
            chunk = cur.fetchall()
            if not chunk:
                break
            last = chunk[-1][:2]
            with cur.copy("COPY audit_events (seq, case_id, at, actor, type, element, data, prev_hash, hash) "
                          "FROM STDIN") as copy:
                for at, _k, case_id, actor, type_, element, a, b, c, d in chunk:
                    seq += 1
                    data = json.loads(canonical(_event_data(type_, a, b, c, d)))
                    digest = chain_hash(prev, event_body(seq, case_id, at, actor, type_, element, data))
                    copy.write_row((seq, case_id, at, actor, type_, element, canonical(data), prev, digest))
                    prev = digest
            written += len(chunk)
    head.last_seq, head.last_hash = seq, prev
    return written


def generate(finished: int, open_tasks: int, departments: int = 40, years: int = 3,
             today: date | None = None, log=print) -> dict:
    """Write the history; returns what was written. ``today``: the service's today (the pending
    cases are filed in the 45 days before it)."""
    from app.engine.clock import local_date
    from app.extensions import db
    from app.models import User
    from app.services import calendar, clock, timezone
    from app.sla import rollup

    started = time.perf_counter()
    tz = timezone()
    now = clock().now()
    today = today or local_date(now, tz)
    done_template, pending_template = _templates()
    _sql("SET LOCAL synchronous_commit = off")
    if db.engine.dialect.name == "postgresql":
        _sql("SET default_toast_compression = lz4")
    password_hash = db.session.scalar(select(User.password_hash).where(User.username == TEMPLATE_APPROVER))
    _departments(departments, password_hash, now)
    first = today - timedelta(days=365 * years)
    _lookup_tables(first - timedelta(days=1), today + timedelta(days=1))
    _sql("""CREATE TEMP TABLE _events (k bigserial, at timestamptz, case_id varchar(32), actor text, type text,
            element text, a text, b text, c text, d text)""")
    # finished: filed from ``years`` ago until 60 days ago; pending: in the last 45 days

    def local_morning(d: date) -> datetime:  # 08:30 in Shanghai
        return datetime(d.year, d.month, d.day, 8, 30, tzinfo=dt_timezone.utc) - timedelta(hours=8)

    span_finished = (today - timedelta(days=60)) - first
    _insert_cases("f", finished, local_morning(first), span_finished / max(finished, 1), tz, done_template, True)
    log(f"  {finished:,} finished cases, tasks, grants in {time.perf_counter() - started:.0f} s")
    # ending now at the latest: a case filed "later today" would be in the future, never in the
    # dashboard's refreshed totals (run between local midnight and 08:30 every pending case of the
    # last day was, and the dashboard recounted ~700 cases on every call)
    pending_from = local_morning(today - timedelta(days=45))
    pending_span = min(local_morning(today), now) - pending_from
    _insert_cases("p", open_tasks, pending_from, pending_span / max(open_tasks, 1), tz, pending_template, False)
    log(f"  {open_tasks:,} pending cases with open tasks in {time.perf_counter() - started:.0f} s")
    events = _append_events()
    _sql("DROP TABLE _events")
    db.session.commit()
    log(f"  {events:,} audit events on the chain in {time.perf_counter() - started:.0f} s")
    marked = rollup.refresh(now, tz, calendar())  # the dashboard's totals, as `flask sla rollup` makes them
    db.session.commit()
    log(f"  dashboard totals: {marked:,} cases marked in {time.perf_counter() - started:.0f} s")
    db.session.commit()
    vacuum_analyze("cases", "human_tasks", "audit_events", "grants", "users", "departments", "resources",
                   "sla_open_clocks", "sla_case_marks")
    return {"finished": finished, "open_tasks": open_tasks, "events": events,
            "departments": _count("departments"), "seconds": time.perf_counter() - started}
