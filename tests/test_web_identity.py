"""The identity pages: departments and users for administrators, "my account" for everyone.
Forms are validated by the API's schemas and run the audited identity commands."""
from sqlalchemy import select

from app.extensions import db
from app.models import Department, User
from tests.identity_support import chain_ok, events_since, last_seq
from tests.support import DEMO_PASSWORD
from tests.web_support import Pages

NEW_PASSWORD = "yellow-river-mouth"


def _one(query):
    row = db.session.scalar(query)
    db.session.remove()
    return row


def test_admin_edits_a_department(api):
    admin = Pages(api.app, "admin")
    page = admin.text("/admin/departments/KL-MZ")
    assert 'value="垦利区民政局"' in page and "修改部门" in page
    seq = last_seq()
    assert admin.post("/admin/departments/KL-MZ", {"name": "垦利区民政局(改)", "kind": "government",
                                                   "region": "垦利区"}).status_code == 302
    (event,) = events_since(seq)
    assert (event.type, event.element, event.actor) == ("department_changed", "KL-MZ", "admin")
    assert event.data == {"before": {"name": "垦利区民政局"}, "after": {"name": "垦利区民政局(改)"}}
    blank = admin.post("/admin/departments/KL-MZ", {"name": "", "kind": "government", "region": "垦利区"})
    assert blank.status_code == 422
    assert admin.get("/admin/departments/NOPE").status_code == 404
    assert Pages(api.app, "ga_wang").get("/admin/departments/KL-MZ").status_code == 403


def test_an_over_long_department_name_on_the_page_is_a_422_with_the_input_kept(api):
    admin = Pages(api.app, "admin")
    long_name = "部" * 201
    response = admin.post("/admin/departments", {"code": "DY-LONG", "name": long_name, "kind": "government",
                                                 "region": "东营市"})
    assert response.status_code == 422 and "提交的数据不符合要求" in response.get_data(as_text=True)
    assert 'value="DY-LONG"' in response.get_data(as_text=True)
    assert _one(select(Department).where(Department.code == "DY-LONG")) is None
    edit = admin.post("/admin/departments/DY-GA", {"name": long_name, "kind": "government", "region": "东营市"})
    assert edit.status_code == 422
    assert _one(select(Department.name).where(Department.code == "DY-GA")) == "东营市公安局"


def test_the_user_form_follows_the_api_rules(demo):
    admin = Pages(demo, "admin")
    seq = last_seq()
    weak = admin.post("/admin/users", {"username": "wjw_ma", "display_name": "马审核", "password": "password123",
                                       "department": "DY-GA", "roles": ["approver"]})
    assert weak.status_code == 422 and "密码强度不足" in weak.get_data(as_text=True)
    bad_email = admin.post("/admin/users", {"username": "wjw_ma", "display_name": "马审核", "password": NEW_PASSWORD,
                                            "email": "nope", "department": "DY-GA", "roles": ["approver"]})
    assert bad_email.status_code == 422
    assert admin.post("/admin/users", {"username": "wjw_ma", "display_name": "马审核", "password": NEW_PASSWORD,
                                       "email": "ma@wjw.example", "department": "DY-GA",
                                       "roles": ["approver"]}).status_code == 302
    assert [(e.type, e.element) for e in events_since(seq)] == [("user_changed", "wjw_ma")]
    assert _one(select(User.email).where(User.username == "wjw_ma")) == "ma@wjw.example"


