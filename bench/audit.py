"""The audit trail at scale: chain verification speed, and replay time per case.

1. Drops and re-creates a PostgreSQL database (default ``dsf_bench_audit``), migrates it with
   ``flask_migrate.upgrade``, deploys ``bpmn/`` and loads the demo data.
2. Runs real cases through the app (Flask test client, testing clock): conditional shares
   approved, refused, escalated by their timer then approved late, withdrawn, and granted at
   once, timing every HTTP command of each case; then replays each case
   (``POST /requests/{id}/replay``) and prints replay time against the time the case took.
3. Appends ``--events`` (default 100,000) events to the same chain in bulk (``COPY``), hashed
   with the real ``chain_hash``, with realistic data (Chinese text, task completions).
4. Times ``verify()`` over the whole chain (goal >= 50,000 events/s) and checks it is intact;
   then changes one event through SQL and checks verify names it.

Run from the repo root:

    .venv/bin/python bench/audit.py [--events 100000] [--cases 40]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/dsf_bench_audit]
"""
from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
ROOT = _HERE.parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != _HERE]  # bench/calendar.py vs stdlib
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timedelta, timezone  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dsf_bench_audit"
SHANGHAI = ZoneInfo("Asia/Shanghai")
GOAL = 50_000


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.database in (None, "postgres", "template0", "template1"):
        raise SystemExit(f"refusing to drop database {u.database!r}")
    with psycopg.connect(host=u.host or "127.0.0.1", port=u.port or 5432, user=u.username or "postgres",
                         password=u.password, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(u.database)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(u.database)))


def make_app(url: str):
    from flask_migrate import upgrade

    from app import create_app
    from app import demo
    from app.cases.definitions import deploy_directory
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DSF_FAKE_CLOCK": True, "DSF_SCHEDULER": "off"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        app.extensions["dsf_clock"].set(datetime(2026, 3, 2, 9, tzinfo=SHANGHAI))
        demo.load()
        deploy_directory(str(ROOT / "bpmn"))
        db.session.commit()
    return app


class Client:
    """HTTP through the Flask test client; times every call made for the current case."""

    def __init__(self, app):
        from app.demo import demo_password

        self.app, self.http, self.password = app, app.test_client(), demo_password()
        self.tokens: dict[str, str] = {}
        self.spent = 0.0

    def call(self, method: str, path: str, user: str | None = None, status: int = 200, timed=True, **kw):
        headers = {"Authorization": f"Bearer {self.token(user)}"} if user else {}
        started = time.perf_counter()
        resp = self.http.open("/api/v1" + path, method=method, headers=headers, **kw)
        if timed:
            self.spent += time.perf_counter() - started
        if resp.status_code != status:
            raise SystemExit(f"{method} {path}: {resp.status_code} {resp.get_data(as_text=True)[:300]}")
        return resp.get_json()

    def token(self, user: str) -> str:
        if user not in self.tokens:
            body = self.call("POST", "/auth/login", json={"username": user, "password": self.password},
                             timed=False)
            self.tokens[user] = body["token"]
        return self.tokens[user]

    def travel(self, when: datetime) -> None:
        self.call("POST", "/testing/clock", json={"now": when.isoformat()}, timed=False)
        self.tokens.clear()


# --- real cases ------------------------------------------------------------------------------

def _review(c: Client, case: dict) -> str:
    return next(t["id"] for t in case["open_tasks"] if t["task_key"] == "provider_review")


def approved(c: Client) -> dict:
    case = c.call("POST", "/share-requests", "zrzy_sun", 201, json={"resource": "GA-HJ-001", "purpose": "不动产审批"})
    task = _review(c, case)
    c.call("POST", f"/tasks/{task}/claim", "ga_wang")
    return c.call("POST", f"/tasks/{task}/complete", "ga_wang", json={"decision": "approve", "conditions": "仅限审批"})


def refused(c: Client) -> dict:
    case = c.call("POST", "/share-requests", "zrzy_sun", 201, json={"resource": "GA-HJ-001", "purpose": "核验"})
    return c.call("POST", f"/tasks/{_review(c, case)}/complete", "ga_chen",
                  json={"decision": "refuse", "reason": "用途与共享条件不符"})


def withdrawn(c: Client) -> dict:
    case = c.call("POST", "/share-requests", "zrzy_sun", 201, json={"resource": "GA-HJ-001", "purpose": "核验"})
    return c.call("POST", f"/requests/{case['id']}/withdraw", "zrzy_sun")


def granted_at_once(c: Client) -> dict:
    return c.call("POST", "/share-requests", "zrzy_sun", 201, json={"resource": "SCJG-QY-001", "purpose": "核验"})


SCENARIOS = [approved, refused, withdrawn, granted_at_once]


def run_cases(c: Client, n: int) -> list[tuple[str, str, float]]:
    """(kind, case id, seconds the case's commands took): n cases filed on one day, plus an
    escalated one per ten that their timer escalates 11 working days later."""
    done, late = [], []
    for i in range(n):
        scenario = SCENARIOS[i % len(SCENARIOS)]
        c.spent = 0.0
        case = scenario(c)
        done.append((scenario.__name__, case["id"], c.spent))
        if i % 10 == 0:
            c.spent = 0.0
            case = c.call("POST", "/share-requests", "scjg_liu", 201, json={"resource": "GA-HJ-001", "purpose": "逾期"})
            late.append((case, c.spent))
    c.travel(datetime(2026, 3, 17, 9, tzinfo=SHANGHAI))
    started = time.perf_counter()
    fired = c.call("POST", "/testing/run-due-timers", timed=False)["fired"]
    per_timer = (time.perf_counter() - started) / max(fired, 1)
    for case, spent in late:
        c.spent = 0.0
        after = c.call("GET", f"/requests/{case['id']}", "ga_wang", timed=False)
        c.call("POST", f"/tasks/{_review(c, after)}/complete", "ga_wang", json={"decision": "approve"})
        done.append(("escalated_then_approved", case["id"], spent + per_timer + c.spent))
    return done


