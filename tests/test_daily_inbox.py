"""The inbox of the daily work: search, filters, team view, paging, what each row shows."""
from tests.support import at


def test_inbox_rows_name_resource_applicant_channel_and_arrival(api):
    api.share("zrzy_sun", "GA-HJ-001", purpose="不动产登记核验户籍")
    api.set_clock(at(2026, 3, 3, 10))
    green = api.ok("POST", "/share-requests", "kl_mz_wu", 201,
                   json={"resource": "GA-HJ-001", "purpose": "低保核查",
                         "green_channel": {"reason": "防汛救灾"}})
    assert green["status"] == "pending"
    page = api.ok("GET", "/tasks?q=户籍", "ga_wang")
    assert page["total"] == 1
    item = page["items"][0]
    assert item["resource_name"] == "人口户籍基础信息"
    assert item["applicant_department_name"] == "东营市自然资源和规划局"
    assert item["green_channel"] is False and item["received_on"] == "2026-03-02"
    # text over the applicant's department and the purpose
    assert api.ok("GET", "/tasks?q=自然资源", "ga_wang")["total"] == 1
    assert api.ok("GET", "/tasks?q=核验", "ga_wang")["total"] == 1
    assert api.ok("GET", "/tasks?q=100%25", "ga_wang")["total"] == 0  # % is a character, not a wildcard
    # the green channel request waits for the city authority first
    city = api.ok("GET", "/tasks?resource=GA-HJ-001", "dsj_li")["items"]
    assert [(t["green_channel"], t["received_on"]) for t in city] == [(True, "2026-03-03")]
    assert api.ok("GET", "/tasks?resource=SCJG-XY-002", "ga_wang")["total"] == 0


def test_overdue_first_due_before_paging_and_the_team_view(api):
    first = api.share("zrzy_sun", "GA-HJ-001")  # due 2026-03-16
    api.set_clock(at(2026, 3, 10, 10))
    second = api.share("scjg_liu", "GA-HJ-001")  # due 2026-03-24
    api.set_clock(at(2026, 3, 20, 10))  # the first is overdue now
    third = api.share("kl_mz_wu", "GA-HJ-001")
    order = [t["request_id"] for t in api.ok("GET", "/tasks", "ga_wang")["items"]]
    assert order == [first["id"], second["id"], third["id"]]
    assert api.ok("GET", "/tasks?due_before=2026-03-20", "ga_wang")["items"][0]["request_id"] == first["id"]
    assert api.ok("GET", "/tasks?due_before=2026-03-20", "ga_wang")["total"] == 1
    page2 = api.ok("GET", "/tasks?per_page=2&page=2", "ga_wang")
    assert page2["total"] == 3 and [t["request_id"] for t in page2["items"]] == [third["id"]]
    past = api.ok("GET", "/tasks?per_page=2&page=9&q=GA-HJ", "ga_wang")  # past the end: counted apart
    assert (past["items"], past["total"]) == ([], 3)
    assert api.ok("GET", "/tasks?per_page=2&page=9&q=SCJG", "ga_wang")["total"] == 0
    # a colleague claims one: it leaves ga_wang's inbox but stays in the department's view
    task = api.ok("GET", f"/tasks?request={second['id']}", "ga_chen")["items"][0]
    api.ok("POST", f"/tasks/{task['id']}/claim", "ga_chen")
    assert api.ok("GET", "/tasks", "ga_wang")["total"] == 2
    team = api.ok("GET", "/tasks?scope=department", "ga_wang")
    assert team["total"] == 3
    assert {t["assignee"] for t in team["items"]} == {None, "ga_chen"}
    assert api.ok("GET", "/tasks?scope=department", "zrzy_sun")["total"] == 0
    assert api.get("/tasks?scope=world", "ga_wang").status_code == 422


def test_the_inbox_page_searches_filters_pages_and_shows_the_team(demo, api):
    import re

    from tests.web_support import Pages

    api.share("zrzy_sun", "GA-HJ-001", purpose="不动产登记核验")
    mine = api.ok("POST", "/share-requests", "kl_mz_wu", 201,
                  json={"resource": "GA-HJ-001", "purpose": "低保核查"})
    wang = Pages(demo, "ga_wang")
    page = wang.text("/inbox?q=低保")
    assert len(re.findall(r'<tr class="task', page)) == 1
    assert "人口户籍基础信息" in page and "垦利区民政局" in page and "2026-03-02" in page
    assert "共 1 条" in page
    assert len(re.findall(r'<tr class="task', wang.text("/inbox?per_page=1"))) == 1
    assert 'rel="next"' in wang.text("/inbox?per_page=1")
    assert wang.get("/inbox?due_before=bad").status_code == 422
    api.ok("POST", f"/tasks/{api.task_of(mine, 'provider_review')['id']}/claim", "ga_chen")
    assert len(re.findall(r'<tr class="task', wang.text("/inbox"))) == 1
    team = wang.text("/inbox?show=team")
    assert len(re.findall(r'<tr class="task', team)) == 2 and "陈审核(市公安局)" in team


def test_step_names_are_translated_in_english(demo, api):
    from tests.web_support import Pages

    case = api.share("zrzy_sun", "GA-HJ-001")
    wang = Pages(demo, "ga_wang")
    wang.get("/lang/en")
    assert "Provider review" in wang.text("/inbox") and "提供单位审核" not in wang.text("/inbox")
    assert "Provider review" in wang.text(f"/tasks/{api.task_of(case, 'provider_review')['id']}")
    assert "Provider review" in wang.text(f"/requests/{case['id']}")
