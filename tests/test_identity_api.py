"""Identity administration as audited commands over the API: departments, users, roles,
disabling, passwords, logout; each appends exactly its before/after event, never a secret."""
import pytest

from tests.identity_support import chain_ok, events_since, hash_of, last_seq
from tests.support import DEMO_PASSWORD

NEW_PASSWORD = "river-delta-2026"


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _login(api, username: str, password: str = DEMO_PASSWORD) -> str:
    return api.ok("POST", "/auth/login", json={"username": username, "password": password})["token"]


def test_creating_a_department_and_a_user_is_audited(api):
    api.token("admin")
    seq = last_seq()
    api.ok("POST", "/departments", "admin", 201,
           json={"code": "DY-WJW", "name": "东营市卫生健康委员会", "kind": "government", "region": "东营市"})
    user = api.ok("POST", "/users", "admin", 201,
                  json={"username": "wjw_ma", "password": "long-enough-1", "display_name": "马审核",
                        "department": "DY-WJW", "roles": ["approver"], "email": "ma@wjw.example"})
    assert user == {"username": "wjw_ma", "display_name": "马审核", "department": "DY-WJW", "roles": ["approver"],
                    "email": "ma@wjw.example", "disabled": False}
    dept_event, user_event = events_since(seq)
    assert (dept_event.type, dept_event.element, dept_event.actor) == ("department_changed", "DY-WJW", "admin")
    assert dept_event.data == {"before": None, "after": {"code": "DY-WJW", "name": "东营市卫生健康委员会",
                                                          "kind": "government", "region": "东营市"}}
    assert (user_event.type, user_event.element, user_event.actor) == ("user_changed", "wjw_ma", "admin")
    assert user_event.data == {"before": None, "after": {"username": "wjw_ma", "display_name": "马审核",
                                                          "department": "DY-WJW", "roles": ["approver"],
                                                          "email": "ma@wjw.example", "disabled": False}}
    chain_ok(api)


def test_self_registration_is_audited_as_the_new_user(api):
    seq = last_seq()
    api.ok("POST", "/auth/register", status=201,
           json={"username": "zhang_san", "password": "a-long-password", "display_name": "张三"})
    (event,) = events_since(seq)
    assert (event.type, event.element, event.actor) == ("user_changed", "zhang_san", "zhang_san")
    assert event.data["via"] == "self_registration" and event.data["after"]["roles"] == ["citizen"]


def test_editing_a_department_records_only_what_changed(api):
    api.token("admin"), api.token("ga_wang")
    seq = last_seq()
    body = api.ok("PATCH", "/departments/KL-MZ", "admin", json={"name": "垦利区民政局(改)", "region": "垦利区"})
    assert body == {"code": "KL-MZ", "name": "垦利区民政局(改)", "kind": "government", "region": "垦利区"}
    (event,) = events_since(seq)
    assert (event.type, event.element) == ("department_changed", "KL-MZ")
    assert event.data == {"before": {"name": "垦利区民政局"}, "after": {"name": "垦利区民政局(改)"}}
    assert api.call("PATCH", "/departments/NOPE", "admin", json={"name": "x"}).status_code == 404
    assert api.call("PATCH", "/departments/KL-MZ", "ga_wang", json={"name": "x"}).status_code == 403
    bad = api.call("PATCH", "/departments/KL-MZ", "admin", json={"kind": "ministry"})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "validation_error"
    assert [e.seq for e in events_since(seq)] == [event.seq]
    chain_ok(api)


def test_an_over_long_department_name_is_a_422_not_a_500(api):
    long_name = "部" * 201
    resp = api.post("/departments", "admin", json={"code": "DY-LONG", "name": long_name, "kind": "government",
                                                   "region": "东营市"})
    assert resp.status_code == 422 and "name" in resp.get_json()["error"]["details"]
    resp = api.call("PATCH", "/departments/DY-GA", "admin", json={"name": long_name})
    assert resp.status_code == 422 and "name" in resp.get_json()["error"]["details"]


def test_editing_a_user_roles_department_and_email(api):
    api.token("admin"), api.token("dsj_li")
    seq = last_seq()
    body = api.ok("PATCH", "/users/zrzy_sun", "admin",
                  json={"roles": ["applicant", "approver"], "department": "DY-ZRZY", "email": "sun@zrzy.example",
                        "display_name": "孙申请"})
    assert body["roles"] == ["applicant", "approver"] and body["email"] == "sun@zrzy.example"
    (event,) = events_since(seq)
    assert (event.type, event.element, event.actor) == ("user_changed", "zrzy_sun", "admin")
    assert event.data == {"before": {"display_name": "孙申请(市自然资源和规划局)", "roles": ["applicant"], "email": None},
                          "after": {"display_name": "孙申请", "roles": ["applicant", "approver"],
                                    "email": "sun@zrzy.example"}}
    moved = api.ok("PATCH", "/users/zrzy_sun", "admin", json={"department": "DY-GA"})
    assert moved["department"] == "DY-GA"
    resp = api.call("PATCH", "/users/zrzy_sun", "admin", json={"department": None})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "department_required"
    resp = api.call("PATCH", "/users/zrzy_sun", "admin", json={"email": "not-an-email"})
    assert resp.status_code == 422 and "email" in resp.get_json()["error"]["details"]
    assert api.call("PATCH", "/users/nobody", "admin", json={"display_name": "x"}).status_code == 404
    assert api.call("PATCH", "/users/zrzy_sun", "dsj_li", json={"display_name": "x"}).status_code == 403
    assert [e.type for e in events_since(seq)] == ["user_changed", "user_changed"]
    chain_ok(api)


