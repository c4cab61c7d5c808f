"""Identity, tokens and who may see or do what (role + department)."""

from tests.support import at


def test_login_and_me(api):
    body = api.ok("POST", "/auth/login", json={"username": "ga_wang", "password": "demo-pass-2026"})
    assert body["user"] == {"username": "ga_wang", "display_name": "王审核(市公安局)", "department": "DY-GA",
                            "roles": ["approver"], "email": None, "disabled": False}
    me = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.get_json()["username"] == "ga_wang"


def test_bad_credentials_and_missing_tokens_are_401(api):
    assert api.post("/auth/login", json={"username": "ga_wang", "password": "wrong"}).status_code == 401
    assert api.post("/auth/login", json={"username": "nobody", "password": "x"}).status_code == 401
    assert api.get("/me").status_code == 401
    assert api.get("/me", headers={"Authorization": "Bearer forged"}).status_code == 401
    assert api.get("/tasks", headers={"Authorization": "Basic abc"}).status_code == 401


def test_tokens_expire(api):
    token = api.token("ga_wang")
    api.set_clock(at(2026, 3, 3, 9))  # 24 h later; default lifetime is 12 h
    resp = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 401


def test_tokens_are_stored_hashed(api):
    from app.extensions import db
    from app.models import ApiToken

    token = api.token("ga_wang")
    stored = [t.token_hash for t in db.session.query(ApiToken)]
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64


def test_citizen_self_registration(api):
    user = api.ok("POST", "/auth/register", status=201,
                  json={"username": "zhang_san", "password": "a-long-password", "display_name": "张三"})
    assert user == {"username": "zhang_san", "display_name": "张三", "department": None, "roles": ["citizen"],
                    "email": None, "disabled": False}
    assert api.post("/auth/register", json={"username": "zhang_san", "password": "a-long-password",
                                            "display_name": "x"}).status_code == 409


def test_admin_creates_departments_and_users(api):
    api.ok("POST", "/departments", "admin", 201,
           json={"code": "DY-JY", "name": "东营市教育局", "kind": "government", "region": "东营市"})
    api.ok("POST", "/users", "admin", 201, json={"username": "jy_ma", "password": "a-long-password",
                                                  "display_name": "马老师", "department": "DY-JY",
                                                  "roles": ["approver", "applicant"]})
    assert api.post("/users", "admin", json={"username": "jy_ma", "password": "a-long-password",
                                              "display_name": "x", "department": "DY-JY",
                                              "roles": ["approver"]}).status_code == 409
    assert api.post("/users", "admin", json={"username": "x1", "password": "a-long-password",
                                              "display_name": "x", "department": "NOPE",
                                              "roles": ["approver"]}).status_code == 422
    assert api.post("/users", "admin", json={"username": "x2", "password": "a-long-password",
                                              "display_name": "x", "roles": ["approver"]}).status_code == 422
    assert api.post("/departments", "ga_wang", json={"code": "X", "name": "x", "kind": "government",
                                                     "region": "东营市"}).status_code == 403
    assert api.get("/users", "ga_wang").status_code == 403


def test_other_departments_cannot_see_or_work_a_task(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    # gs_zhou is an approver of another department
    assert api.ok("GET", "/tasks", "gs_zhou")["total"] == 0
    assert api.get(f"/tasks/{task['id']}", "gs_zhou").status_code == 404
    assert api.post(f"/tasks/{task['id']}/claim", "gs_zhou").status_code == 404
    assert api.post(f"/tasks/{task['id']}/complete", "gs_zhou", json={"decision": "approve"}).status_code == 404
    assert api.get(f"/requests/{case['id']}", "gs_zhou").status_code == 404
    assert api.get(f"/requests/{case['id']}", "kl_mz_wu").status_code == 404
    assert api.ok("GET", "/requests", "gs_zhou")["total"] == 0
    # the applicant sees the case but cannot work the provider's task
    assert api.post(f"/tasks/{task['id']}/complete", "zrzy_sun", json={"decision": "approve"}).status_code == 404


def test_auditor_reads_everything_and_writes_nothing(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    assert api.ok("GET", f"/requests/{case['id']}", "auditor")["id"] == case["id"]
    assert api.ok("GET", f"/tasks/{task['id']}", "auditor")["id"] == task["id"]
    assert api.ok("GET", "/requests", "auditor")["total"] == 1
    assert api.post(f"/tasks/{task['id']}/claim", "auditor").status_code == 403
    assert api.post(f"/tasks/{task['id']}/complete", "auditor", json={"decision": "approve"}).status_code == 403
    assert api.post("/share-requests", "auditor", json={"resource": "GA-HJ-001", "purpose": "x"}).status_code == 403
    assert api.post(f"/requests/{case['id']}/withdraw", "auditor").status_code == 403
    assert api.post("/resources", "auditor", json={}).status_code == 403
    assert api.post("/process-definitions", "auditor", data=b"<x/>",
                    content_type="application/xml").status_code == 403
    assert api.ok("GET", f"/requests/{case['id']}", "auditor")["status"] == "pending"


def test_claims_conflict_and_unclaim(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    claimed = api.ok("POST", f"/tasks/{task['id']}/claim", "ga_wang")
    assert claimed["assignee"] == "ga_wang"
    resp = api.post(f"/tasks/{task['id']}/claim", "ga_chen")
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "task_claimed"
    assert api.post(f"/tasks/{task['id']}/complete", "ga_chen", json={"decision": "approve"}).status_code == 409
    assert api.ok("GET", "/tasks?assigned=me", "ga_wang")["total"] == 1
    assert api.ok("GET", "/tasks", "ga_chen")["total"] == 0
    api.ok("POST", f"/tasks/{task['id']}/unclaim", "ga_wang")
    assert api.ok("GET", "/tasks?assigned=unassigned", "ga_chen")["total"] == 1
    done = api.ok("POST", f"/tasks/{task['id']}/complete", "ga_chen", json={"decision": "approve"})
    assert done["status"] == "granted"
    resp = api.post(f"/tasks/{task['id']}/complete", "ga_chen", json={"decision": "approve"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "task_not_open"


def test_withdraw_by_the_applicant_only(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    assert api.post(f"/requests/{case['id']}/withdraw", "ga_wang").status_code == 403
    done = api.ok("POST", f"/requests/{case['id']}/withdraw", "zrzy_sun")
    assert done["status"] == "withdrawn" and done["open_tasks"] == []
    assert api.ok("GET", "/tasks", "ga_wang")["total"] == 0
    assert api.post(f"/requests/{case['id']}/withdraw", "zrzy_sun").status_code == 409


def test_admin_password_bootstrap_creates_admin_once(ctx):
    from app.extensions import db
    from app.identity import bootstrap_admin
    from app.models import User

    assert bootstrap_admin("a-strong-secret") is True
    assert bootstrap_admin("another") is False
    admin = db.session.query(User).filter_by(username="admin").one()
    assert admin.roles == ["admin"]
    resp = ctx.test_client().post("/api/v1/auth/login", json={"username": "admin", "password": "a-strong-secret"})
    assert resp.status_code == 200


def test_citizens_see_only_the_open_part_of_the_catalog(api):
    codes = {r["code"] for r in api.ok("GET", "/resources", "citizen_he")["items"]}
    assert codes == {"SCJG-QY-001", "SCJG-XY-002", "ZRZY-BDC-001"}
    assert api.get("/resources/GA-HJ-001", "citizen_he").status_code == 404
    assert api.ok("GET", "/resources", "ga_wang")["total"] == 6
