"""The catalog update obligation (目录动态调整, Art. 11), over HTTP with the testing clock: the
authority opens it when a law or a unit's duties change; 15 WD across National Day and its
make-up Saturday 10-10 (and Mid-Autumn 09-25); closed only by naming catalog changes the unit filed since; overdue,
the authority supervises and the duty stays open — it never closes by itself."""

from tests.support import at, sla

CHANGE = {"update_cycle": "每日"}


def _open(api, department="DY-GA", user="dsj_li", status=201):
    api.set_clock(at(2026, 9, 21, 9))  # a Monday
    return api.ok("POST", "/catalog-updates", user, status,
                  json={"department": department, "reason": "《户口登记条例》修订,户籍数据项调整"})


def _case(api, case_id):
    return api.ok("GET", f"/requests/{case_id}", "auditor")


def _change(api, user="ga_wang", resource="GA-HJ-001"):
    return api.ok("POST", "/catalog-changes", user, 201,
                  json={"resource": resource, "change": CHANGE, "reason": "按修订后的条例更新"})


def test_the_unit_files_its_changes_within_fifteen_working_days_and_names_them(api):
    case = _open(api)
    assert case["kind"] == "catalog_update" and case["status"] == "pending"
    # 15 WD after Mon 09-21: 22..24, (Mid-Autumn 09-25), 28..30, (National Day), 10-08, 10-09, 10-10 (make-up
    # Saturday), 12..16, 19
    clock = sla(case, "catalog_update")
    assert (clock["due_date"], clock["working_days"], clock["state"]) == ("2026-10-19", 15, "running")
    assert "第十一条" in clock["legal_basis"]
    task = api.task_of(case, "file_catalog_update")
    assert (task["department"], task["due_date"]) == ("DY-GA", "2026-10-19")
    inbox = api.ok("GET", "/tasks", "ga_chen")["items"]
    assert task["id"] in [t["id"] for t in inbox]

    api.set_clock(at(2026, 10, 10, 10))  # the make-up Saturday is a working day
    earlier = _change(api)  # filed, then returned by the authority: updates nothing
    api.complete(earlier["id"], "catalog_review", "dsj_li", {"decision": "return", "reason": "字段说明不全"})
    err = api.complete(case["id"], "file_catalog_update", "ga_chen", {"done": True, "changes": [earlier["id"]]}, 422)
    assert err["error"]["code"] == "changes_not_filed"
    err = api.complete(case["id"], "file_catalog_update", "ga_chen", {"done": True, "changes": []}, 422)
    assert err["error"]["code"] == "validation_error"
    other = _change(api, user="scjg_liu", resource="SCJG-QY-001")  # another unit's catalog
    err = api.complete(case["id"], "file_catalog_update", "ga_chen", {"done": True, "changes": [other["id"]]}, 422)
    assert err["error"]["code"] == "changes_not_filed"
    err = api.complete(case["id"], "file_catalog_update", "ga_chen", {"done": True, "changes": [case["id"]]}, 422)
    assert err["error"]["code"] == "changes_not_filed"  # not a catalog change at all

    filed = _change(api)
    done = api.complete(case["id"], "file_catalog_update", "ga_chen", {"done": True, "changes": [filed["id"]]})
    assert done["status"] == "completed" and done["outcome"]["decision"] == "updated"
    assert filed["id"] in done["outcome"]["reason"] and done["open_tasks"] == []
    assert sla(done, "catalog_update")["state"] == "met"
    api.assert_replays(case["id"])


def test_a_change_filed_before_the_obligation_does_not_count(api):
    api.set_clock(at(2026, 9, 18, 9))
    old = _change(api)
    case = _open(api)
    err = api.complete(case["id"], "file_catalog_update", "ga_wang", {"done": True, "changes": [old["id"]]}, 422)
    assert err["error"]["code"] == "changes_not_filed" and "before" in err["error"]["details"]["changes"]


def _colleague(api):
    """A second person at the city authority: the one who opened the obligation may not work
    its tasks (separation of duties, 403 ``own_case``), a colleague supervises."""
    api.ok("POST", "/users", "admin", 201, json={"username": "dsj_zhang", "password": "zhang-pass-2026",
                                                  "display_name": "张科长", "department": "DY-DSJ",
                                                  "roles": ["authority"]})
    api.token("dsj_zhang", "zhang-pass-2026")