def test_admin_edits_and_disables_a_user_whose_page_session_ends_at_once(api):
    approver = Pages(api.app, "ga_chen")
    assert approver.get("/inbox").status_code == 200
    admin = Pages(api.app, "admin")
    page = admin.text("/admin/users/ga_chen")
    assert 'value="陈审核(市公安局)"' in page and "重设密码" in page
    seq = last_seq()
    form = {"display_name": "陈审核", "email": "chen@ga.example", "department": "DY-GA",
            "roles": ["approver", "applicant"], "disabled": "on"}
    assert admin.post("/admin/users/ga_chen", form).status_code == 302
    (event,) = events_since(seq)
    assert (event.type, event.element, event.actor) == ("user_changed", "ga_chen", "admin")
    assert event.data["before"] == {"display_name": "陈审核(市公安局)", "roles": ["approver"], "email": None,
                                    "disabled": False}
    assert event.data["after"] == {"display_name": "陈审核", "roles": ["approver", "applicant"],
                                   "email": "chen@ga.example", "disabled": True}
    assert approver.get("/inbox").status_code == 302  # logged out at once
    assert "已停用" in admin.text("/admin/users")
    refused = Pages(api.app).post("/login", {"username": "ga_chen", "password": DEMO_PASSWORD})
    assert refused.status_code == 403 and "该账户已停用" in refused.get_data(as_text=True)
    # an unticked box enables again; a blank email clears it
    assert admin.post("/admin/users/ga_chen", {**form, "disabled": "", "email": ""}).status_code == 302
    user = _one(select(User).where(User.username == "ga_chen"))
    assert (user.disabled, user.email) == (False, None)
    assert Pages(api.app, "ga_chen").get("/inbox").status_code == 200
    chain_ok(api)


def test_the_last_admin_cannot_be_disabled_on_the_page(demo):
    admin = Pages(demo, "admin")
    response = admin.post("/admin/users/admin", {"display_name": "平台管理员", "roles": ["admin"], "disabled": "on"})
    assert response.status_code == 422 and "最后一位" in response.get_data(as_text=True)
    assert admin.get("/admin").status_code == 200


def test_admin_resets_a_password_and_the_users_logins_end(api):
    token = api.token("zrzy_sun")
    applicant = Pages(api.app, "zrzy_sun")
    admin = Pages(api.app, "admin")
    seq = last_seq()
    assert admin.post("/admin/users/zrzy_sun/password", {"password": NEW_PASSWORD}).status_code == 302
    (event,) = events_since(seq)
    assert (event.type, event.element, event.data) == ("password_changed", "zrzy_sun",
                                                       {"by": "admin", "sessions_ended": 2})
    assert applicant.get("/requests").status_code == 302
    assert api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    weak = admin.post("/admin/users/zrzy_sun/password", {"password": "zrzy_sun"})
    assert weak.status_code == 422 and "密码强度不足" in weak.get_data(as_text=True)
    assert Pages(api.app, "zrzy_sun", password=NEW_PASSWORD).get("/requests").status_code == 200


def test_everyone_changes_their_own_password_on_my_account(api):
    other_login = Pages(api.app, "citizen_he")
    me = Pages(api.app, "citizen_he")
    page = me.text("/account")
    assert "我的账户" in page and "何市民" in page and 'href="/account"' in page
    wrong = me.post("/account", {"old_password": "not-it-at-all", "password": NEW_PASSWORD})
    assert wrong.status_code == 422 and "当前密码不正确" in wrong.get_data(as_text=True)
    weak = me.post("/account", {"old_password": DEMO_PASSWORD, "password": "1234567890"})
    assert weak.status_code == 422
    seq = last_seq()
    assert me.post("/account", {"old_password": DEMO_PASSWORD, "password": NEW_PASSWORD}).status_code == 302
    (event,) = events_since(seq)
    assert (event.type, event.actor, event.data) == ("password_changed", "citizen_he",
                                                     {"by": "self", "sessions_ended": 1})
    assert me.get("/account").status_code == 200  # this session stays
    assert other_login.get("/requests").status_code == 302  # the other ends
    english = me.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "My account" in english and "Change password" in english


def test_logout_ends_the_session_even_for_a_copied_cookie(demo):
    pages = Pages(demo, "ga_wang")
    cookie = pages.client.get_cookie("dsf_session").value
    seq = last_seq()
    assert pages.post("/logout").status_code == 302
    (event,) = events_since(seq)
    assert (event.type, event.element, event.data) == ("user_logged_out", "ga_wang", {"via": "web"})
    replay = Pages(demo)
    replay.client.set_cookie("dsf_session", cookie)
    assert replay.get("/inbox").status_code == 302


def test_a_page_login_is_audited(demo):
    seq = last_seq()
    Pages(demo, "ga_wang")
    (event,) = events_since(seq)
    assert (event.type, event.element, event.data) == ("user_logged_in", "ga_wang",
                                                       {"address": "127.0.0.1", "via": "web"})
