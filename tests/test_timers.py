"""Timer jobs: a dead process's locks expire, failures retry then become incidents, and two
processes on one PostgreSQL database fire each due timer exactly once."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, HumanTask, TimerJob, User
from app.timers import runner
from tests.conftest import ROOT, _database_url
from tests.support import at


def _clock(api):
    return api.app.extensions["dsf_clock"]


def _travel(api, **delta) -> None:
    """Move the testing clock forward (log in again afterwards: tokens expire in service time)."""
    _clock(api).advance(**delta)
    api._tokens.clear()


def _jobs(**filters) -> list[SimpleNamespace]:
    """Timer job rows as plain values (the session is shared with the requests the test makes)."""
    db.session.rollback()
    rows = db.session.scalars(select(TimerJob).filter_by(**filters).order_by(TimerJob.id)).all()
    return [SimpleNamespace(**{c.key: getattr(r, c.key) for c in TimerJob.__table__.columns}) for r in rows]


def _fired_per_job() -> dict[str, int]:
    db.session.rollback()
    rows = db.session.execute(select(AuditEvent.data).where(AuditEvent.type == "timer_fired")).scalars()
    counts: dict[str, int] = {}
    for data in rows:
        counts[data["job"]] = counts.get(data["job"], 0) + 1
    return counts


# --- a crashed process --------------------------------------------------------------------------

def test_a_dead_process_s_jobs_are_taken_over_when_its_lock_expires(api):
    cases = [api.share("zrzy_sun", "GA-HJ-001") for _ in range(3)]
    api.set_clock(at(2026, 3, 17, 9))
    taken = runner.acquire("dead")  # locked, then the process "dies" without firing
    assert len(taken) == 3
    assert runner.run_due("alive") == 0
    assert api.run_timers() == 0
    _travel(api, seconds=runner.LOCK_SECONDS - 1)
    assert runner.run_due("alive") == 0
    _travel(api, seconds=2)
    assert runner.run_due("alive") == 3
    assert _fired_per_job() == {job_id: 1 for job_id in taken}
    for case in cases:
        after = api.ok("GET", f"/requests/{case['id']}", "dsj_li")
        assert sorted(t["task_key"] for t in after["open_tasks"]) == ["coordinate_overdue", "provider_review"]
    assert {j.state for j in _jobs()} == {"done"}


def test_a_job_fired_meanwhile_by_its_owner_is_not_fired_again(api):
    api.share("zrzy_sun", "GA-HJ-001")
    api.set_clock(at(2026, 3, 17, 9))
    [job_id] = runner.acquire("slow")
    _travel(api, seconds=runner.LOCK_SECONDS + 1)
    assert runner.acquire("fast") == [job_id]  # the lock expired: taken over
    assert runner.fire(job_id, "slow") == runner.LOST  # the slow owner wakes up: no longer its job
    assert runner.fire(job_id, "fast") == runner.FIRED
    assert runner.fire(job_id, "fast") == runner.LOST
    assert _fired_per_job() == {job_id: 1}


# --- failures, retries, incidents ------------------------------------------------------------------

FAILING = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="urn:t">
  <bpmn:process id="share_request" name="超时处理出错" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="provider" name="提供单位">
      <bpmn:flowNodeRef>provider_review</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="clock" />
    <bpmn:scriptTask id="clock"><bpmn:script>sla_start("provider_review", "审核", 10, "第二十一条")
divisor = 0</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="clock" targetRef="provider_review" />
    <bpmn:userTask id="provider_review" name="审核" />
    <bpmn:boundaryEvent id="review_overdue" attachedToRef="provider_review" cancelActivity="false">
      <bpmn:timerEventDefinition>
        <bpmn:timeDate>sla_deadline("provider_review")</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="review_overdue" targetRef="boom" />
    <bpmn:scriptTask id="boom"><bpmn:script>ratio = 1 / divisor</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f4" sourceRef="boom" targetRef="late_end" />
    <bpmn:endEvent id="late_end" />
    <bpmn:sequenceFlow id="f5" sourceRef="provider_review" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>"""


@pytest.fixture()
def failing_case(api):
    api.ok("POST", "/process-definitions", "admin", 201, data=FAILING.encode(), content_type="application/xml")
    case = api.share("zrzy_sun", "GA-HJ-001")  # due 2026-03-16
    api.set_clock(at(2026, 3, 17, 9))
    return case


