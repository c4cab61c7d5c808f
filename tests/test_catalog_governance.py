"""The governed catalog over HTTP: departments change entries only through a reviewed catalog
change, published as versions; emergencies are cases approved by the city authority; the open
list is public. Every command appends exactly its events and the chain verifies."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Resource, ResourceVersion

OPENING = {"open_type": "on_request"}


def _events(after_seq: int = 0) -> list[AuditEvent]:
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.seq > after_seq).order_by(AuditEvent.seq)).all()
    db.session.rollback()
    return rows


def _last_seq() -> int:
    events = _events()
    return events[-1].seq if events else 0


def _complete(api, case, key, user, body, status=200):
    task = api.task_of(api.ok("GET", f"/requests/{case['id']}", user), key)
    return api.ok("POST", f"/tasks/{task['id']}/complete", user, status, json=body)


def _verified(api):
    assert api.ok("GET", "/audit/verify", "auditor")["ok"] is True


def _replays(api, case):
    body = api.ok("POST", f"/requests/{case['id']}/replay", "auditor")
    assert body["consistent"] is True, body["divergence"]


@pytest.fixture()
def api(api):
    """The demo plus a second person at the city authority (the demo has one)."""
    api.ok("POST", "/users", "admin", 201, json={"username": "dsj_qian", "password": "demo-pass-2026",
                                                 "display_name": "钱科长(市大数据局)", "department": "DY-DSJ",
                                                 "roles": ["authority"]})
    return api


# -- "Why": an approver can no longer loosen the live catalog by a PATCH ----------------------
def test_an_approver_patch_is_refused_and_changes_nothing(api):
    api.token("ga_wang")  # logging in is itself audited
    seq = _last_seq()
    resp = api.call("PATCH", "/resources/GA-ZDRY-002", "ga_wang", json={"share_type": "unconditional"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "use_catalog_change"
    assert api.ok("GET", "/resources/GA-ZDRY-002", "ga_wang")["share_type"] == "none"
    assert _events(seq) == []
    assert api.share("zrzy_sun", "GA-ZDRY-002")["status"] == "refused"
    new = api.post("/resources", "ga_wang", json={"code": "GA-X", "name": "x", "provider": "DY-GA",
                                                   "share_type": "unconditional"})
    assert new.status_code == 409 and new.get_json()["error"]["code"] == "use_catalog_change"


def test_the_admin_edits_directly_with_a_reason_audited_as_a_new_version(api):
    no_reason = api.call("PATCH", "/resources/GA-HJ-001", "admin", json={"name": "人口户籍信息"})
    assert no_reason.status_code == 422
    seq = _last_seq()
    api.ok("PATCH", "/resources/GA-HJ-001", "admin", json={"name": "人口户籍信息", "reason": "规范名称"})
    [event] = _events(seq)
    assert (event.type, event.element, event.case_id, event.actor) == ("resource_changed", "GA-HJ-001", None, "admin")
    assert event.data["before"] == {"name": "人口户籍基础信息"} and event.data["after"] == {"name": "人口户籍信息"}
    assert event.data["reason"] == "规范名称" and event.data["version"] == 2
    versions = api.ok("GET", "/resources/GA-HJ-001/versions", "zrzy_sun")
    assert versions["total"] == 2 and [v["version"] for v in versions["items"]] == [2, 1]
    assert versions["items"][0]["fields"]["name"] == "人口户籍信息" and versions["items"][0]["by"] == "admin"
    assert versions["items"][1]["fields"]["name"] == "人口户籍基础信息" and versions["items"][1]["case_id"] is None

    seq = _last_seq()
    api.ok("POST", "/resources", "admin", 201, json={"code": "GA-NEW", "name": "新资源", "provider": "DY-GA",
                                                      "share_type": "unconditional", "reason": "新增"})
    [created] = _events(seq)
    assert created.type == "resource_changed" and created.data["before"] is None
    assert created.data["after"]["code"] == "GA-NEW" and created.data["version"] == 1
    assert api.ok("GET", "/resources/GA-NEW/versions", "ga_wang")["items"][0]["version"] == 1
    _verified(api)


# -- the catalog change case ------------------------------------------------------------------
def test_opening_a_resource_needs_review_and_security_review_then_publishes_a_version(api):
    seq = _last_seq()
    case = api.ok("POST", "/catalog-changes", "ga_wang", 201,
                  json={"resource": "GA-HJ-001", "change": OPENING, "reason": "拟依申请开放"})
    assert case["kind"] == "catalog_change" and case["status"] == "pending" and case["resource"] == "GA-HJ-001"
    review = api.task_of(case, "catalog_review")
    assert review["department"] == "DY-DSJ"
    assert api.ok("GET", "/resources/GA-HJ-001", "ga_wang")["open_type"] == "closed"  # nothing yet
    assert not [e for e in _events(seq) if e.type == "resource_changed"]

    # a return needs a reason
    bad = api.call("POST", f"/tasks/{review['id']}/complete", "dsj_li", json={"decision": "return"})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "reason_required"
    after = _complete(api, case, "catalog_review", "dsj_li", {"decision": "approve"})
    assert after["status"] == "pending" and api.task_of(after, "security_review")["department"] == "DY-DSJ"
    assert api.ok("GET", "/resources/GA-HJ-001", "ga_wang")["open_type"] == "closed"

    seq = _last_seq()
    done = _complete(api, case, "security_review", "dsj_li", {"decision": "approve"})
    assert done["status"] == "completed" and done["open_tasks"] == []
    assert api.ok("GET", "/resources/GA-HJ-001", "ga_wang")["open_type"] == "on_request"
    changed = [e for e in _events(seq) if e.type == "resource_changed"]
    assert len(changed) == 1 and changed[0].case_id == case["id"]
    assert changed[0].data["before"] == {"open_type": "closed"} and changed[0].data["after"] == {"open_type": "on_request"}
    latest = api.ok("GET", "/resources/GA-HJ-001/versions", "ga_wang")["items"][0]
    assert latest["version"] == 2 and latest["case_id"] == case["id"] and latest["by"] == "dsj_li"
    assert latest["fields"]["open_type"] == "on_request"
    assert api.ok("GET", "/requests?kind=catalog_change", "dsj_li")["total"] == 1
    _replays(api, case)
    _verified(api)


def test_a_change_that_does_not_loosen_publishes_on_review_and_a_return_changes_nothing(api):
    tighter = {"share_type": "none", "share_conditions": None}
    returned = api.ok("POST", "/catalog-changes", "ga_wang", 201,
                      json={"resource": "GA-HJ-001", "change": tighter, "reason": "收紧"})
    out = _complete(api, returned, "catalog_review", "dsj_li", {"decision": "return", "reason": "依据不足"})
    assert out["status"] == "refused" and out["outcome"]["reason"] == "依据不足"
    assert api.ok("GET", "/resources/GA-HJ-001/versions", "ga_wang")["total"] == 1
    _replays(api, returned)

    case = api.ok("POST", "/catalog-changes", "ga_wang", 201,
                  json={"resource": "GA-HJ-001", "change": tighter, "reason": "收紧"})
    done = _complete(api, case, "catalog_review", "dsj_li", {"decision": "approve"})
    assert done["status"] == "completed"  # no security review: nothing opened or loosened
    entry = api.ok("GET", "/resources/GA-HJ-001", "ga_wang")
    assert entry["share_type"] == "none" and entry["share_conditions"] is None
    _replays(api, case)


def test_a_new_resource_is_created_on_approval_and_rules_are_checked_at_filing(api):
    bad = api.post("/catalog-changes", "ga_wang", json={"change": {"code": "GA-NEW", "name": "新资源",
                                                                     "provider": "DY-GA", "share_type": "conditional"},
                                                          "reason": "新增"})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "conditions_required"
    other = api.post("/catalog-changes", "ga_wang", json={"change": {"code": "GS-NEW", "name": "x",
                                                                       "provider": "DY-GS", "share_type": "unconditional"},
                                                            "reason": "x"})
    assert other.status_code == 403
    taken = api.post("/catalog-changes", "ga_wang", json={"change": {"code": "GA-HJ-001", "name": "x",
                                                                       "provider": "DY-GA", "share_type": "unconditional"},
                                                            "reason": "x"})
    assert taken.status_code == 409
    change = {"code": "GA-NEW", "name": "新资源", "provider": "DY-GA", "share_type": "unconditional"}
    case = api.ok("POST", "/catalog-changes", "ga_wang", 201, json={"change": change, "reason": "新增"})
    assert api.get("/resources/GA-NEW", "ga_wang").status_code == 404
    after = _complete(api, case, "catalog_review", "dsj_li", {"decision": "approve"})
    assert api.task_of(after, "security_review")  # shared unconditionally: reviewed first
    _complete(api, case, "security_review", "dsj_li", {"decision": "approve"})
    assert api.ok("GET", "/resources/GA-NEW", "ga_wang")["share_type"] == "unconditional"
    [version] = api.ok("GET", "/resources/GA-NEW/versions", "ga_wang")["items"]
    assert version["version"] == 1 and version["case_id"] == case["id"]
    _replays(api, case)


def test_rules_are_checked_again_at_approval(api):
    change = {"code": "GA-NEW", "name": "新资源", "provider": "DY-GA", "share_type": "none", "legal_basis": "某法"}
    first = api.ok("POST", "/catalog-changes", "ga_wang", 201, json={"change": change, "reason": "新增"})
    second = api.ok("POST", "/catalog-changes", "ga_chen", 201, json={"change": change, "reason": "新增"})
    _complete(api, first, "catalog_review", "dsj_li", {"decision": "approve"})
    resp = _complete(api, second, "catalog_review", "dsj_li", {"decision": "approve"}, status=409)
    assert resp["error"]["code"] == "code_taken"
    assert api.ok("GET", f"/requests/{second['id']}", "dsj_li")["status"] == "pending"


def test_a_county_provider_is_reviewed_by_its_county_authority(api):
    api.ok("POST", "/users", "admin", 201, json={"username": "kl_mz_head", "password": "demo-pass-2026",
                                                 "display_name": "x", "department": "KL-MZ", "roles": ["approver"]})
    change = {"code": "KL-MZ-001", "name": "低保对象信息", "provider": "KL-MZ", "share_type": "none",
              "legal_basis": "《社会救助暂行办法》"}
    case = api.ok("POST", "/catalog-changes", "kl_mz_head", 201, json={"change": change, "reason": "编制目录"})
    assert api.task_of(case, "catalog_review")["department"] == "KL-DSJ"


# -- emergency reclassification ----------------------------------------------------------------
def test_a_county_authority_emergency_is_only_a_case_until_another_city_authority_person_approves(api):
    seq = _last_seq()
    case = api.ok("POST", "/resources/GA-ZDRY-002/emergency", "kl_dsj_zhao", 201,
                  json={"share_type": "unconditional", "until": "2026-03-10", "reason": "应急"})
    assert case["kind"] == "emergency" and case["status"] == "pending"
    assert not [e for e in _events(seq) if e.type == "resource_changed"]
    assert api.ok("GET", "/resources/GA-ZDRY-002", "zrzy_sun")["effective_share_type"] == "none"
    assert api.share("zrzy_sun", "GA-ZDRY-002")["status"] == "refused"
    review = api.task_of(case, "emergency_review")
    assert review["department"] == "DY-DSJ"  # the city authority, not 垦利区's
    assert api.call("POST", f"/tasks/{review['id']}/complete", "kl_dsj_zhao",
                    json={"decision": "approve"}).status_code in (403, 404)

    seq = _last_seq()
    done = _complete(api, case, "emergency_review", "dsj_li", {"decision": "approve"})
    assert done["status"] == "granted"
    entry = api.ok("GET", "/resources/GA-ZDRY-002", "zrzy_sun")
    assert entry["effective_share_type"] == "unconditional" and entry["share_type"] == "none"
    assert entry["emergency"] == {"share_type": "unconditional", "until": "2026-03-10", "reason": "应急"}
    [changed] = [e for e in _events(seq) if e.type == "resource_changed"]
    assert changed.case_id == case["id"] and changed.data["after"]["emergency_until"] == "2026-03-10"
    assert api.ok("GET", "/resources/GA-ZDRY-002/versions", "zrzy_sun")["total"] == 1  # the entry is unchanged
    assert api.ok("GET", "/requests?kind=emergency", "dsj_li")["total"] == 1
    _replays(api, case)
    _verified(api)


def test_the_city_authority_cannot_approve_its_own_emergency(api):
    case = api.ok("POST", "/resources/GA-HJ-001/emergency", "dsj_li", 201,
                  json={"share_type": "unconditional", "until": "2026-03-10", "reason": "应急"})
    review = api.task_of(case, "emergency_review")
    resp = api.call("POST", f"/tasks/{review['id']}/complete", "dsj_li", json={"decision": "approve"})
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] in ("emergency_self_approval", "own_case")
    assert api.ok("GET", "/resources/GA-HJ-001", "ga_wang")["effective_share_type"] == "conditional"
    assert _complete(api, case, "emergency_review", "dsj_qian", {"decision": "approve"})["status"] == "granted"
    assert api.ok("GET", "/resources/GA-HJ-001", "ga_wang")["effective_share_type"] == "unconditional"


def test_emergency_requests_must_loosen_be_bounded_and_asked_by_the_holder_or_an_authority(api):
    def ask(user, code, share_type, until):
        return api.post(f"/resources/{code}/emergency", user, json={"share_type": share_type, "until": until,
                                                                     "reason": "应急"})
    for share_type in ("none", "conditional"):  # GA-HJ-001 is conditional already
        resp = ask("ga_wang", "GA-HJ-001", share_type, "2026-03-10")
        assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "not_loosening"
    assert ask("ga_wang", "GA-HJ-001", "unconditional", "2026-03-01").status_code == 422  # past
    assert ask("ga_wang", "GA-HJ-001", "unconditional", "2026-04-01").status_code == 201  # 30 days ahead
    too_far = ask("ga_wang", "GA-HJ-001", "unconditional", "2026-04-02")
    assert too_far.status_code == 422 and too_far.get_json()["error"]["code"] == "emergency_too_long"
    assert ask("scjg_liu", "GA-HJ-001", "unconditional", "2026-03-10").status_code == 403  # not the holder
    assert ask("zrzy_sun", "GA-HJ-001", "unconditional", "2026-03-10").status_code == 403
    assert ask("ga_wang", "GA-ZDRY-002", "conditional", "2026-03-10").status_code == 201


def test_a_refused_emergency_changes_nothing_and_replays(api):
    case = api.ok("POST", "/resources/GA-ZDRY-002/emergency", "ga_wang", 201,
                  json={"share_type": "conditional", "until": "2026-03-10", "reason": "应急"})
    done = _complete(api, case, "emergency_review", "dsj_li", {"decision": "refuse", "reason": "不属于突发公共事件"})
    assert done["status"] == "refused"
    assert api.ok("GET", "/resources/GA-ZDRY-002", "ga_wang")["emergency"] is None
    _replays(api, case)


# -- the open list -------------------------------------------------------------------------------
def test_the_open_list_is_public_and_lists_only_open_entries(api):
    body = api.ok("GET", "/open-list")
    codes = [item["code"] for item in body["items"]]
    assert codes == ["SCJG-QY-001", "SCJG-XY-002", "ZRZY-BDC-001"] and body["total"] == 3
    assert body["items"][0] == {"code": "SCJG-QY-001", "name": "市场主体登记信息", "provider": "东营市市场监督管理局",
                                "open_type": "unconditional", "update_cycle": "每日"}


def test_every_demo_entry_has_its_first_version(api):
    resources = db.session.scalars(select(Resource)).all()
    versions = {v.resource_id: v for v in db.session.scalars(select(ResourceVersion))}
    assert {r.id for r in resources} == set(versions)
    assert all(versions[r.id].fields["share_type"] == r.share_type for r in resources)