def test_overdue_escalates_to_the_authority_and_the_duty_stays_open(api):
    case = _open(api)
    api.fires_only_after(at(2026, 10, 19, 23, 59), at(2026, 10, 20, 0, 0, 1))
    late = _case(api, case["id"])
    assert late["status"] == "pending" and late["outcome"] is None
    assert sla(late, "catalog_update")["state"] == "breached"
    assert sorted((t["task_key"], t["department"]) for t in late["open_tasks"]) == [
        ("file_catalog_update", "DY-GA"), ("supervise_catalog_update", "DY-DSJ")]
    own = api.complete(case["id"], "supervise_catalog_update", "dsj_li", {"resolution": "督办"}, 403)
    assert own["error"]["code"] == "own_case"
    _colleague(api)
    api.complete(case["id"], "supervise_catalog_update", "dsj_zhang", {"resolution": "约谈公安局,限三日内提交"})
    still = _case(api, case["id"])
    assert still["status"] == "pending" and [t["task_key"] for t in still["open_tasks"]] == ["file_catalog_update"]
    assert api.run_timers() == 0  # escalated once

    api.set_clock(at(2026, 10, 21, 10))
    filed = _change(api)
    done = api.complete(case["id"], "file_catalog_update", "ga_wang", {"done": True, "changes": [filed["id"]]})
    assert done["status"] == "completed" and sla(done, "catalog_update")["state"] == "breached"  # the breach stays
    api.assert_replays(case["id"])


def test_who_may_open_it_and_on_whom(api):
    err = _open(api, user="ga_wang", status=403)  # not an authority
    assert err["error"]["code"] == "forbidden"
    assert _open(api, user="kl_dsj_zhao", status=403)["error"]["code"] == "forbidden"  # another region's authority
    assert _open(api, department="DY-DSJ", status=422)["error"]["code"] == "catalog_update_target"
    assert _open(api, department="NOPE", status=422)["error"]["code"] == "unknown_department"
    # the county authority may open it on a county unit; one with no approver to file is refused at once
    county = _open(api, department="KL-MZ", user="kl_dsj_zhao", status=422)
    assert county["error"]["code"] == "no_handler" and county["error"]["details"]["lane"] == "provider"
    _open(api)
    assert _open(api, status=409)["error"]["code"] == "catalog_update_open"
    public = _open(api, department="DY-GS")  # a public-service unit is bound too (Art. 11)
    assert api.task_of(public, "file_catalog_update")["department"] == "DY-GS"


def test_the_unit_closes_it_on_the_task_page_naming_its_changes(demo, api):
    from tests.web_support import Pages

    case = _open(api)
    filed = _change(api)
    task = api.task_of(case, "file_catalog_update")
    pages = Pages(demo, "ga_chen")
    assert pages.post(f"/tasks/{task['id']}/claim").status_code == 302
    page = pages.text(f"/tasks/{task['id']}")
    assert "提交目录更新并登记" in page and "已提交的目录变更" in page and "目录更新已提交" in page
    assert "已完成汇聚" not in page
    assert pages.post(f"/tasks/{task['id']}/complete",
                      {"done": "on", "changes": f" {filed['id']}\n", "confirm": "1"}).status_code == 302
    assert _case(api, case["id"])["status"] == "completed"


def test_the_authority_opens_it_on_its_page(demo, api):
    from tests.web_support import Pages

    api.set_clock(at(2026, 9, 21, 9))
    authority = Pages(demo, "dsj_li")
    assert "提出目录更新义务" in authority.text("/admin/catalog")
    page = authority.text("/catalog-updates/new")
    assert "东营市公安局(DY-GA)" in page and "东营市供水公司(DY-GS)" in page
    assert "DY-DSJ" not in page and "KL-MZ" not in page  # not bound by Art. 11 / another region's unit
    missing = authority.post("/catalog-updates/new", {"department": "DY-GA"})
    assert missing.status_code == 422 and 'data-field="reason"' in missing.get_data(as_text=True)
    done = authority.post("/catalog-updates/new", {"department": "DY-GA", "reason": "职能调整"})
    assert done.status_code == 302
    case = api.ok("GET", "/requests?kind=catalog_update", "auditor")["items"][0]
    assert done.headers["Location"].endswith(f"/requests/{case['id']}")
    assert "职能调整" in authority.text(f"/requests/{case['id']}")
    again = authority.post("/catalog-updates/new", {"department": "DY-GA", "reason": "再次"})
    assert again.status_code == 409 and "已有未办结的目录更新义务" in again.get_data(as_text=True)
    assert Pages(demo, "ga_wang").text("/catalog-updates/new", 403)
