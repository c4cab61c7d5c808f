"""Share-request lifecycles: the service over real HTTP vs the raw SpiffWorkflow engine.

Service side: a fresh PostgreSQL database (migrated, bpmn/ deployed, demo data loaded), a real
``gunicorn -w 1`` server, and one keep-alive HTTP client running N lifecycles of the
conditional share request (GA-HJ-001):

    POST /share-requests (zrzy_sun) -> GET /tasks?request=<id> (ga_wang)
    -> POST /tasks/<id>/claim -> POST /tasks/<id>/complete {"decision":"approve",...}

and checking that every request ends "granted".

Baseline: plain SpiffWorkflow in-process on the same bpmn/share_request.bpmn, the same data,
the stock PythonScriptEngine/TaskDataEnvironment with cheap stand-in helpers, and the default
BpmnWorkflowSerializer (full serialize_json/deserialize_json, spec included) per step:

    start -> do_engine_steps -> serialize -> deserialize -> complete the user task
    -> do_engine_steps -> serialize

Run from the repo root:

    .venv/bin/python bench/lifecycle.py [--n 200]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/dsf_bench] [--profile] [--floor]

The database named in the URL is DROPPED and re-created. ``--profile`` additionally runs
lifecycles in-process through the Flask test client under cProfile (same database) and
prints where the service's time goes. ``--floor`` additionally times N lifecycles in-process
on the same database and on a fresh SQLite file, with the time inside the statements'
execute: what HTTP adds, what the database adds, and the ratio a free database would give.
"""
from __future__ import annotations

import sys
from pathlib import Path

# bench/ must not shadow the standard library (bench/calendar.py vs ``import calendar``,
# which http.client pulls in through email._parseaddr).
_HERE = Path(__file__).resolve().parent
ROOT = _HERE.parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from datetime import date, timedelta  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dsf_bench"
PASSWORD = os.environ.get("DSF_DEMO_PASSWORD", "demo-pass-2026")
APPLICANT, APPROVER = "zrzy_sun", "ga_wang"
RESOURCE = "GA-HJ-001"
SHARE_BODY = {"resource": RESOURCE, "purpose": "基准测试"}
DECISION = {"decision": "approve", "conditions": "仅限基准"}
GOAL = 0.25


# --- database ------------------------------------------------------------------------------

def machine_speed() -> str:
    """How fast this machine runs Python right now: a fixed loop's best of three, in seconds.
    On a shared host it varies by half from minute to minute (0.12 s quiet, 0.23 s busy, on the
    machine of bench/README.md), so every bench prints it before and after its figures."""
    best = min(_timed_loop() for _ in range(3))
    return f"machine: a fixed Python loop took {best:.3f} s (bench/README.md: 0.12 quiet, 0.2+ busy)"


def _timed_loop() -> float:
    t0 = time.perf_counter()
    sum(i * i for i in range(3 * 10 ** 6))
    return time.perf_counter() - t0


def _normalise_url(url: str) -> str:
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if not url.startswith("postgresql+psycopg://"):
        raise SystemExit(f"--database-url must be postgresql+psycopg://... (got {url!r})")
    return url


def _libpq_kwargs(url: str, dbname: str | None = None) -> dict:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    kw = {"host": u.host or "127.0.0.1", "port": u.port or 5432, "user": u.username or "postgres",
          "dbname": dbname or u.database}
    if u.password:
        kw["password"] = u.password
    return kw


def recreate_database(url: str) -> str:
    """DROP and CREATE the database named in ``url``; return the server version string."""
    import psycopg
    from psycopg import sql

    name = _libpq_kwargs(url)["dbname"]
    if not name or name in ("postgres", "template0", "template1"):
        raise SystemExit(f"refusing to drop database {name!r}")
    with psycopg.connect(**_libpq_kwargs(url, "postgres"), autocommit=True) as conn:
        version = conn.execute("SELECT version()").fetchone()[0]
        try:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        except psycopg.errors.SyntaxError:  # PostgreSQL < 13
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return version


def service_env(url: str) -> dict:
    env = dict(os.environ)
    env.update({"DATABASE_URL": url, "DSF_SCHEDULER": "off", "FLASK_APP": "wsgi",
                "PYTHONDONTWRITEBYTECODE": "1"})
    env.pop("DSF_FAKE_CLOCK", None)
    return env


