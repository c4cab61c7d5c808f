"""Due timers drained by several service processes on one PostgreSQL database.

A fresh database (migrated, bpmn/ deployed, demo data loaded) gets N conditional share requests
filed on Mon 2026-03-02, each with its provider-review timer due at the end of 2026-03-16. One
is filed through the domain command; the other N-1 are copies of its rows (case, open task,
timer job) with fresh task ids, so seeding takes seconds and the measurement is the timers
alone. Then W worker processes (``app.timers.runner.run_due`` with the testing clock at
2026-03-17 00:00:01 Shanghai, each its own lock owner) start together and drain them.

Printed: timers/s over the wall time from the start signal until the last worker is done,
against the goal (500/s), the share each worker fired, the CPU time per firing (the workers'
own, and their PostgreSQL backends' read from /proc when the server is local) with the rate
those would allow on this machine's cores, and the checks: every job done, exactly one
``timer_fired`` event per job (duplicates must be 0), one coordination task per case.
The exit status is 1 when a check fails (not when the rate is below the goal: on a shared
machine the rate is noisy).

Run from the repo root:

    .venv/bin/python bench/timers.py [--n 10000] [--workers 2]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/dsf_bench_timers]

The database named in the URL is DROPPED and re-created.
"""
from __future__ import annotations

import sys
from pathlib import Path