def test_a_failing_timer_retries_with_backoff_then_becomes_an_incident(api, failing_case):
    assert api.run_timers() == 0
    [job] = _jobs()
    assert (job.state, job.attempts) == ("waiting", 1)
    assert "engine_error" in job.last_error and "division by zero" in job.last_error
    assert api.run_timers() == 0 and _jobs()[0].attempts == 1  # backing off: not retried at once
    assert api.ok("GET", "/incidents", "admin") == {"items": [], "total": 0}

    _travel(api, seconds=runner.BACKOFF_SECONDS * 2 + 1)
    assert api.run_timers() == 0 and _jobs()[0].attempts == 2
    _travel(api, seconds=runner.BACKOFF_SECONDS * 2 + 1)
    assert api.run_timers() == 0 and _jobs()[0].attempts == 2  # the second backoff is longer
    _travel(api, seconds=runner.BACKOFF_SECONDS * 2)
    assert api.run_timers() == 0
    [job] = _jobs()
    assert (job.state, job.attempts) == ("incident", runner.MAX_ATTEMPTS)

    _travel(api, days=1)
    assert api.run_timers() == 0 and _jobs()[0].attempts == runner.MAX_ATTEMPTS  # incidents wait
    listed = api.ok("GET", "/incidents", "admin")
    assert listed["total"] == 1
    item = listed["items"][0]
    assert (item["id"], item["request_id"], item["element"], item["attempts"], item["state"]) == \
        (job.id, failing_case["id"], "review_overdue", 3, "incident")
    assert "division by zero" in item["last_error"]
    types = [e["type"] for e in api.ok("GET", f"/requests/{failing_case['id']}/history", "auditor")["events"]]
    assert types.count("incident_raised") == 1 and "timer_fired" not in types
    after = api.ok("GET", f"/requests/{failing_case['id']}", "zrzy_sun")
    assert after["status"] == "pending" and [t["task_key"] for t in after["open_tasks"]] == ["provider_review"]


def test_retrying_an_incident_requeues_it(api, failing_case):
    for _ in range(runner.MAX_ATTEMPTS):
        api.run_timers()
        _travel(api, hours=1)
    [job] = _jobs(state="incident")
    retried = api.ok("POST", f"/incidents/{job.id}/retry", "admin")
    assert (retried["state"], retried["attempts"]) == ("waiting", 0)
    assert api.ok("GET", "/incidents", "admin")["total"] == 0
    again = api.post(f"/incidents/{job.id}/retry", "admin")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "not_incident"

    assert api.run_timers() == 0  # the model still divides by zero: it fails again, counted anew
    [job] = _jobs()
    assert (job.state, job.attempts) == ("waiting", 1)
    events = api.ok("GET", f"/requests/{failing_case['id']}/history", "auditor")["events"]
    retried_events = [e for e in events if e["type"] == "incident_retried"]
    assert len(retried_events) == 1 and retried_events[0]["actor"] == "admin"


def test_incidents_are_for_admins(api, failing_case):
    assert api.get("/incidents", "auditor").status_code == 403
    assert api.get("/incidents").status_code == 401
    assert api.post("/incidents/nope/retry", "dsj_li").status_code == 403
    resp = api.post("/incidents/nope/retry", "admin")
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"


# --- deadline storms: a batch of firings per transaction -------------------------------------------

def _timer_events() -> list[tuple[int, str, str]]:
    """(seq, case, job) of every ``timer_fired`` event, in chain order."""
    db.session.rollback()
    rows = db.session.execute(select(AuditEvent.seq, AuditEvent.case_id, AuditEvent.data)
                              .where(AuditEvent.type == "timer_fired").order_by(AuditEvent.seq))
    return [(seq, case_id, data["job"]) for seq, case_id, data in rows]


def test_a_broken_case_does_not_hold_back_the_others_in_its_batch(api):
    healthy = [api.share("zrzy_sun", "GA-HJ-001") for _ in range(4)]
    api.ok("POST", "/process-definitions", "admin", 201, data=FAILING.encode(), content_type="application/xml")
    broken = api.share("zrzy_sun", "GA-HJ-001")  # the new version: its timer divides by zero
    api.set_clock(at(2026, 3, 17, 9))
    taken = runner.acquire("owner")
    broken_job = next(j.id for j in _jobs() if j.case_id == broken["id"])

    outcomes, failures = runner.fire_batch(taken, "owner")  # one transaction, a step per job
    assert set(failures) == {broken_job} and "division by zero" in failures[broken_job]
    assert outcomes == {job_id: runner.FIRED for job_id in taken if job_id != broken_job}
    runner.record_failure(broken_job, failures[broken_job])
    jobs = {j.case_id: j for j in _jobs()}
    assert {jobs[c["id"]].state for c in healthy} == {"done"}
    assert (jobs[broken["id"]].state, jobs[broken["id"]].attempts) == ("waiting", 1)
    assert sorted(case for _seq, case, _job in _timer_events()) == sorted(c["id"] for c in healthy)
    for case in healthy:
        after = api.ok("GET", f"/requests/{case['id']}", "dsj_li")
        assert sorted(t["task_key"] for t in after["open_tasks"]) == ["coordinate_overdue", "provider_review"]
        api.assert_replays(case["id"])
    after = api.ok("GET", f"/requests/{broken['id']}", "zrzy_sun")
    assert [t["task_key"] for t in after["open_tasks"]] == ["provider_review"]
    assert api.ok("GET", "/audit/verify", "auditor")["ok"] is True


