"""Grants (授权): made by granted share requests in the same unit of work, listed by
department visibility and filters, revoked (audited), expired with an emergency reclassification."""
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Grant, Resource
from tests.support import at


def _complete(api, case, key, user, body, status=200):
    task = api.task_of(api.ok("GET", f"/requests/{case['id']}", user), key)
    return api.ok("POST", f"/tasks/{task['id']}/complete", user, status, json=body)


def _events(case_id, type_):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.type == type_)
                              .order_by(AuditEvent.seq)).all()


def _grants(api, user, query=""):
    return api.ok("GET", "/grants" + query, user)


def test_a_direct_unconditional_grant_is_made_at_filing(api):
    case = api.share("zrzy_sun", "SCJG-QY-001", purpose="不动产登记核验市场主体")
    assert case["status"] == "granted"
    listed = _grants(api, "zrzy_sun")
    assert listed["total"] == 1
    grant = listed["items"][0]
    assert {k: grant[k] for k in ("resource", "department", "provider", "case_id", "purpose", "conditions",
                                  "expires_at", "state")} == {
        "resource": "SCJG-QY-001", "department": "DY-ZRZY", "provider": "DY-SCJG", "case_id": case["id"],
        "purpose": "不动产登记核验市场主体", "conditions": None, "expires_at": None, "state": "active"}
    assert grant["granted_at"].startswith("2026-03-02T01:00:00")
    [created] = _events(case["id"], "grant_created")
    decided = _events(case["id"], "case_decided")[0]
    assert created.data["grant"] == grant["id"] and created.seq == decided.seq + 1  # same command
    assert created.actor == "zrzy_sun"
    replay = api.ok("POST", f"/requests/{case['id']}/replay", "auditor")
    assert replay["consistent"] is True, replay["divergence"]


def test_a_reviewed_grant_carries_the_providers_conditions_and_refusals_make_none(api):
    granted = api.share("zrzy_sun", "GA-HJ-001")
    refused = api.share("kl_mz_wu", "GA-HJ-001")
    assert _grants(api, "zrzy_sun")["total"] == 0  # pending: no grant yet
    done = _complete(api, granted, "provider_review", "ga_wang", {"decision": "approve", "conditions": "仅用于不动产登记"})
    assert done["status"] == "granted"
    _complete(api, refused, "provider_review", "ga_chen", {"decision": "refuse", "reason": "用途不明确"})
    [grant] = _grants(api, "ga_wang")["items"]
    assert (grant["case_id"], grant["conditions"], grant["department"]) == (granted["id"], "仅用于不动产登记", "DY-ZRZY")
    assert _events(refused["id"], "grant_created") == []
    assert db.session.scalar(select(Grant.case_id).where(Grant.case_id == refused["id"])) is None
    for case in (granted, refused):
        replay = api.ok("POST", f"/requests/{case['id']}/replay", "auditor")
        assert replay["consistent"] is True, replay["divergence"]


def test_the_list_by_department_visibility_and_filters(api):
    a = api.share("zrzy_sun", "SCJG-QY-001")      # DY-ZRZY uses, DY-SCJG provides
    b = api.share("kl_mz_wu", "SCJG-QY-001")      # KL-MZ uses
    c = api.share("scjg_liu", "SCJG-QY-001")      # DY-SCJG uses its own resource
    ids = lambda body: {g["case_id"] for g in body["items"]}  # noqa: E731
    assert ids(_grants(api, "zrzy_sun")) == {a["id"]}
    assert ids(_grants(api, "kl_mz_wu")) == {b["id"]}
    assert ids(_grants(api, "scjg_liu")) == {a["id"], b["id"], c["id"]}  # the provider sees every holder
    for reader in ("dsj_li", "auditor", "admin"):
        assert ids(_grants(api, reader)) == {a["id"], b["id"], c["id"]}
    assert _grants(api, "ga_wang")["total"] == 0 and _grants(api, "citizen_he")["total"] == 0
    assert ids(_grants(api, "dsj_li", "?department=KL-MZ")) == {b["id"]}
    assert ids(_grants(api, "zrzy_sun", "?department=KL-MZ")) == set()  # filters never widen
    assert ids(_grants(api, "auditor", "?resource=GA-HJ-001")) == set()
    assert ids(_grants(api, "auditor", "?resource=SCJG-QY-001&state=active")) == {a["id"], b["id"], c["id"]}
    assert _grants(api, "auditor", "?state=expired")["total"] == 0
    paged = _grants(api, "auditor", "?per_page=2&page=2")
    assert paged["total"] == 3 and len(paged["items"]) == 1
    assert api.get("/grants?state=lost", "auditor").status_code == 422
    assert api.get("/grants").status_code == 401


