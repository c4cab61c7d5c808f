"""Faults survived with nothing lost: gunicorn workers killed under load on PostgreSQL.

A fresh PostgreSQL database (migrated, bpmn/ deployed, demo data loaded; the database named in
``--database-url`` is DROPPED and re-created), ``gunicorn -w 4`` on it, and ``--clients``
threads each filing a conditional share request (``POST /share-requests``, zrzy_sun) and
completing its provider review (``POST /tasks/<id>/complete``, ga_wang) over HTTP, while a
killer sends ``SIGKILL`` to one worker every ``--kill-every`` seconds and, once mid-load, to the
whole server (arbiter and workers), which is then restarted.

A command counts as acknowledged when its client read a 2xx answer. Afterwards, from the
database: every acknowledged filing is a case with exactly one ``case_started`` event, every
acknowledged completion is a completed task with exactly one ``task_completed`` event (none
applied twice), no case is half-done (a pending case has exactly one open task, a decided one
none, every case has its workflow state and its first event), and ``flask audit verify``
passes. Prints the figures; exits 1 when anything is lost, duplicated or half-done.

    .venv/bin/python bench/faults.py [--commands 2000] [--clients 8]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test_e]
"""
from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
ROOT = _HERE.parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from bench.lifecycle import (APPLICANT, APPROVER, DECISION, PASSWORD, SHARE_BODY,  # noqa: E402
                             _libpq_kwargs, _normalise_url, free_port, prepare_database,
                             service_env)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test_e"


# --- the server ----------------------------------------------------------------------------

class Server:
    """gunicorn with N workers, the app preloaded so a killed worker is re-forked at once;
    knows its workers' pids (children of the arbiter)."""

    def __init__(self, url: str, workers: int, log_path: Path):
        self.url, self.workers, self.log_path = url, workers, log_path
        self.port = free_port()
        self.env = {**service_env(url), "DSF_SECRET_KEY": "faults-bench-" + os.urandom(8).hex()}
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        cmd = [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "--timeout", "30", "--preload",
               "-b", f"127.0.0.1:{self.port}", "--log-level", "warning", "wsgi:app"]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.log_path.read_text(errors='replace')[-3000:]}")
            try:
                status, _ = request(self.port, "GET", "/api/v1/openapi.json")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit("gunicorn did not come up")

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        pids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                if ppid == self.proc.pid:
                    pids.append(int(entry))
        return pids

    def kill_all(self) -> None:
        """SIGKILL the arbiter and every worker at once: the whole server dies mid-request."""
        pids = self.worker_pids()
        for pid in [self.proc.pid, *pids]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def request(port: int, method: str, path: str, body: dict | None = None, token: str | None = None):
    """One request on a fresh connection (a killed worker takes its connection with it)."""
    headers = {"Accept": "application/json"}
    payload = None
    if body is not None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = "Bearer " + token
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=payload, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, (json.loads(data) if data and resp.getheader("Content-Type", "").startswith(
            "application/json") else None)
    finally:
        conn.close()


# --- the load ------------------------------------------------------------------------------

class Ledger:
    """What the clients saw acknowledged (2xx), and what failed without an answer."""

    def __init__(self):
        self.lock = threading.Lock()
        self.filed: list[str] = []        # case ids whose filing was acknowledged
        self.completed: list[str] = []    # task ids whose completion was acknowledged
        self.unanswered = 0               # connection dropped: applied or not, nobody knows
        self.refused = 0                  # non-2xx answers (e.g. 409 after a retried completion)

    @property
    def acknowledged(self) -> int:
        return len(self.filed) + len(self.completed)


def client_loop(server: Server, tokens: dict, ledger: Ledger, goal: int, stop: threading.Event) -> None:
    while not stop.is_set() and ledger.acknowledged < goal:
        try:
            status, case = request(server.port, "POST", "/api/v1/share-requests", SHARE_BODY, tokens[APPLICANT])
        except OSError:
            with ledger.lock:
                ledger.unanswered += 1
            time.sleep(0.05)
            continue
        if status != 201:
            with ledger.lock:
                ledger.refused += 1
            time.sleep(0.05)
            continue
        with ledger.lock:
            ledger.filed.append(case["id"])
        task = next((t for t in case.get("open_tasks", []) if t["task_key"] == "provider_review"), None)
        if task is None:
            continue
        for _attempt in range(20):  # retry through kills until an answer comes back
            if stop.is_set():
                return
            try:
                status, _ = request(server.port, "POST", f"/api/v1/tasks/{task['id']}/complete",
                                    DECISION, tokens[APPROVER])
            except OSError:
                with ledger.lock:
                    ledger.unanswered += 1
                time.sleep(0.1)
                continue
            with ledger.lock:
                if 200 <= status < 300:
                    ledger.completed.append(task["id"])
                else:
                    ledger.refused += 1  # 409: an earlier unanswered try was applied
            break