def test_batched_firings_stay_in_the_one_chain_and_tampering_is_named(api, monkeypatch):
    monkeypatch.setattr(runner, "FIRE_BATCH", 2)  # five jobs: batches of 2, 2 and 1
    cases = [api.share("zrzy_sun", "GA-HJ-001") for _ in range(5)]
    api.set_clock(at(2026, 3, 17, 9))
    assert api.run_timers() == 5
    fired = _timer_events()
    assert sorted(case for _seq, case, _job in fired) == sorted(c["id"] for c in cases)
    for case in cases:
        api.assert_replays(case["id"])
    verdict = api.ok("GET", "/audit/verify", "auditor")
    assert verdict["ok"] is True and verdict["first_bad_seq"] is None

    seq = fired[2][0]  # a firing in the middle of the second batch
    db.session.execute(AuditEvent.__table__.update().where(AuditEvent.seq == seq)
                       .values(data={"job": fired[2][2], "due_at": "2026-03-31T15:59:59+00:00"}))
    db.session.commit()
    verdict = api.ok("GET", "/audit/verify", "auditor")
    assert (verdict["ok"], verdict["first_bad_seq"], verdict["problem"]) == (False, seq, "hash_mismatch")
    result = api.app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code != 0 and str(seq) in result.output


def test_a_job_whose_case_is_gone_from_its_batch_is_lost_not_failed(api):
    """Two acquired jobs, one fired meanwhile by its owner alone: the batch reports it lost."""
    for _ in range(2):
        api.share("zrzy_sun", "GA-HJ-001")
    api.set_clock(at(2026, 3, 17, 9))
    taken = runner.acquire("owner")
    assert len(taken) == 2
    assert runner.fire(taken[0], "owner") == runner.FIRED
    outcomes, failures = runner.fire_batch(taken, "owner")
    assert (outcomes, failures) == ({taken[0]: runner.LOST, taken[1]: runner.FIRED}, {})
    assert _fired_per_job() == {taken[0]: 1, taken[1]: 1}


# --- two processes, one database -----------------------------------------------------------------

def _spawn(url: str, now: str, owner: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DSF_SCHEDULER": "off"}
    return subprocess.Popen([sys.executable, "-m", "tests.timer_worker", url, now, owner], cwd=ROOT, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
                    reason="needs PostgreSQL (TEST_DATABASE_URL): SQLite has no row locks "
                           "(FOR UPDATE SKIP LOCKED) to share jobs between processes")
def test_two_processes_fire_a_thousand_due_timers_each_exactly_once(api):
    from app.cases import share

    user = db.session.scalar(select(User).where(User.username == "zrzy_sun"))
    for _ in range(1000):
        share.start(user, "GA-HJ-001", "批量", None, None)
    assert len(_jobs(state="waiting")) == 1000

    now = at(2026, 3, 17, 0, 0, 1).isoformat()
    workers = [_spawn(_database_url(), now, f"worker-{i}") for i in range(2)]
    for w in workers:
        assert w.stdout.readline().strip() == "ready", w.stderr.read()
    for w in workers:
        w.stdin.write("go\n")
        w.stdin.flush()
    results = []
    for w in workers:
        out, err = w.communicate(timeout=600)
        assert w.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))

    fired = [r["fired"] for r in results]
    assert sum(fired) == 1000 and all(n > 0 for n in fired), fired  # both took part
    counts = _fired_per_job()
    assert len(counts) == 1000 and set(counts.values()) == {1}
    assert {j.state for j in _jobs()} == {"done"}
    coordination = db.session.scalar(select(func.count()).select_from(HumanTask)
                                     .where(HumanTask.task_key == "coordinate_overdue"))
    assert coordination == 1000
    assert api.run_timers() == 0
