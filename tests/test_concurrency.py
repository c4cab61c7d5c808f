"""Racing commands over real HTTP against a real threaded server: exactly one wins."""
import http.client
import json
import threading

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from app.models import AuditEvent


@pytest.fixture()
def server(api):
    srv = make_server("127.0.0.1", 0, api.app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_port
    srv.shutdown()
    thread.join(5)


def _post(port: int, path: str, token: str, body: dict) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", "/api/v1" + path, body=json.dumps(body),
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        return conn.getresponse().status
    finally:
        conn.close()


def _race(port: int, calls: list[tuple[str, str, dict]]) -> list[int]:
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, path, token, body):
        barrier.wait()
        results[i] = _post(port, path, token, body)

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_exactly_one_of_racing_completions_wins(api, server):
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    tokens = [api.token("ga_wang"), api.token("ga_chen")]
    calls = [(f"/tasks/{task['id']}/complete", tokens[i % 2],
              {"decision": "approve"} if i % 3 else {"decision": "refuse", "reason": f"理由{i}"})
             for i in range(8)]
    statuses = _race(server, calls)
    assert sorted(statuses) == [200] + [409] * 7, statuses
    db.session.rollback()
    completed = db.session.query(AuditEvent).filter_by(case_id=case["id"], type="task_completed").count()
    assert completed == 1
    final = api.ok("GET", f"/requests/{case['id']}", "auditor")
    assert final["status"] in ("granted", "refused") and final["open_tasks"] == []


def test_racing_claims_leave_one_holder(api, server):
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    tokens = [api.token("ga_wang"), api.token("ga_chen")]
    statuses = _race(server, [(f"/tasks/{task['id']}/claim", tokens[i % 2], {}) for i in range(6)])
    holder = api.ok("GET", f"/tasks/{task['id']}", "auditor")["assignee"]
    # the holder's own repeated claims succeed (idempotent), the other user's all fail
    holder_token = tokens[0] if holder == "ga_wang" else tokens[1]
    expected = [200 if tokens[i % 2] == holder_token else 409 for i in range(6)]
    assert statuses == expected


def test_concurrent_new_requests_keep_one_unbroken_audit_chain(api, server):
    token = api.token("zrzy_sun")
    statuses = _race(server, [("/share-requests", token, {"resource": "GA-HJ-001", "purpose": f"并发{i}"})
                              for i in range(8)])
    assert statuses == [201] * 8
    db.session.rollback()
    events = db.session.query(AuditEvent).order_by(AuditEvent.seq).all()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:]))