def test_a_disabled_user_is_refused_at_once_and_can_come_back(api):
    from tests.web_support import Pages

    token, _ = api.token("ga_wang"), api.token("admin")
    pages = Pages(api.app, "ga_wang")
    assert api.get("/me", "ga_wang").status_code == 200 and pages.get("/inbox").status_code == 200
    seq = last_seq()
    assert api.ok("PATCH", "/users/ga_wang", "admin", json={"disabled": True})["disabled"] is True
    (event,) = events_since(seq)
    assert event.type == "user_changed" and event.data["before"] == {"disabled": False}
    assert event.data["after"] == {"disabled": True} and event.data["sessions_ended"] == 2  # API + page
    assert api.client.get("/api/v1/me", headers=_bearer(token)).status_code == 401
    assert pages.get("/inbox").status_code == 302  # the page session ended too
    resp = api.post("/auth/login", json={"username": "ga_wang", "password": DEMO_PASSWORD})
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "account_disabled"
    assert api.post("/auth/login", json={"username": "ga_wang", "password": "wrong"}).status_code == 401
    api.ok("PATCH", "/users/ga_wang", "admin", json={"disabled": False})
    assert api.client.get("/api/v1/me", headers=_bearer(token)).status_code == 401  # old tokens stay dead
    assert api.client.get("/api/v1/me", headers=_bearer(_login(api, "ga_wang"))).status_code == 200


def test_the_last_active_admin_stays_one(api):
    for change in ({"disabled": True}, {"roles": ["auditor"]}):
        resp = api.call("PATCH", "/users/admin", "admin", json=change)
        assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "last_admin", change
    api.ok("PATCH", "/users/dsj_li", "admin", json={"roles": ["authority", "admin"]})
    api.ok("PATCH", "/users/admin", "admin", json={"roles": ["auditor"]})  # another admin remains
    resp = api.call("PATCH", "/users/dsj_li", "dsj_li", json={"disabled": True})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "last_admin"
    api.ok("PATCH", "/users/admin", "dsj_li", json={"roles": ["admin"]})
    api.ok("PATCH", "/users/dsj_li", "admin", json={"disabled": True})  # not the last one any more


def test_an_admin_resets_a_password_and_every_login_of_the_user_ends(api):
    old_token = api.token("ga_chen")
    before_hash = hash_of("ga_chen")
    api.token("admin")
    seq = last_seq()
    resp = api.post("/users/ga_chen/password", "admin", json={"password": NEW_PASSWORD})
    assert resp.status_code == 204
    (event,) = events_since(seq)
    assert (event.type, event.element, event.actor) == ("password_changed", "ga_chen", "admin")
    assert event.data == {"by": "admin", "sessions_ended": 1}
    assert hash_of("ga_chen") != before_hash
    assert api.client.get("/api/v1/me", headers=_bearer(old_token)).status_code == 401
    assert api.post("/auth/login", json={"username": "ga_chen", "password": DEMO_PASSWORD}).status_code == 401
    _login(api, "ga_chen", NEW_PASSWORD)
    chain_ok(api)


def test_a_user_changes_their_own_password_with_the_old_one(api):
    first = _login(api, "zrzy_sun")
    second = _login(api, "zrzy_sun")
    path = "/users/zrzy_sun/password"
    resp = api.client.post("/api/v1" + path, headers=_bearer(first), json={"password": NEW_PASSWORD})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "wrong_old_password"
    resp = api.client.post("/api/v1" + path, headers=_bearer(first),
                           json={"password": NEW_PASSWORD, "old_password": "not-the-password"})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "wrong_old_password"
    seq = last_seq()
    resp = api.client.post("/api/v1" + path, headers=_bearer(first),
                           json={"password": NEW_PASSWORD, "old_password": DEMO_PASSWORD})
    assert resp.status_code == 204
    (event,) = events_since(seq)
    assert (event.type, event.actor, event.data) == ("password_changed", "zrzy_sun",
                                                     {"by": "self", "sessions_ended": 1})
    assert api.client.get("/api/v1/me", headers=_bearer(first)).status_code == 200  # the caller's own stays
    assert api.client.get("/api/v1/me", headers=_bearer(second)).status_code == 401
    # nobody else's, and an administrator changing their own also gives the old one
    other = api.client.post("/api/v1/users/ga_wang/password", headers=_bearer(first), json={"password": NEW_PASSWORD})
    assert other.status_code == 403
    own = api.post("/users/admin/password", "admin", json={"password": NEW_PASSWORD})
    assert own.status_code == 422 and own.get_json()["error"]["code"] == "wrong_old_password"