def flask_cli(env: dict, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def analyze(url: str) -> None:
    """Planner statistics, as autovacuum keeps them on a live database. A database created a
    moment ago has none, and without them PostgreSQL can pick a plan no running service would
    (a grant's filing facts read by ANDing the case's index with every filing's: 0.5 ms, not 0.05)."""
    import psycopg

    with psycopg.connect(**_libpq_kwargs(url), autocommit=True) as conn:
        conn.execute("ANALYZE")


def prepare_database(url: str) -> str:
    version = recreate_database(url)
    env = service_env(url)
    flask_cli(env, "db", "upgrade")
    flask_cli(env, "bpmn", "deploy")
    flask_cli(env, "demo", "load")
    return version


# --- the server ----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, threads: int, log_path: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", "-w", "1", "--threads", str(threads),
           "--keep-alive", "30", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"]
    log = open(log_path, "wb")
    try:
        return subprocess.Popen(cmd, cwd=ROOT, env=service_env(url), stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    finally:
        log.close()


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)  # gunicorn's graceful stop; the worker follows its arbiter
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def wait_until_up(proc: subprocess.Popen, port: int, log_path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited ({proc.returncode}):\n{log_path.read_text(errors='replace')}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            resp = conn.getresponse()
            resp.read()
            conn.close()
            if resp.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s:\n{log_path.read_text(errors='replace')}")


# --- the HTTP client -----------------------------------------------------------------------

class Client:
    """One keep-alive connection; JSON in and out; tokens per user."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.tokens: dict[str, str] = {}
        self.reconnects = 0

    def call(self, method: str, path: str, user: str | None = None, body: dict | None = None,
             expect: int = 200) -> dict:
        headers = {"Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if user is not None:
            headers["Authorization"] = "Bearer " + self.tokens[user]
        for attempt in (1, 2):
            try:
                self.conn.request(method, "/api/v1" + path, body=payload, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # the server closed an idle keep-alive connection before reading the request
                self.conn.close()
                self.reconnects += 1
                if attempt == 2:
                    raise
        if resp.status != expect:
            raise SystemExit(f"{method} {path} -> {resp.status} (expected {expect}): {data[:500]!r}")
        return json.loads(data) if data else {}

    def login(self, username: str) -> None:
        out = self.call("POST", "/auth/login", body={"username": username, "password": PASSWORD})
        self.tokens[username] = out["token"]

    def close(self) -> None:
        self.conn.close()


STEPS = ("file", "inbox", "claim", "complete")


def lifecycle(client, times: dict | None = None) -> str:
    """One lifecycle through ``client`` (``Client`` over HTTP or ``InProcess``); its final status."""
    t0 = time.perf_counter()
    case = client.call("POST", "/share-requests", APPLICANT, SHARE_BODY, expect=201)
    t1 = time.perf_counter()
    inbox = client.call("GET", f"/tasks?request={case['id']}", APPROVER)
    items = inbox["items"]
    if len(items) != 1 or items[0]["task_key"] != "provider_review":
        raise SystemExit(f"unexpected inbox for {case['id']}: {inbox}")
    task_id = items[0]["id"]
    t2 = time.perf_counter()
    client.call("POST", f"/tasks/{task_id}/claim", APPROVER, {})
    t3 = time.perf_counter()
    done = client.call("POST", f"/tasks/{task_id}/complete", APPROVER, DECISION)
    t4 = time.perf_counter()
    if times is not None:
        for name, dt in zip(STEPS, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            times[name] += dt
    return done["status"]


def run_service(url: str, n: int, warmup: int, threads: int) -> dict:
    port = free_port()
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"dsf-bench-gunicorn-{port}.log"
    proc = start_server(url, port, threads, log_path)
    try:
        wait_until_up(proc, port, log_path)
        client = Client(port)
        try:
            client.login(APPLICANT)
            client.login(APPROVER)
            for _ in range(warmup):
                status = lifecycle(client)
                if status != "granted":
                    raise SystemExit(f"warm-up lifecycle ended {status!r}, expected 'granted'")
            analyze(url)
            times = dict.fromkeys(STEPS, 0.0)
            statuses: dict[str, int] = {}
            t0 = time.perf_counter()
            for _ in range(n):
                status = lifecycle(client, times)
                statuses[status] = statuses.get(status, 0) + 1
            elapsed = time.perf_counter() - t0
        finally:
            client.close()
    finally:
        stop_server(proc)
    if statuses != {"granted": n}:
        raise SystemExit(f"final statuses {statuses}, expected all {n} 'granted'")
    try:
        log_path.unlink()
    except OSError:
        pass
    return {"elapsed": elapsed, "rate": n / elapsed, "steps": times, "reconnects": client.reconnects}


# --- the raw engine baseline ---------------------------------------------------------------

def raw_engine():
    """Parsed spec, a stock script engine with stand-in helpers, and the default serializer."""
    from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
    from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer

    current = {"workflow": None}

    def clocks() -> dict:
        return current["workflow"].data.setdefault("sla", {})

    def today() -> str:
        return date.today().isoformat()

    def add_working_days(start: str, days: int) -> str:
        return (date.fromisoformat(start) + timedelta(days=int(days))).isoformat()

    def sla_start(key, name, working_days, legal_basis):
        started = date.today()
        clock = {"key": key, "name": name, "working_days": int(working_days), "legal_basis": legal_basis,
                 "started_on": started.isoformat(),
                 "due_date": (started + timedelta(days=10)).isoformat(),
                 "state": "running", "provisional": False}
        clocks()[key] = clock
        return clock["due_date"]

    def sla_stop(key):
        clock = dict(clocks()[key], state="met", stopped_on=date.today().isoformat())
        clocks()[key] = clock
        return clock["state"]

    def sla_breach(key):
        clocks()[key] = dict(clocks()[key], state="breached")
        return "breached"

    def sla_deadline(key):
        clocks()[key]  # noqa: B018 -- the clock must exist, as in the service
        return "2099-12-31T23:59:59+08:00"

    def decide(status, decision=None, reason=None, conditions=None, reply_type=None):
        current["workflow"].data["outcome"] = {"status": status, "decision": decision, "reason": reason,
                                               "conditions": conditions, "reply_type": reply_type}
        return status

    helpers = {f.__name__: f for f in (today, add_working_days, sla_start, sla_stop, sla_breach,
                                       sla_deadline, decide)}
    parser = BpmnParser()
    parser.add_bpmn_file(str(ROOT / "bpmn" / "share_request.bpmn"))
    spec = parser.get_spec("share_request")
    subprocess_specs = parser.get_subprocess_specs("share_request")
    script_engine = PythonScriptEngine(environment=TaskDataEnvironment(environment_globals=helpers))
    return spec, subprocess_specs, script_engine, BpmnWorkflowSerializer(), current


# What the service hands the workflow at start for GA-HJ-001 (request + catalog facts).
RAW_START_DATA = {
    "resource": RESOURCE, "purpose": SHARE_BODY["purpose"], "legal_basis": None, "green_channel": False,
    "green_reason": None, "share_type": "conditional", "on_platform": True,
    "catalog_legal_basis": "《中华人民共和国居民身份证法》第十三条",
    "share_conditions": "仅限履行法定职责所需,不得向第三方提供", "provider": "DY-GA",
}


def raw_lifecycle(spec, subprocess_specs, script_engine, serializer, current) -> str:
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
    current["workflow"] = workflow
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(RAW_START_DATA)
    workflow.do_engine_steps()
    stored = serializer.serialize_json(workflow)

    workflow = serializer.deserialize_json(stored)
    workflow.script_engine = script_engine
    current["workflow"] = workflow
    ready = workflow.get_tasks(state=TaskState.READY, manual=True)
    if len(ready) != 1 or ready[0].task_spec.name != "provider_review":
        raise SystemExit(f"raw engine: unexpected ready tasks {[t.task_spec.name for t in ready]}")
    ready[0].data.update(DECISION)
    ready[0].run()
    workflow.do_engine_steps()
    serializer.serialize_json(workflow)
    if not workflow.is_completed():
        raise SystemExit("raw engine: workflow did not complete")
    return workflow.data["outcome"]["status"]


def run_raw(n: int, warmup: int) -> dict:
    parts = raw_engine()
    for _ in range(warmup):
        raw_lifecycle(*parts)
    t0 = time.perf_counter()
    for _ in range(n):
        status = raw_lifecycle(*parts)
        if status != "granted":
            raise SystemExit(f"raw engine lifecycle ended {status!r}, expected 'granted'")
    elapsed = time.perf_counter() - t0
    return {"elapsed": elapsed, "rate": n / elapsed}


# --- optional: the service in-process (no HTTP server) -------------------------------------

class InProcess:
    """The same lifecycle through the Flask test client, in this process. One per process:
    the app's engine and caches are the process's (a second database runs in a child)."""

    def __init__(self, url: str):
        os.environ.update({"DATABASE_URL": url, "DSF_SCHEDULER": "off"})
        os.environ.pop("DSF_FAKE_CLOCK", None)
        from app import create_app

        self.app = create_app()
        self.client = self.app.test_client()
        self.tokens: dict[str, str] = {}
        for user in (APPLICANT, APPROVER):
            self.login(user)

    def call(self, method, path, user=None, body=None, expect=200) -> dict:
        headers = {"Authorization": "Bearer " + self.tokens[user]} if user else {}
        resp = self.client.open("/api/v1" + path, method=method, headers=headers, json=body)
        if resp.status_code != expect:
            raise SystemExit(f"{method} {path} -> {resp.status_code} (expected {expect}): {resp.get_data()[:300]!r}")
        return resp.get_json()

    login = Client.login  # the same login, through this call

    def run_one(self) -> None:
        """One lifecycle, which must end granted."""
        status = lifecycle(self)
        if status != "granted":
            raise SystemExit(f"in-process lifecycle ended {status!r}, expected 'granted'")


def profile_service(url: str, n: int, top: int = 35) -> None:
    """N lifecycles through the Flask test client on the same database, under cProfile."""
    import cProfile
    import io
    import pstats

    runner = InProcess(url)
    for _ in range(5):
        runner.run_one()
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    for _ in range(n):
        runner.run_one()
    prof.disable()
    elapsed = time.perf_counter() - t0
    print(f"\nprofile: {n} lifecycles in-process (Flask test client, same DB, under cProfile): "
          f"{elapsed / n * 1000:.1f} ms/lifecycle (profiler overhead included)")
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(prof, stream=out).strip_dirs().sort_stats(key).print_stats(top)
        text = out.getvalue()
        print(f"\n--- top {top} by {key} ---")
        print(text[text.find("   ncalls"):].rstrip())


def in_process_figures(url: str, n: int, warmup: int) -> dict:
    """N timed lifecycles in-process, with the time spent inside the driver's execute (the
    statements' round trips and server work; BEGIN and COMMIT are not statements here)."""
    from sqlalchemy import event

    from app.extensions import db

    runner = InProcess(url)
    with runner.app.app_context():
        engine = db.engine
    for _ in range(warmup):
        runner.run_one()
    if url.startswith("postgresql"):
        analyze(url)
    inside = {"statements": 0, "seconds": 0.0, "started": 0.0}

    def before(*_args):
        inside["started"] = time.perf_counter()

    def after(*_args):
        inside["statements"] += 1
        inside["seconds"] += time.perf_counter() - inside["started"]

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    t0 = time.perf_counter()
    for _ in range(n):
        runner.run_one()
    elapsed = time.perf_counter() - t0
    return {"ms": elapsed / n * 1000, "execute_ms": inside["seconds"] / n * 1000,
            "statements": inside["statements"] / n}


def floor(url: str, n: int, warmup: int, raw_ms: float) -> None:
    """What the Python side alone costs: the lifecycle in-process on this PostgreSQL database
    and on a fresh SQLite file (statements in microseconds, no round trips, no WAL flush), each
    in a child process. raw / SQLite is the ratio a free database would give."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="dsf-floor-") as tmp:
        lite = f"sqlite:///{tmp}/floor.sqlite"
        env = service_env(lite)
        for args in (("db", "upgrade"), ("bpmn", "deploy"), ("demo", "load")):
            flask_cli(env, *args)
        print(f"\nin-process (Flask test client, no HTTP server), {warmup} warm-up + {n} timed lifecycles:")
        for name, db_url in (("PostgreSQL", url), ("SQLite file", lite)):
            proc = subprocess.run([sys.executable, __file__, "--in-process", db_url, "--n", str(n),
                                   "--warmup", str(warmup)], cwd=ROOT, capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"in-process run on {name} failed:\n{proc.stdout}{proc.stderr}")
            fig = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"  {name:12s} {fig['ms']:6.2f} ms/lifecycle  {fig['statements']:4.1f} statements, "
                  f"{fig['execute_ms']:5.2f} ms inside their execute   ratio raw/this {raw_ms / fig['ms']:.3f}")
    print("  (SQLite takes no row locks and appends the audit events batched; the rest is the same code)")


# --- main ----------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200, help="timed lifecycles per side (default 200)")
    ap.add_argument("--warmup", type=int, default=5, help="untimed lifecycles first (default 5)")
    ap.add_argument("--raw-n", type=int, default=None, help="timed raw-engine lifecycles (default: 5 x N)")
    ap.add_argument("--threads", type=int, default=2, help="gunicorn --threads for the one worker")
    ap.add_argument("--database-url", default=DEFAULT_URL,
                    help=f"database to DROP and re-create (default {DEFAULT_URL})")
    ap.add_argument("--profile", type=int, nargs="?", const=100, default=0, metavar="N",
                    help="also profile N lifecycles in-process under cProfile (default 100)")
    ap.add_argument("--floor", action="store_true",
                    help="also time N lifecycles in-process on this database and on SQLite (the Python side alone)")
    ap.add_argument("--in-process", metavar="URL", help=argparse.SUPPRESS)  # --floor's child
    args = ap.parse_args()
    if args.in_process:
        print(json.dumps(in_process_figures(args.in_process, args.n, args.warmup)))
        return
    url = _normalise_url(args.database_url)
    raw_n = args.raw_n or 5 * args.n

    print(machine_speed(), flush=True)
    print("preparing database (drop/create, migrate, deploy bpmn/, demo data) ...", flush=True)
    t0 = time.perf_counter()
    version = prepare_database(url)
    print(f"  done in {time.perf_counter() - t0:.1f} s", flush=True)

    print(f"service: gunicorn -w 1 --threads {args.threads}, {args.warmup} warm-up + {args.n} timed "
          f"lifecycles ...", flush=True)
    svc = run_service(url, args.n, args.warmup, args.threads)
    print(f"raw engine: {args.warmup} warm-up + {raw_n} timed lifecycles ...", flush=True)
    raw = run_raw(raw_n, args.warmup)

    ratio = svc["rate"] / raw["rate"]
    print()
    print(f"DB: {version.split(' on ')[0]}   ({url.rsplit('@', 1)[-1]})")
    print(f"N:  {args.n} service lifecycles (+{args.warmup} warm-up), {raw_n} raw-engine lifecycles")
    print(f"service (HTTP, 1 client): {svc['rate']:8.1f} lifecycles/s   "
          f"{svc['elapsed'] / args.n * 1000:7.2f} ms/lifecycle")
    per_step = "  ".join(f"{k} {v / args.n * 1000:.2f}" for k, v in svc["steps"].items())
    print(f"   per request (mean ms): {per_step}")
    print(f"raw SpiffWorkflow:        {raw['rate']:8.1f} lifecycles/s   "
          f"{raw['elapsed'] / raw_n * 1000:7.2f} ms/lifecycle")
    verdict = "meets" if ratio >= GOAL else "BELOW"
    print(f"ratio service/raw: {ratio:.3f}  ({verdict} the goal of {GOAL})")
    print(machine_speed())
    print("service = 4 HTTP requests over one keep-alive connection (file, inbox, claim, complete): auth,"
          " JSON, PostgreSQL transactions with row locks, workflow state load/dump, restricted scripts,"
          " working-day SLA calendar, projections, hash-chained audit;")
    print("raw     = in-process SpiffWorkflow: start, do_engine_steps, serialize_json (with spec),"
          " deserialize_json, complete user task, do_engine_steps, serialize_json; stock script engine"
          " with stand-in helpers; no DB, no HTTP.")
    if svc["reconnects"]:
        print(f"(client reconnected {svc['reconnects']} times)")

    if args.floor:
        floor(url, args.n, args.warmup, raw["elapsed"] / raw_n * 1000)
    if args.profile:
        profile_service(url, args.profile)


if __name__ == "__main__":
    main()
