"""Social-data purchase (Art. 13): only government departments file; the buyer's own region's
authority approves; then the bought data is registered as a new entry of the buyer's catalog,
created through the catalog change path after the approval (PRODUCT.md §6)."""
from tests.support import at

PLAN = {"title": "企业舆情数据采购", "supplier": "某数据服务公司", "description": "采购一年期企业舆情数据",
        "purpose": "市场监管风险预警", "budget_yuan": "120000.00"}


BOUGHT = {"code": "SCJG-YQ-003", "name": "企业舆情数据(采购)", "provider": "DY-SCJG", "share_type": "conditional",
          "share_conditions": "仅限市场监管风险预警", "legal_basis": "采购合同约定的使用范围", "open_type": "closed",
          "security_level": "内部", "update_cycle": "每日", "on_platform": False}


def _complete(api, case, key, user, body, status=200):
    task = api.task_of(api.ok("GET", f"/requests/{case['id']}", user), key)
    return api.ok("POST", f"/tasks/{task['id']}/complete", user, status, json=body)


def test_city_purchase_goes_to_the_city_authority_and_is_registered(api):
    case = api.ok("POST", "/purchase-requests", "scjg_liu", 201, json=PLAN)
    assert case["kind"] == "purchase" and case["status"] == "pending"
    assert api.task_of(case, "purchase_review")["department"] == "DY-DSJ"
    after = _complete(api, case, "purchase_review", "dsj_li", {"decision": "approve"})
    assert after["status"] == "granted"
    registration = api.task_of(after, "catalog_registration")
    assert registration["department"] == "DY-SCJG"
    task_id = registration["id"]
    # only a resource of the buyer's own department can be linked
    resp = api.post(f"/tasks/{task_id}/complete", "scjg_liu", json={"resource": "GA-HJ-001"})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "resource_not_own"
    assert api.post(f"/tasks/{task_id}/complete", "scjg_liu", json={"resource": "NOPE"}).status_code == 422
    # an entry that existed before the purchase is not the bought data's new entry
    resp = api.post(f"/tasks/{task_id}/complete", "scjg_liu", json={"resource": "SCJG-XY-002"})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "purchase_registration_change"
    # the new entry, filed as a catalog change: not registrable until the authority publishes it
    change = api.ok("POST", "/catalog-changes", "scjg_liu", 201, json={"change": BOUGHT, "reason": "纳入所购社会数据"})
    resp = api.post(f"/tasks/{task_id}/complete", "scjg_liu", json={"resource": BOUGHT["code"]})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "unknown_resource"
    published = api.complete(change["id"], "catalog_review", "dsj_li", {"decision": "approve"})
    assert published["status"] == "completed"
    done = api.ok("POST", f"/tasks/{task_id}/complete", "scjg_liu", json={"resource": BOUGHT["code"]})
    assert done["status"] == "completed" and done["open_tasks"] == []
    assert done["outcome"]["reason"] == f"已纳入资源目录:{BOUGHT['code']}(目录变更 {change['id']})"
    api.assert_replays(case["id"])


def test_county_purchase_never_reaches_the_city_authority(api):
    case = api.ok("POST", "/purchase-requests", "kl_mz_wu", 201, json=PLAN)
    assert api.task_of(case, "purchase_review")["department"] == "KL-DSJ"
    assert api.ok("GET", "/tasks", "dsj_li")["total"] == 0
    assert api.get(f"/requests/{case['id']}", "dsj_li").status_code == 404
    assert api.ok("GET", "/tasks", "kl_dsj_zhao")["total"] == 1


def test_refusal_needs_a_reason(api):
    case = api.ok("POST", "/purchase-requests", "kl_mz_wu", 201, json=PLAN)
    task = api.task_of(case, "purchase_review")
    assert api.post(f"/tasks/{task['id']}/complete", "kl_dsj_zhao", json={"decision": "refuse"}).status_code == 422
    done = _complete(api, case, "purchase_review", "kl_dsj_zhao", {"decision": "refuse", "reason": "可通过共享获取"})
    assert done["status"] == "refused" and done["outcome"]["reason"] == "可通过共享获取"


def test_bad_plans_are_422(api):
    for body in ({**PLAN, "budget_yuan": "-1"}, {**PLAN, "budget_yuan": "abc"}, {k: v for k, v in PLAN.items()
                                                                              if k != "supplier"}):
        assert api.post("/purchase-requests", "scjg_liu", json=body).status_code == 422
    assert api.post("/purchase-requests", "ga_wang", json=PLAN).status_code == 403


def test_only_government_departments_may_buy_social_data(api):
    """Art. 13 binds 各级政务部门: a public-service unit (供水公司) may not file a purchase."""
    api.ok("POST", "/users", "admin", 201, json={"username": "gs_buyer", "password": "demo-pass-2026",
                                                 "display_name": "gs_buyer", "department": "DY-GS",
                                                 "roles": ["applicant"]})
    err = api.ok("POST", "/purchase-requests", "gs_buyer", 422, json=PLAN)
    assert err["error"]["code"] == "purchase_government_only"
    assert err["error"]["details"] == {"department": "DY-GS", "kind": "public_service"}
    assert api.ok("GET", "/requests", "auditor")["total"] == 0


def test_registration_needs_an_entry_created_by_a_catalog_change_after_the_approval(api):
    """Across National Day: the plan approved on 09-30, an entry filed before that (or typed in
    by the admin) does not register the bought data; the one filed after it, once published, does."""
    api.set_clock(at(2026, 9, 29, 9))
    case = api.ok("POST", "/purchase-requests", "scjg_liu", 201, json=PLAN)
    early = api.ok("POST", "/catalog-changes", "scjg_liu", 201,
                   json={"change": {**BOUGHT, "code": "SCJG-YQ-EARLY"}, "reason": "提前登记"})
    api.complete(early["id"], "catalog_review", "dsj_li", {"decision": "approve"})
    api.ok("POST", "/resources", "admin", 201, json={**BOUGHT, "code": "SCJG-YQ-ADMIN", "reason": "管理员录入"})
    api.set_clock(at(2026, 9, 30, 16))
    approved = _complete(api, case, "purchase_review", "dsj_li", {"decision": "approve"})
    task_id = api.task_of(approved, "catalog_registration")["id"]
    for code in ("SCJG-YQ-EARLY", "SCJG-YQ-ADMIN"):
        resp = api.post(f"/tasks/{task_id}/complete", "scjg_liu", json={"resource": code})
        assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "purchase_registration_change"
    api.set_clock(at(2026, 10, 9, 10))  # after the holiday
    change = api.ok("POST", "/catalog-changes", "scjg_liu", 201, json={"change": BOUGHT, "reason": "纳入所购社会数据"})
    api.complete(change["id"], "catalog_review", "dsj_li", {"decision": "approve"})
    done = api.ok("POST", f"/tasks/{task_id}/complete", "scjg_liu", json={"resource": BOUGHT["code"]})
    assert done["status"] == "completed"
    history = api.ok("GET", f"/requests/{case['id']}/history", "auditor")["events"]
    registered = [e for e in history if e["type"] == "task_completed" and e["element"] == "catalog_registration"]
    assert registered[0]["data"]["data"] == {"resource": BOUGHT["code"], "change": change["id"]}
    api.assert_replays(case["id"])
    api.assert_replays(change["id"])