def test_revoke_by_the_provider_audited_once(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    _complete(api, case, "provider_review", "ga_wang", {"decision": "approve", "conditions": "限本单位"})
    [grant] = _grants(api, "zrzy_sun")["items"]
    path = f"/grants/{grant['id']}/revoke"
    assert api.post(path, "zrzy_sun", json={"reason": "x"}).status_code == 403  # the user, not the provider
    assert api.post(path, "gs_zhou", json={"reason": "x"}).status_code == 404  # another department's approver
    assert api.post(path, "ga_chen", json={}).status_code == 422
    api.set_clock(at(2026, 3, 5, 14))
    revoked = api.ok("POST", path, "ga_chen", json={"reason": "使用单位超范围使用"})
    assert revoked["state"] == "revoked" and revoked["revoked_reason"] == "使用单位超范围使用"
    again = api.post(path, "dsj_li", json={"reason": "再次撤销"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "grant_not_active"
    [event] = _events(case["id"], "grant_revoked")
    assert (event.actor, event.data["reason"], event.data["grant"]) == ("ga_chen", "使用单位超范围使用", grant["id"])
    assert _grants(api, "zrzy_sun", "?state=revoked")["items"][0]["id"] == grant["id"]
    assert _grants(api, "zrzy_sun", "?state=active")["total"] == 0
    assert api.ok("GET", "/audit/verify", "auditor")["ok"] is True
    replay = api.ok("POST", f"/requests/{case['id']}/replay", "auditor")
    assert replay["consistent"] is True, replay["divergence"]


def test_an_authority_revokes(api):
    case = api.share("zrzy_sun", "SCJG-QY-001")
    [grant] = _grants(api, "dsj_li")["items"]
    assert api.ok("POST", f"/grants/{grant['id']}/revoke", "dsj_li", json={"reason": "数据安全事件"})["state"] == "revoked"
    assert len(_events(case["id"], "grant_revoked")) == 1


def test_a_grant_made_under_an_emergency_expires_with_it(api):
    resource = db.session.scalar(select(Resource).where(Resource.code == "GA-HJ-001"))
    resource.emergency_share_type, resource.emergency_until = "unconditional", date(2026, 3, 10)
    resource.emergency_reason = "防汛应急"
    db.session.commit()
    case = api.share("zrzy_sun", "GA-HJ-001")
    assert case["status"] == "granted" and case["outcome"]["decision"] == "direct"
    [started] = _events(case["id"], "case_started")
    assert started.data["catalog"]["emergency_until"] == "2026-03-10"
    [grant] = _grants(api, "zrzy_sun")["items"]
    assert grant["expires_at"] == "2026-03-10T16:00:00+00:00"  # the midnight after 03-10 in Shanghai
    api.set_clock(at(2026, 3, 10, 23, 59, 59))
    assert _grants(api, "zrzy_sun")["items"][0]["state"] == "active"
    api.set_clock(at(2026, 3, 11, 0, 0, 0))
    assert _grants(api, "zrzy_sun")["items"][0]["state"] == "expired"
    assert _grants(api, "zrzy_sun", "?state=expired")["total"] == 1
    assert _grants(api, "zrzy_sun", "?state=active")["total"] == 0
    refused = api.post(f"/grants/{grant['id']}/revoke", "ga_wang", json={"reason": "x"})
    assert refused.status_code == 409 and refused.get_json()["error"]["details"]["state"] == "expired"
    # after the emergency, the catalog's own type decides again and the grant has no end
    later = api.share("zrzy_sun", "GA-HJ-001")
    assert later["status"] == "pending"
    assert _events(later["id"], "case_started")[0].data["catalog"]["emergency_until"] is None
    replay = api.ok("POST", f"/requests/{case['id']}/replay", "auditor")
    assert replay["consistent"] is True, replay["divergence"]


def test_replay_notices_a_granted_case_without_its_grant_row(api):
    case = api.share("zrzy_sun", "SCJG-QY-001")
    row = db.session.scalar(select(Grant).where(Grant.case_id == case["id"]))
    db.session.delete(row)
    db.session.commit()
    replay = api.ok("POST", f"/requests/{case['id']}/replay", "auditor")
    assert replay["consistent"] is False
    assert replay["divergence"] == {"seq": None, "what": "grants", "expected": 1, "found": 0}
