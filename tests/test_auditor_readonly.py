"""The auditor reads everything and changes nothing: every mutating route of the app, found
in its url_map (so a route added later is covered without touching this file), is refused to
the demo ``auditor`` with valid input and real ids, and the database is byte-for-byte the
same afterwards; every GET route answers the auditor 200."""
import io
import pathlib
import re

import pytest
from sqlalchemy import select, text, update

from app.extensions import db
from app.models import TimerJob
from tests.support import at

ROOT = pathlib.Path(__file__).resolve().parents[1]
MUTATING = {"POST", "PUT", "PATCH", "DELETE"}

# (method, rule) -> why the auditor may call it
NOT_A_CHANGE = {
    ("POST", "/api/v1/requests/<case_id>/replay"):
        "the auditor's own check: re-executes the case in memory and writes nothing "
        "(test_audit_replay.test_replay_writes_nothing)",
    ("POST", "/api/v1/auth/login"): "how anyone, the auditor too, gets a token to read with",
    ("POST", "/api/v1/auth/logout"): "ends the caller's own login (their token), like logging in starts one",
    ("POST", "/api/v1/auth/register"):
        "public self-registration of citizens: needs no token, so it is no act of the auditor",
    ("POST", "/api/v1/testing/clock"): "test harness, only registered with DSF_FAKE_CLOCK=1, never in production",
    ("POST", "/api/v1/testing/run-due-timers"): "test harness, only registered with DSF_FAKE_CLOCK=1",
}
# GET routes the auditor does not use, and why
NOT_THEIRS = {
    "/api/v1/incidents": "operations (API.md: admin): failed timer jobs, not case history",
}


def _schedule_2027() -> dict:
    from app.calendar import estimate_year

    return {"holidays": estimate_year(2027).to_dict()["holidays"], "workdays": [], "source_ref": "测试"}


BODIES = {
    "requests.file_share_request": {"json": {"resource": "GA-HJ-001", "purpose": "审计员尝试申请"}},
    "requests.file_open_data_request": {"json": {"resource": "ZRZY-BDC-001", "purpose": "x", "description": "x",
                                                 "channel": "online"}},
    "requests.file_purchase_request": {"json": {"title": "x", "supplier": "x", "description": "x",
                                                "purpose": "x", "budget_yuan": "100.00"}},
    "requests.supplement": {"json": {"description": "补充说明"}},
    "tasks.complete": {"json": {"decision": "approve"}},
    "tasks.reassign": {"json": {"to": "ga_chen", "reason": "审计员尝试转办"}},
    "tasks.return_for_amendment": {"json": {"reason": "审计员尝试退回"}},
    "casework.amend": {"json": {"purpose": "审计员尝试修改", "note": "x"}},
    "casework.add_comment": {"json": {"text": "审计员尝试评论"}},
    "notifications.mark_read": {"json": {"ids": "all"}},
    "casework.add_attachment": {"data": {"file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "a.pdf")},
                                "content_type": "multipart/form-data"},
    "regulatory.file_objection": {"json": {"resource": "GA-HJ-001", "description": "审计员尝试提出异议"}},
    "regulatory.coordinate": {"json": {"reason": "审计员尝试提请协调"}},
    "catalog.create": {"json": {"code": "AUD-001", "name": "x", "provider": "DY-GA", "share_type": "unconditional"}},
    "catalog.patch": {"json": {"name": "审计员改名", "reason": "x"}},
    "catalog.file_catalog_change": {"json": {"resource": "GA-HJ-001", "change": {"name": "x"}, "reason": "x"}},
    "catalog.emergency": {"json": {"share_type": "unconditional", "until": "2026-12-31", "reason": "x"}},
    "identity.add_department": {"json": {"code": "AUD", "name": "x", "kind": "government", "region": "东营市"}},
    "identity.add_user": {"json": {"username": "aud2", "password": "a-long-password", "display_name": "x",
                                   "department": "DY-GA", "roles": ["approver"]}},
    "identity.patch_department": {"json": {"name": "审计员改名"}},
    "identity.patch_user": {"json": {"disabled": True}},
    "identity.change_password": {"json": {"password": "a-long-password"}},
    "calendar.put_year": {"json": _schedule_2027()},
    "grants.revoke": {"json": {"reason": "审计员尝试撤销"}},
    "requests.cancel": {"json": {"reason": "审计员尝试终止"}},
    "migrations.migrate": {"json": {"key": "share_request", "from_version": 1, "to_version": 2,
                                    "mapping": {}, "dry_run": False}},
    "processes.deploy": {"data": (ROOT / "bpmn" / "share_request.bpmn").read_bytes(),
                         "content_type": "application/xml"},
}
# routes that need another id than the world's first one: endpoint -> {parameter: world key}
OTHER_IDS = {"casework.letter": {"case_id": "decided_id"}}
QUERIES = {"calendar.add_working_days": "?start=2026-03-02&days=10", "audit.export_events": "?case={case_id}"}


@pytest.fixture()
def world(api):
    """Real ids for every path parameter: a pending case with an open task, an incident, a grant."""
    case = api.share("zrzy_sun", "GA-HJ-001")
    grant = api.share("kl_mz_wu", "SCJG-QY-001")  # unconditional: granted at filing
    grant_id = api.ok("GET", "/grants", "kl_mz_wu")["items"][0]["id"]
    assert grant["status"] == "granted"
    api.set_clock(at(2026, 3, 18, 9))
    api.run_timers()
    job = db.session.scalar(select(TimerJob.id).where(TimerJob.case_id == case["id"]))
    db.session.execute(update(TimerJob).where(TimerJob.id == job).values(state="incident"))
    db.session.commit()
    attachment = api.post(f"/requests/{case['id']}/attachments", "zrzy_sun", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "a.pdf")}).get_json()["id"]
    decided = api.share("zrzy_sun", "SCJG-QY-001")  # unconditional: granted at once
    api.token("auditor")
    return {"case_id": case["id"], "attachment_id": attachment, "decided_id": decided["id"],
            "task_id": api.task_of(case, "provider_review")["id"], "code": "GA-HJ-001",
            "key": "share_request", "year": "2026", "job_id": job, "filename": "swagger-ui.css",
            "grant_id": grant_id, "username": "ga_wang"}


