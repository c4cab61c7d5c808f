"""Who may open and post what on the pages; the login cookie; CSRF; security headers."""
import re

import pytest

from app.web.security import CONTENT_SECURITY_POLICY
from tests.web_support import Pages


@pytest.fixture()
def share_case(api):
    """A conditional share request waiting for the police department's review."""
    case = api.share("zrzy_sun", "GA-HJ-001")
    return case, api.task_of(case, "provider_review")


def test_anonymous_users_are_sent_to_the_login_page(demo):
    pages = Pages(demo)
    assert pages.get("/").headers["Location"].endswith("/login")
    response = pages.get("/inbox")
    assert response.status_code == 302 and "/login?next=/inbox" in response.headers["Location"]
    assert pages.get("/admin/users").status_code == 302


@pytest.mark.parametrize("user, home", [("ga_wang", "/inbox"), ("zrzy_sun", "/requests"), ("citizen_he", "/requests"),
                                        ("admin", "/admin"), ("auditor", "/audit")])
def test_root_sends_each_role_where_its_work_is(demo, user, home):
    assert Pages(demo, user).get("/").headers["Location"].endswith(home)


def test_login_refuses_a_wrong_password_and_goes_back_where_it_was_asked(demo):
    pages = Pages(demo)
    response = pages.post("/login", {"username": "ga_wang", "password": "wrong"})
    assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)
    response = pages.post("/login", {"username": "ga_wang", "password": "demo-pass-2026", "next": "/notifications"})
    assert response.headers["Location"].endswith("/notifications")
    pages = Pages(demo)
    evil = pages.post("/login", {"username": "ga_wang", "password": "demo-pass-2026", "next": "//evil.example/x"})
    assert evil.headers["Location"] == "/inbox"  # never an open redirect


def test_the_session_cookie_is_httponly_and_samesite_lax(demo):
    response = Pages(demo).post("/login", {"username": "ga_wang", "password": "demo-pass-2026"})
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("dsf_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_web_login_and_api_tokens_are_separate(demo):
    pages = Pages(demo, "ga_wang")
    assert pages.get("/api/v1/me").status_code == 401  # the session cookie is no API credential
    token = demo.test_client().post("/api/v1/auth/login", json={"username": "ga_wang", "password": "demo-pass-2026"})
    bearer = {"Authorization": "Bearer " + token.get_json()["token"]}
    assert Pages(demo).get("/inbox", headers=bearer).status_code == 302  # nor a token a page login


def test_logout_ends_the_session(demo):
    pages = Pages(demo, "ga_wang")
    assert pages.post("/logout").status_code == 302
    assert pages.get("/inbox").status_code == 302


def test_an_approver_cannot_open_another_departments_task(demo, share_case):
    _case, task = share_case
    assert Pages(demo, "ga_wang").get(f"/tasks/{task['id']}").status_code == 200
    other = Pages(demo, "gs_zhou")  # the water company's approver
    response = other.get(f"/tasks/{task['id']}")
    assert response.status_code == 404 and "对象不存在或不可见" in response.get_data(as_text=True)
    assert other.post(f"/tasks/{task['id']}/claim").status_code == 404
    assert other.get("/inbox").get_data(as_text=True).count('data-task-key="provider_review"') == 0


def test_an_auditor_sees_but_cannot_post(demo, share_case):
    case, task = share_case
    auditor = Pages(demo, "auditor")
    page = auditor.text(f"/tasks/{task['id']}")
    assert "您可以查看此任务,但不能办理" in page and 'class="form task-form"' not in page
    assert auditor.post(f"/tasks/{task['id']}/claim").status_code == 403
    assert auditor.post(f"/tasks/{task['id']}/complete", {"decision": "approve"}).status_code == 403
    assert auditor.post(f"/requests/{case['id']}/withdraw").status_code == 403
    assert auditor.post("/admin/departments", {"code": "X", "name": "X", "kind": "government",
                                                "region": "东营市"}).status_code == 403
    assert auditor.text(f"/requests/{case['id']}")  # reading is fine


def test_a_citizen_cannot_open_the_administration(demo):
    citizen = Pages(demo, "citizen_he")
    for path in ("/admin", "/admin/users", "/admin/catalog", "/admin/calendar", "/admin/processes",
                 "/admin/bpmn/share_request", "/audit", "/dashboard"):
        response = citizen.get(path)
        assert response.status_code == 403, path
        assert "无权执行此操作" in response.get_data(as_text=True)
    assert citizen.post("/admin/users", {"username": "x"}).status_code == 403


def test_a_case_is_visible_only_to_those_the_api_shows_it_to(demo, share_case):
    case, _task = share_case
    assert Pages(demo, "zrzy_sun").get(f"/requests/{case['id']}").status_code == 200
    assert Pages(demo, "ga_chen").get(f"/requests/{case['id']}").status_code == 200  # the provider
    assert Pages(demo, "kl_mz_wu").get(f"/requests/{case['id']}").status_code == 404
    assert Pages(demo, "citizen_he").get(f"/requests/{case['id']}").status_code == 404


def test_pages_send_security_headers(demo):
    for response in (Pages(demo).get("/login"), Pages(demo, "admin").get("/admin"),
                     Pages(demo).get("/static/web/js/audit.js")):
        headers = response.headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert not re.search(r"https?:|//", CONTENT_SECURITY_POLICY)  # no external origin at all
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY.split("script-src")[1].split(";")[0]
    assert Pages(demo, "admin").get("/admin").headers["Cache-Control"] == "no-store"


def test_pages_load_nothing_from_outside(demo, share_case):
    case, task = share_case
    pages = {"admin": ["/admin", "/admin/bpmn/share_request", "/dashboard", "/admin/catalog"],
             "auditor": [f"/audit/requests/{case['id']}"], "ga_wang": [f"/tasks/{task['id']}", "/inbox"]}
    for user, paths in pages.items():
        session = Pages(demo, user)
        for path in paths:
            html = session.text(path)
            assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), path
            assert "<script>" not in html  # no inline script: the CSP would refuse it anyway