def replay_all(c: Client, cases) -> list[tuple[str, float, float]]:
    rows = []
    for kind, case_id, ran in cases:
        c.spent = 0.0
        body = c.call("POST", f"/requests/{case_id}/replay", "auditor")
        if not body["consistent"]:
            raise SystemExit(f"replay of {kind} {case_id} diverged: {body['divergence']}")
        rows.append((kind, ran, c.spent))
    return rows


# --- a long chain ----------------------------------------------------------------------------

def _synthetic(seq: int, at: datetime) -> tuple:
    """A plausible event: mostly task traffic, Chinese text, no case row needed (case_id NULL)."""
    kind = seq % 4
    if kind == 0:
        return ("zrzy_sun", "case_started", "share_request",
                {"input": {"resource": "GA-HJ-001", "purpose": f"不动产登记核验第{seq}号", "legal_basis": None,
                           "green_channel": False, "green_reason": None},
                 "catalog": {"share_type": "conditional", "on_platform": True, "provider": "DY-GA",
                             "catalog_legal_basis": "《中华人民共和国居民身份证法》第十三条",
                             "share_conditions": "仅限履行法定职责所需"},
                 "process": {"key": "share_request", "version": 1},
                 "calendar": {"2026": {"source": "official", "fp": "0b061c520d07ae89"}}})
    if kind == 1:
        return ("zrzy_sun", "task_created", "provider_review",
                {"task": f"{seq:032x}", "department": "DY-GA", "role": "approver", "due_date": "2026-03-16"})
    if kind == 2:
        return ("ga_wang", "task_claimed", "provider_review", {"task": f"{seq - 1:032x}"})
    return ("ga_wang", "task_completed", "provider_review",
            {"task": f"{seq - 2:032x}", "data": {"decision": "approve", "conditions": "仅用于不动产审批",
                                                 "reason": None}})


def append_events(app, n: int) -> float:
    """Extend the chain by ``n`` events with COPY; returns seconds."""
    from app.audit.log import canonical, chain_hash, event_body
    from app.extensions import db
    from app.models import ChainHead

    started = time.perf_counter()
    with app.app_context():
        head = db.session.get(ChainHead, 1)
        seq, prev = head.last_seq, head.last_hash
        at = datetime(2026, 4, 1, tzinfo=timezone.utc)
        raw = db.session.connection().connection.driver_connection
        with raw.cursor() as cur:
            with cur.copy("COPY audit_events (seq, case_id, at, actor, type, element, data, prev_hash, hash) "
                          "FROM STDIN") as copy:
                for _ in range(n):
                    seq += 1
                    at += timedelta(seconds=7)
                    actor, type_, element, data = _synthetic(seq, at)
                    data = json.loads(canonical(data))
                    digest = chain_hash(prev, event_body(seq, None, at, actor, type_, element, data))
                    copy.write_row((seq, None, at, actor, type_, element, canonical(data), prev, digest))
                    prev = digest
        head.last_seq, head.last_hash = seq, prev
        db.session.commit()
    return time.perf_counter() - started


def time_verify(app):
    from app.audit.verify import verify

    with app.app_context():
        started = time.perf_counter()
        verdict = verify()
        return verdict, time.perf_counter() - started


def tamper_and_verify(app, seq: int):
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        db.session.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = :s"), {"s": seq})
        db.session.commit()
    return time_verify(app)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--database-url", default=os.environ.get("DSF_BENCH_AUDIT_URL", DEFAULT_URL))
    args = parser.parse_args()
    url = args.database_url.replace("postgresql://", "postgresql+psycopg://", 1)

    recreate_database(url)
    app = make_app(url)
    client = Client(app)
    cases = run_cases(client, args.cases)
    replays = replay_all(client, cases)
    print(f"replay: {len(replays)} cases, every one consistent")
    print(f"  {'case':<26}{'n':>4}{'ran (ms)':>11}{'replay (ms)':>13}{'replay/ran':>12}")
    for kind in dict.fromkeys(k for k, _r, _p in replays):
        ran = [r for k, r, _p in replays if k == kind]
        rep = [p for k, _r, p in replays if k == kind]
        print(f"  {kind:<26}{len(ran):>4}{statistics.median(ran) * 1e3:>11.1f}"
              f"{statistics.median(rep) * 1e3:>13.1f}{statistics.median(rep) / statistics.median(ran):>12.2f}")

    seconds = append_events(app, args.events)
    print(f"chain: appended {args.events:,} events with COPY in {seconds:.1f} s")
    verdict, seconds = time_verify(app)
    rate = verdict.events / seconds
    print(f"verify: {verdict.events:,} events in {seconds:.2f} s = {rate:,.0f} events/s "
          f"(goal >= {GOAL:,}/s: {'met' if rate >= GOAL else 'NOT met'}); ok={verdict.ok}")
    if not verdict.ok:
        raise SystemExit(f"the benchmark chain does not verify: {verdict}")
    target = verdict.events // 2
    broken, seconds = tamper_and_verify(app, target)
    print(f"after changing seq {target} through SQL: ok={broken.ok} first_bad_seq={broken.first_bad_seq} "
          f"({broken.problem}) in {seconds:.2f} s")


if __name__ == "__main__":
    main()
