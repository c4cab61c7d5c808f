"""Notifications: read marks per user, the unread filter, tasks handed over (转办)."""
from tests.support import at


def test_unread_notifications_and_marking_them_read(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    api.set_clock(at(2026, 3, 3, 10))
    other = api.share("kl_mz_wu", "GA-HJ-001")
    items = api.ok("GET", "/notifications?unread=true", "ga_wang")["items"]
    assert [n["kind"] for n in items] == ["new_task", "new_task"] and not any(n["read"] for n in items)
    first = next(n for n in items if n["request_id"] == case["id"])
    assert api.ok("POST", "/notifications/read", "ga_wang", json={"ids": [first["id"], "bogus:1"]}) == {
        "marked": 1, "unread": 1}
    unread = api.ok("GET", "/notifications?unread=true", "ga_wang")["items"]
    assert [n["request_id"] for n in unread] == [other["id"]]
    every = api.ok("GET", "/notifications", "ga_wang")["items"]
    assert {(n["request_id"], n["read"]) for n in every} == {(case["id"], True), (other["id"], False)}
    # read marks are the reader's own
    assert api.ok("GET", "/notifications?unread=true", "ga_chen")["total"] == 2
    assert api.ok("POST", "/notifications/read", "ga_wang", json={"ids": "all"})["unread"] == 0
    assert api.ok("GET", "/notifications?unread=true", "ga_wang")["total"] == 0
    for bad in ({"ids": "some"}, {"ids": [1]}, {}):
        assert api.post("/notifications/read", "ga_wang", json=bad).status_code == 422


def test_a_task_handed_over_is_notified_to_the_colleague(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    api.ok("POST", f"/tasks/{task['id']}/reassign", "ga_wang", json={"to": "ga_chen", "reason": "出差"})
    handed = [n for n in api.ok("GET", "/notifications", "ga_chen")["items"] if n["kind"] == "task_reassigned"]
    assert len(handed) == 1 and handed[0]["data"]["task"] == task["id"]
    assert "提供单位审核" in handed[0]["message"]
    assert not [n for n in api.ok("GET", "/notifications", "ga_wang")["items"] if n["kind"] == "task_reassigned"]


def test_the_header_counts_unread_notifications_and_the_page_marks_them_read(demo, api):
    import re

    from tests.web_support import Pages

    api.share("zrzy_sun", "GA-HJ-001")
    api.share("kl_mz_wu", "GA-HJ-001")
    wang = Pages(demo, "ga_wang")
    assert re.search(r'data-unread="2"', wang.text("/inbox"))
    page = wang.text("/notifications")
    first = re.search(r'name="id" value="([^"]+)"', page).group(1)
    assert wang.post("/notifications/read", {"id": first}).status_code == 302
    assert re.search(r'data-unread="1"', wang.text("/inbox"))
    assert wang.post("/notifications/read", {}).status_code == 302
    assert "data-unread" not in wang.text("/inbox")
    assert 'data-read="false"' not in wang.text("/notifications")


def test_the_badge_counts_what_the_list_shows_unread(api, monkeypatch):
    """The badge counts from ids and times alone (app/notifications.py ``unread_count``): it must
    agree with the unread notifications listed, for every kind of notification and reader,
    past LIMIT too (the newest 200 only)."""
    from app import notifications
    from app.extensions import db
    from app.models import User
    from app.services import calendar
    from app.web.deadlines import today

    def both(username):
        user = db.session.scalar(db.select(User).where(User.username == username))
        listed = notifications.for_user(user, today(), calendar(), unread_only=True)
        return notifications.unread_count(user, today(), calendar()), len(listed)

    granted = api.share("zrzy_sun", "GA-HJ-001", "批准")
    api.complete(granted["id"], "provider_review", "ga_wang", {"decision": "approve"})
    refused = api.share("zrzy_sun", "GA-HJ-001", "拒绝")
    api.complete(refused["id"], "provider_review", "ga_wang", {"decision": "refuse", "reason": "不符合共享条件"})
    handed = api.task_of(api.share("zrzy_sun", "GA-HJ-001", "转办"), "provider_review")
    api.ok("POST", f"/tasks/{handed['id']}/reassign", "ga_wang", json={"to": "ga_chen", "reason": "出差"})
    for n in range(3):
        api.share("kl_mz_wu", "GA-HJ-001", f"核查{n}")
    api.set_clock(at(2026, 3, 13, 9))  # the reviews filed on 2 March fall due within a working day
    mine = api.ok("GET", "/notifications", "ga_chen")["items"]
    api.ok("POST", "/notifications/read", "ga_chen", json={"ids": [mine[0]["id"]]})
    for username in ("zrzy_sun", "ga_wang", "ga_chen", "kl_mz_wu", "dsj_li"):
        assert both(username)[0] == both(username)[1], username
    assert both("ga_chen")[0] == len(mine) - 1
    kinds = {n["kind"] for u in ("zrzy_sun", "ga_chen") for n in api.ok("GET", "/notifications", u)["items"]}
    assert {"decision", "new_task", "deadline_near", "task_reassigned"} <= kinds

    monkeypatch.setattr(notifications, "LIMIT", 3)  # past the limit: the newest only
    assert both("ga_wang") == (3, 3) and both("ga_chen")[0] == both("ga_chen")[1]