def test_a_form_post_without_the_csrf_token_is_refused(demo, share_case):
    _case, task = share_case
    approver = Pages(demo, "ga_wang")
    response = approver.post(f"/tasks/{task['id']}/claim", csrf=False)
    assert response.status_code == 400 and "安全令牌" in response.get_data(as_text=True)
    response = approver.post(f"/tasks/{task['id']}/claim", {"csrf_token": "forged"}, csrf=False)
    assert response.status_code == 400
    assert Pages(demo).post("/login", {"username": "ga_wang", "password": "demo-pass-2026"},
                            csrf=False).status_code == 400
    assert approver.post(f"/tasks/{task['id']}/claim").status_code == 302  # with the token it works


def test_a_token_from_another_session_is_refused(demo, share_case):
    _case, task = share_case
    stolen = Pages(demo, "ga_chen").csrf()
    response = Pages(demo, "ga_wang").post(f"/tasks/{task['id']}/claim", {"csrf_token": stolen}, csrf=False)
    assert response.status_code == 400


def test_the_json_api_needs_no_csrf_token(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    assert api.post(f"/tasks/{task['id']}/claim", "ga_wang").status_code == 200


def test_chinese_by_default_english_by_cookie_or_accept_language(demo):
    assert "<h1>登录</h1>" in Pages(demo).text("/login")
    assert "<h1>Log in</h1>" in Pages(demo).get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}) \
        .get_data(as_text=True)
    assert "<h1>登录</h1>" in Pages(demo).get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}) \
        .get_data(as_text=True)
    pages = Pages(demo)
    switched = pages.get("/lang/en?next=/login")
    assert switched.headers["Location"].endswith("/login")
    assert "dsf_lang=en" in switched.headers["Set-Cookie"]
    assert "<h1>Log in</h1>" in pages.text("/login")
    pages.get("/lang/zh_CN")
    chosen = pages.get("/login", headers={"Accept-Language": "en"})  # the choice beats Accept-Language
    assert "<h1>登录</h1>" in chosen.get_data(as_text=True)
    assert pages.get("/lang/en?next=https://evil.example/").headers["Location"] == "/"


def test_refusals_are_in_the_pages_language(demo):
    citizen = Pages(demo, "citizen_he")
    citizen.get("/lang/en")
    response = citizen.get("/admin")
    assert response.status_code == 403 and "You are not allowed to do this" in response.get_data(as_text=True)


def test_vendor_files_are_served_only_from_the_known_packages(demo):
    from app.web import vendor

    pages = Pages(demo)
    assert pages.get("/vendor/left-pad/index.js").status_code == 404
    assert pages.get("/vendor/bpmn-js/../package.json").status_code == 404
    assert pages.get("/vendor/bpmn-js/%2e%2e/package.json").status_code == 404
    if vendor.installed("bpmn-js"):
        response = pages.get("/vendor/bpmn-js/bpmn-modeler.production.min.js")
        assert response.status_code == 200 and "javascript" in response.mimetype


# page -> the demo users who may open it (everyone else logged in gets 403)
EVERYONE = {"admin", "auditor", "dsj_li", "ga_wang", "zrzy_sun", "citizen_he"}
PAGE_ACCESS = {
    "/inbox": EVERYONE, "/requests": EVERYONE, "/notifications": EVERYONE, "/account": EVERYONE,
    "/requests/new": {"zrzy_sun", "citizen_he"},
    "/dashboard": {"admin", "auditor", "dsj_li"},
    "/audit": {"admin", "auditor"},
    "/admin": {"admin"}, "/admin/departments": {"admin"}, "/admin/users": {"admin"},
    "/admin/departments/DY-GA": {"admin"}, "/admin/users/ga_wang": {"admin"},
    "/admin/calendar": {"admin"}, "/admin/calendar/2027": {"admin"}, "/admin/processes": {"admin"},
    "/admin/bpmn/share_request": {"admin"}, "/admin/processes/share_request/migrate": {"admin"},
    "/admin/processes/share_request/diff": {"admin", "auditor"},
    "/admin/catalog": {"admin", "dsj_li", "ga_wang"}, "/admin/catalog/GA-HJ-001": {"admin", "dsj_li", "ga_wang"},
}


def test_who_may_open_each_page(demo):
    for user in sorted(EVERYONE):
        pages = Pages(demo, user)
        for path, allowed in PAGE_ACCESS.items():
            expected = 200 if user in allowed else 403
            assert pages.get(path).status_code == expected, (user, path)


def test_a_bug_on_a_page_is_a_logged_500_page_without_its_stack(demo, monkeypatch, caplog):
    from app.web.pages import notifications

    def broken(*_args, **_kw):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(notifications.notifications, "for_user", broken)
    response = Pages(demo, "ga_wang").get("/notifications")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "服务器内部错误" in body and "secret detail" not in body
    assert "unhandled error on a page" in caplog.text
