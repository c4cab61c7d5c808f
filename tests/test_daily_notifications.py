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