@pytest.mark.parametrize("password, reason", [("short-pw1", "too_short"), ("password123", "common"),
                                              ("Qwertyuiop", "common"), ("aaaaaaaaaaaa", "common"),
                                              ("new_person_1", "same_as_username")])
def test_weak_passwords_are_refused_everywhere(api, password, reason):
    seq = last_seq()
    attempts = [api.post("/auth/register", json={"username": "new_person_1", "password": password,
                                                 "display_name": "新人"}),
                api.post("/users", "admin", json={"username": "new_person_1", "password": password,
                                                  "display_name": "新人", "roles": ["auditor"]})]
    api.ok("POST", "/users", "admin", 201, json={"username": "new_person_1", "password": DEMO_PASSWORD,
                                                 "display_name": "新人", "roles": ["auditor"]})
    attempts.append(api.post("/users/new_person_1/password", "admin", json={"password": password}))
    for resp in attempts:
        assert resp.status_code == 422, resp.get_json()
        error = resp.get_json()["error"]
        assert error["code"] == "weak_password" and error["details"] == {"password": reason}
        assert "10" in error["message"]
    assert [e.type for e in events_since(seq) if e.type != "user_logged_in"] == ["user_changed"]


def test_logout_kills_the_token(api):
    token = _login(api, "ga_wang")
    seq = last_seq()
    resp = api.client.post("/api/v1/auth/logout", headers=_bearer(token))
    assert resp.status_code == 204
    (event,) = events_since(seq)
    assert (event.type, event.element, event.actor, event.data) == ("user_logged_out", "ga_wang", "ga_wang",
                                                                     {"via": "api"})
    assert api.client.get("/api/v1/me", headers=_bearer(token)).status_code == 401
    assert api.client.post("/api/v1/auth/logout", headers=_bearer(token)).status_code == 401


def test_a_login_is_audited_without_the_password(api):
    seq = last_seq()
    api.post("/auth/login", json={"username": "ga_wang", "password": "wrong-guess"})
    _login(api, "ga_wang")
    failed, logged_in = events_since(seq)
    assert (failed.type, failed.element, failed.actor) == ("login_failed", "ga_wang", "anonymous")
    assert failed.data == {"address": "127.0.0.1", "via": "api", "reason": "bad_credentials", "failures": 1,
                           "retry_after": None}
    assert (logged_in.type, logged_in.element, logged_in.actor) == ("user_logged_in", "ga_wang", "ga_wang")
    assert logged_in.data == {"address": "127.0.0.1", "via": "api"}


def test_bootstrap_and_the_cli_create_admins_through_commands(ctx):
    from app.identity import bootstrap_admin

    seq = last_seq()
    assert bootstrap_admin("a-strong-secret") is True
    result = ctx.test_cli_runner().invoke(args=["users", "create-admin", "--username", "ops"],
                                          input="another-strong-one\nanother-strong-one\n")
    assert result.exit_code == 0, result.output
    weak = ctx.test_cli_runner().invoke(args=["users", "create-admin", "--username", "ops2"],
                                        input="password123\npassword123\n")
    assert weak.exit_code != 0 and "weak_password" in weak.output
    boot, cli = events_since(seq)
    assert (boot.type, boot.element, boot.actor, boot.data["via"]) == ("user_changed", "admin", "system", "bootstrap")
    assert (cli.type, cli.element, cli.actor, cli.data["after"]["roles"]) == ("user_changed", "ops", "system:cli",
                                                                             ["admin"])


def test_argon2_never_runs_inside_a_transaction(api, monkeypatch):
    """On SQLite every transaction holds the write lock (BEGIN IMMEDIATE): a slow argon2 check
    or hash inside one would stall every writer. Observed on argon2 itself, for each way in."""
    from argon2 import PasswordHasher

    from app.extensions import db

    seen = []
    for name in ("verify", "hash"):
        original = getattr(PasswordHasher, name)

        def spy(self, *args, _original=original, _name=name, **kwargs):
            seen.append((_name, db.session().in_transaction()))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(PasswordHasher, name, spy)
    api.token("admin")
    api.post("/auth/login", json={"username": "ga_wang", "password": "wrong-guess"})
    token = _login(api, "zrzy_sun")
    api.ok("POST", "/auth/register", status=201, json={"username": "li_si", "password": NEW_PASSWORD,
                                                       "display_name": "李四"})
    api.ok("POST", "/users", "admin", 201, json={"username": "ops_2", "password": NEW_PASSWORD,
                                                 "display_name": "运维", "roles": ["auditor"]})
    assert api.post("/users/ga_wang/password", "admin", json={"password": NEW_PASSWORD}).status_code == 204
    assert api.client.post("/api/v1/users/zrzy_sun/password", headers=_bearer(token),
                           json={"password": NEW_PASSWORD, "old_password": DEMO_PASSWORD}).status_code == 204
    assert [name for name, _ in seen] == ["verify"] * 3 + ["hash"] * 3 + ["verify", "hash"]
    assert not any(inside for _, inside in seen), seen