def _routes(app, methods: set[str]):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith("/api/v1"):
            for method in sorted(rule.methods & methods):
                yield method, rule


def _path(rule, ids: dict) -> str:
    ids = {**ids, **{param: ids[key] for param, key in OTHER_IDS.get(rule.endpoint, {}).items()}}
    path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: ids.get(m.group(1), "0"), rule.rule)
    return path.removeprefix("/api/v1") + QUERIES.get(rule.endpoint, "").format(**ids)


def _database() -> dict:
    """Every row of every table, to prove nothing changed."""
    dump = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(text(f"SELECT * FROM {table.name}")).all()
        dump[table.name] = sorted(repr(tuple(r)) for r in rows)
    db.session.rollback()
    return dump


def test_every_mutating_route_is_refused_to_the_auditor_and_changes_nothing(api, world):
    before = _database()
    tried = []
    for method, rule in _routes(api.app, MUTATING):
        if (method, rule.rule) in NOT_A_CHANGE:
            continue
        resp = api.call(method, _path(rule, world), "auditor", **BODIES.get(rule.endpoint, {"json": {}}))
        tried.append(rule.endpoint)
        assert resp.status_code in (403, 404, 405), (method, rule.rule, resp.status_code, resp.get_json())
        assert resp.get_json()["error"]["code"] in ("forbidden", "not_found", "method_not_allowed")
    assert _database() == before
    assert {"tasks.complete", "tasks.claim", "requests.withdraw", "processes.deploy",
            "identity.add_user", "identity.patch_user", "identity.patch_department",
            "identity.change_password", "grants.revoke", "tasks.reassign", "tasks.return_for_amendment",
            "casework.amend", "casework.add_comment", "casework.add_attachment",
            "notifications.mark_read"} <= set(tried)


def test_the_exclusions_are_real_routes(api):
    rules = {(m, r.rule) for m, r in _routes(api.app, MUTATING | {"GET"})}
    assert set(NOT_A_CHANGE) <= rules
    assert {("GET", path) for path in NOT_THEIRS} <= rules


def test_every_get_route_answers_the_auditor(api, world):
    for _method, rule in _routes(api.app, {"GET"}):
        if rule.rule in NOT_THEIRS:
            continue
        resp = api.call("GET", _path(rule, world), "auditor")
        assert resp.status_code == 200, (rule.rule, resp.status_code, resp.get_data()[:300])
