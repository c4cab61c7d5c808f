"""The share request end to end over HTTP: routing by catalog, provider review, decisions."""


def test_unconditional_resource_is_granted_at_once(api):
    case = api.share("zrzy_sun", "SCJG-QY-001")
    assert case["status"] == "granted"
    assert case["outcome"]["decision"] == "direct"
    assert case["open_tasks"] == []
    assert case["process"]["key"] == "share_request"


def test_none_resource_is_refused_citing_the_catalog_legal_basis(api):
    case = api.share("zrzy_sun", "GA-ZDRY-002")
    assert case["status"] == "refused"
    assert case["outcome"]["reason"] == "《中华人民共和国保守国家秘密法》第二十九条"


def test_conditional_request_waits_for_provider_review_due_in_ten_working_days(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    assert case["status"] == "pending"
    task = api.task_of(case, "provider_review")
    assert task["department"] == "DY-GA"
    assert task["name"] == "提供单位审核"
    # 2026-03-02 (Mon) + 10 working days = 2026-03-16
    [sla] = case["sla"]
    assert (sla["started_on"], sla["due_date"], sla["state"]) == ("2026-03-02", "2026-03-16", "running")
    assert sla["working_days"] == 10 and "第二十一条" in sla["legal_basis"]
    assert sla["provisional"] is False


def test_provider_approves_with_conditions(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    inbox = api.ok("GET", "/tasks", "ga_wang")
    assert [t["id"] for t in inbox["items"]] == [task["id"]]
    api.ok("POST", f"/tasks/{task['id']}/claim", "ga_wang")
    done = api.ok("POST", f"/tasks/{task['id']}/complete", "ga_wang",
                  json={"decision": "approve", "conditions": "仅用于不动产审批"})
    assert done["status"] == "granted"
    assert done["outcome"]["conditions"] == "仅用于不动产审批"
    assert done["sla"][0]["state"] == "met"
    assert api.ok("GET", "/tasks", "ga_wang")["total"] == 0


def test_refusal_needs_a_reason_and_changes_nothing_without_one(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    resp = api.post(f"/tasks/{task['id']}/complete", "ga_wang", json={"decision": "refuse"})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "reason_required"
    assert api.ok("GET", f"/requests/{case['id']}", "zrzy_sun")["status"] == "pending"
    done = api.ok("POST", f"/tasks/{task['id']}/complete", "ga_wang",
                  json={"decision": "refuse", "reason": "申请用途与共享条件不符"})
    assert done["status"] == "refused"
    assert done["outcome"]["reason"] == "申请用途与共享条件不符"


def test_history_records_every_command(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    api.ok("POST", f"/tasks/{task['id']}/complete", "ga_wang", json={"decision": "approve"})
    events = api.ok("GET", f"/requests/{case['id']}/history", "auditor")["events"]
    types = [e["type"] for e in events]
    assert types == ["case_started", "task_created", "task_completed", "case_decided", "grant_created"]
    assert events[2]["actor"] == "ga_wang" and events[2]["element"] == "provider_review"
    assert events[1]["prev_hash"] == events[0]["hash"]
    assert events[3]["data"]["status"] == "granted"


def test_paging_counts_every_case(api):
    ids = [api.share("zrzy_sun", "GA-HJ-001")["id"] for _ in range(3)]
    first = api.ok("GET", "/requests?per_page=2", "zrzy_sun")
    second = api.ok("GET", "/requests?per_page=2&page=2", "zrzy_sun")
    assert (first["total"], second["total"]) == (3, 3)
    assert sorted(c["id"] for c in first["items"] + second["items"]) == sorted(ids)
    assert api.ok("GET", "/tasks?per_page=1&page=3", "ga_wang")["total"] == 3
    assert api.ok("GET", "/requests?status=granted", "zrzy_sun") == {"items": [], "total": 0, "total_exact": True}