def killer(server: Server, ledger: Ledger, goal: int, every: float, stop: threading.Event, counts: dict) -> None:
    """A worker every ``every`` seconds; the whole server as soon as half the goal is
    acknowledged (polled often, so a short run still gets its mid-load server kill)."""
    rng = random.Random(7)
    whole_done = False
    next_worker_kill = time.monotonic() + every
    while not stop.wait(0.02):
        if not whole_done and ledger.acknowledged >= goal // 2:
            server.kill_all()
            counts["server"] += 1
            server.start()
            whole_done = True
            continue
        if time.monotonic() < next_worker_kill:
            continue
        next_worker_kill = time.monotonic() + every
        pids = server.worker_pids()
        if pids:
            try:
                os.kill(rng.choice(pids), signal.SIGKILL)
                counts["workers"] += 1
            except ProcessLookupError:
                pass


# --- the checks ----------------------------------------------------------------------------

def check(url: str, ledger: Ledger) -> dict:
    import psycopg

    with psycopg.connect(**_libpq_kwargs(url)) as conn:
        def rows(sql, *args):
            return conn.execute(sql, args).fetchall()

        cases = {r[0]: (r[1], r[2]) for r in rows("SELECT id, status, length(workflow_state) FROM cases")}
        started = dict(rows("SELECT case_id, count(*) FROM audit_events WHERE type = 'case_started' GROUP BY case_id"))
        done_events = dict(rows("SELECT data->>'task', count(*) FROM audit_events "
                                "WHERE type = 'task_completed' GROUP BY data->>'task'"))
        tasks = {r[0]: (r[1], r[2]) for r in rows("SELECT id, case_id, state FROM human_tasks")}
        open_per_case: dict[str, int] = {}
        for case_id, state in tasks.values():
            if state == "open":
                open_per_case[case_id] = open_per_case.get(case_id, 0) + 1
    lost = [c for c in ledger.filed if c not in cases or started.get(c, 0) == 0]
    lost += [t for t in ledger.completed if tasks.get(t, (None, None))[1] != "completed" or done_events.get(t, 0) == 0]
    duplicated = [c for c, n in started.items() if n > 1] + [t for t, n in done_events.items() if n > 1]
    half_done = [c for c, (status, state_len) in cases.items()
                 if not state_len or started.get(c, 0) != 1
                 or (status == "pending" and open_per_case.get(c, 0) != 1)
                 or (status != "pending" and open_per_case.get(c, 0) != 0)]
    return {"cases": len(cases), "lost": lost, "duplicated": duplicated, "half_done": half_done}


def run(url: str, goal: int, clients: int, workers: int, kill_every: float, time_limit: float) -> int:
    url = _normalise_url(url)
    prepare_database(url)
    log_path = Path(tempfile.mkdtemp(prefix="dsf-faults-")) / "gunicorn.log"
    server = Server(url, workers, log_path)
    server.start()
    tokens = {}
    for user in (APPLICANT, APPROVER):
        status, out = request(server.port, "POST", "/api/v1/auth/login", {"username": user, "password": PASSWORD})
        assert status == 200, (status, out)
        tokens[user] = out["token"]
    ledger, stop, counts = Ledger(), threading.Event(), {"workers": 0, "server": 0}
    threads = [threading.Thread(target=client_loop, args=(server, tokens, ledger, goal, stop)) for _ in range(clients)]
    kill_thread = threading.Thread(target=killer, args=(server, ledger, goal, kill_every, stop, counts))
    started = time.monotonic()
    for t in threads:
        t.start()
    kill_thread.start()
    try:
        while any(t.is_alive() for t in threads) and time.monotonic() - started < time_limit:
            time.sleep(0.2)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
        kill_thread.join(60)
    elapsed = time.monotonic() - started
    if server.proc.poll() is not None:
        server.start()
    server.stop()
    result = check(url, ledger)
    verify = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "audit", "verify"], cwd=ROOT,
                            env=service_env(url), capture_output=True, text=True)
    print(f"faults: {workers} workers, {clients} clients, {elapsed:.1f} s")
    print(f"  commands acknowledged : {ledger.acknowledged} ({len(ledger.filed)} filings, "
          f"{len(ledger.completed)} completions)")
    print(f"  unanswered / refused  : {ledger.unanswered} / {ledger.refused}")
    print(f"  kills                 : {counts['workers']} workers, {counts['server']} whole server")
    print(f"  cases in the database : {result['cases']}")
    print(f"  lost = {len(result['lost'])}, duplicated = {len(result['duplicated'])}, "
          f"half-done = {len(result['half_done'])}")
    print(f"  flask audit verify    : {'ok' if verify.returncode == 0 else 'FAILED'} "
          f"{(verify.stdout + verify.stderr).strip().splitlines()[-1:] }")
    bad = result["lost"] or result["duplicated"] or result["half_done"] or verify.returncode != 0
    if bad:
        print("  examples:", result["lost"][:3], result["duplicated"][:3], result["half_done"][:3])
    return 1 if bad or ledger.acknowledged < goal else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=2000, help="acknowledged commands to reach")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--kill-every", type=float, default=1.0)
    parser.add_argument("--time-limit", type=float, default=900.0)
    parser.add_argument("--database-url", default=os.environ.get("FAULTS_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    sys.exit(run(args.database_url, args.commands, args.clients, args.workers, args.kill_every, args.time_limit))


if __name__ == "__main__":
    main()