# bench/ must not shadow the standard library (bench/calendar.py vs ``import calendar``).
_HERE = Path(__file__).resolve().parent
ROOT = _HERE.parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import datetime  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dsf_bench_timers"
SHANGHAI = ZoneInfo("Asia/Shanghai")
FILED = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
FIRE_AT = datetime(2026, 3, 17, 0, 0, 1, tzinfo=SHANGHAI)
GOAL = 500  # timers/s with 2 processes
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _lifecycle():
    """bench/lifecycle.py's database helpers (drop/create, migrate, deploy, demo)."""
    spec = importlib.util.spec_from_file_location("bench_lifecycle", _HERE / "lifecycle.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _app(url: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "DSF_FAKE_CLOCK": True, "DSF_SCHEDULER": "off"})


# --- seeding --------------------------------------------------------------------------------------

def seed(url: str, n: int) -> None:
    """One share request through the domain command, then n-1 row copies of it."""
    from sqlalchemy import insert, select

    from app.cases import share
    from app.extensions import db
    from app.models import Case, HumanTask, TimerJob, User

    app = _app(url)
    with app.app_context():
        app.extensions["dsf_clock"].set(FILED)
        user = db.session.scalar(select(User).where(User.username == "zrzy_sun"))
        template_id = share.start(user, "GA-HJ-001", "基准测试", None, None).id
        db.session.commit()
        case = _row(Case, Case.id == template_id)
        task = _row(HumanTask, HumanTask.case_id == template_id)
        job = _row(TimerJob, TimerJob.case_id == template_id)
        for start in range(0, n - 1, 1000):
            cases, tasks, jobs = [], [], []
            for _ in range(min(1000, n - 1 - start)):
                ids = {}
                state = _UUID.sub(lambda m: ids.setdefault(m.group(0), str(uuid.uuid4())), case["workflow_state"])
                case_id = uuid.uuid4().hex
                cases.append({**case, "id": case_id, "workflow_state": state})
                tasks.append({**task, "id": uuid.uuid4().hex, "case_id": case_id,
                              "spiff_task_id": ids[task["spiff_task_id"]]})
                jobs.append({**job, "id": uuid.uuid4().hex, "case_id": case_id,
                             "spiff_task_id": ids[job["spiff_task_id"]]})
            db.session.execute(insert(Case.__table__), cases)
            db.session.execute(insert(HumanTask.__table__), tasks)
            db.session.execute(insert(TimerJob.__table__), jobs)
            db.session.commit()


def _row(model, where) -> dict:
    from sqlalchemy import select

    from app.extensions import db

    return dict(db.session.execute(select(model.__table__).where(where)).mappings().one())


# --- workers --------------------------------------------------------------------------------------

def worker(url: str, owner: str) -> None:
    """Wait for the start line on stdin, drain due timers, print what this process fired."""
    from app.extensions import db
    from app.timers.runner import acquire, run_due

    app = _app(url)
    with app.app_context():
        app.extensions["dsf_clock"].set(FIRE_AT)
        db.session.execute(db.text("SELECT 1"))
        db.session.rollback()
        acquire(owner, limit=0)  # warm up: connection, first acquisition query
        backend = db.session.execute(db.text("SELECT pg_backend_pid()")).scalar()
        db.session.rollback()
        print("ready", flush=True)
        sys.stdin.readline()
        started, cpu, server_cpu = time.perf_counter(), time.process_time(), _backend_cpu(backend)
        fired = run_due(owner)
        seconds = time.perf_counter() - started
        server_after = _backend_cpu(backend)
        print(json.dumps({"owner": owner, "fired": fired, "seconds": seconds, "cpu": time.process_time() - cpu,
                          "server_cpu": None if server_cpu is None or server_after is None
                          else server_after - server_cpu}), flush=True)


def _backend_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) of a local PostgreSQL backend; None when not readable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drain(url: str, workers: int) -> tuple[float, list[dict]]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    procs = [subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker", f"bench-{i}",
                               "--database-url", url], cwd=ROOT, env=env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for i in range(workers)]
    for proc in procs:
        line = proc.stdout.readline().strip()
        if line != "ready":
            raise SystemExit(f"worker did not start: {line}\n{proc.stderr.read()}")
    started = time.perf_counter()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=1800)
        if proc.returncode != 0:
            raise SystemExit(f"worker failed ({proc.returncode}):\n{err}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return time.perf_counter() - started, results


def check(url: str) -> dict:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import AuditEvent, HumanTask, TimerJob

    app = _app(url)
    with app.app_context():
        per_job: dict[str, int] = {}
        for data in db.session.scalars(select(AuditEvent.data).where(AuditEvent.type == "timer_fired")):
            per_job[data["job"]] = per_job.get(data["job"], 0) + 1
        states = dict(db.session.execute(select(TimerJob.state, func.count()).group_by(TimerJob.state)).all())
        coordination = db.session.scalar(select(func.count()).select_from(HumanTask)
                                         .where(HumanTask.task_key == "coordinate_overdue"))
    return {"jobs_fired": len(per_job), "duplicates": sum(c - 1 for c in per_job.values()),
            "job_states": states, "coordination_tasks": coordination}


def print_cpu(results: list[dict], fired: int) -> None:
    """CPU per firing, and the rate it would allow with every core of this machine on it (the
    rate itself depends on what else the machine is doing)."""
    if not fired:
        return
    client = sum(r["cpu"] for r in results) / fired * 1000
    line = f"CPU per firing: workers {client:.2f} ms"
    total = client
    if all(r["server_cpu"] is not None for r in results):
        server = sum(r["server_cpu"] for r in results) / fired * 1000
        total += server
        line += f" + PostgreSQL backends {server:.2f} ms"
    cores = os.cpu_count() or 1
    print(f"{line} = {total:.2f} ms: at most {cores * 1000 / total:.0f} timers/s on {cores} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    lifecycle = _lifecycle()
    url = lifecycle._normalise_url(args.database_url)
    if args.worker:
        worker(url, args.worker)
        return

    print(lifecycle.machine_speed(), flush=True)
    t0 = time.perf_counter()
    version = lifecycle.prepare_database(url)
    seed(url, args.n)
    print(f"PostgreSQL: {version.split(',')[0]}")
    print(f"seeded {args.n} due timers in {time.perf_counter() - t0:.1f} s (database {url.rsplit('/', 1)[-1]})")
    elapsed, results = drain(url, args.workers)
    fired = sum(r["fired"] for r in results)
    rate = fired / elapsed
    print(f"{args.workers} processes fired {fired} timers in {elapsed:.1f} s: {rate:.0f} timers/s "
          f"(goal >= {GOAL}/s: {'met' if rate >= GOAL else 'below'})")
    for r in results:
        print(f"  {r['owner']}: {r['fired']} fired in {r['seconds']:.1f} s")
    print_cpu(results, fired)
    verdict = check(url)
    print(f"duplicates: {verdict['duplicates']}; jobs fired once: {verdict['jobs_fired']}; "
          f"job states: {verdict['job_states']}; coordination tasks: {verdict['coordination_tasks']}")
    ok = (fired == args.n and verdict["duplicates"] == 0 and verdict["jobs_fired"] == args.n
          and verdict["job_states"] == {"done": args.n} and verdict["coordination_tasks"] == args.n)
    print("OK" if ok else "FAILED")
    print(lifecycle.machine_speed())
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
