"""Change notices to grant holders (共享告知, Art. 23 ¶2), over HTTP with the testing clock across
National Day (10-01..10-07 off) and its make-up Saturday 10-10: ≥ 10 WD ahead or refused, each
holder acknowledges (local 5 WD, overdue → the authority supervises), and on the effective
day the notified grants are suspended or carried over by a timer — never by anyone's silence."""

from tests.support import at, sla

RESOURCE = "SCJG-QY-001"  # unconditional, on the platform: a share request is granted at once


def _holders(api):
    """Two departments hold active grants on the resource; a third's grant was revoked."""
    api.set_clock(at(2026, 9, 1, 10))
    for user in ("zrzy_sun", "kl_mz_wu"):
        assert api.share(user, RESOURCE)["status"] == "granted"
    grants = api.ok("GET", f"/grants?resource={RESOURCE}&state=active", "auditor")
    assert sorted(g["department"] for g in grants["items"]) == ["DY-ZRZY", "KL-MZ"]
    return {g["department"]: g["id"] for g in grants["items"]}


def _notice(api, effective_on="2026-10-15", grants="suspend", kind="stop", status=201, user="scjg_liu"):
    api.set_clock(at(2026, 9, 24, 9))  # the Thursday before Mid-Autumn (09-25) and National Day
    return api.ok("POST", "/change-notices", user, status,
                  json={"resource": RESOURCE, "kind": kind, "effective_on": effective_on,
                        "description": "市场主体登记系统迁移至新平台,旧接口停用", "grants": grants})


def _case(api, case_id):
    return api.ok("GET", f"/requests/{case_id}", "auditor")


def _ack_task(case, department):
    return next(t for t in case["open_tasks"] if t["task_key"] == "acknowledge_change"
                and t["department"] == department)


def _grant_states(api):
    items = api.ok("GET", f"/grants?resource={RESOURCE}", "auditor")["items"]
    return {g["department"]: g["state"] for g in items}


def test_notice_fewer_than_ten_working_days_ahead_is_refused_and_nothing_is_stored(api):
    _holders(api)
    before = api.ok("GET", "/requests?kind=change_notice", "auditor")["total"]
    # 10 WD after Thu 09-24: (Mid-Autumn 09-25), 28, 29, 30, (National Day), 10-08, 09, 10 (make-up Saturday), 12, 13, 14, 15
    err = _notice(api, effective_on="2026-10-14", status=422)
    assert err["error"]["code"] == "notice_too_late"
    assert err["error"]["details"] == {"effective_on": "2026-10-14", "earliest": "2026-10-15"}
    assert api.ok("GET", "/requests?kind=change_notice", "auditor")["total"] == before
    en = api.call("POST", "/change-notices", "scjg_liu", headers={"Accept-Language": "en"},
                  json={"resource": RESOURCE, "kind": "stop", "effective_on": "2026-10-09",
                        "description": "停用", "grants": "suspend"})
    assert en.status_code == 422 and en.get_json()["error"]["code"] == "notice_too_late"


def test_who_may_give_notice_and_a_stop_cannot_carry_grants_over(api):
    _holders(api)
    err = _notice(api, user="ga_wang", status=403)  # an approver of another department
    assert err["error"]["code"] == "forbidden"
    assert _notice(api, user="zrzy_sun", status=403)["error"]["code"] == "forbidden"  # a holder, not the provider
    err = _notice(api, grants="carry_over", kind="stop", status=422)
    assert err["error"]["code"] == "stop_suspends_grants"
    err = _notice(api, grants="keep", status=422)
    assert err["error"]["code"] == "validation_error"


def test_holders_acknowledge_and_the_grants_are_suspended_on_the_effective_day(api):
    grants = _holders(api)
    case = _notice(api)
    assert case["kind"] == "change_notice" and case["status"] == "pending"
    assert sla(case, "notice")["due_date"] == "2026-10-15" and sla(case, "notice")["state"] == "met"
    # local 5 WD: (Mid-Autumn), 28, 29, 30, (National Day), 10-08, 10-09
    assert sla(case, "acknowledgement")["due_date"] == "2026-10-09"
    tasks = {t["department"]: t for t in case["open_tasks"]}
    assert sorted(tasks) == ["DY-ZRZY", "KL-MZ"]
    assert {t["task_key"] for t in tasks.values()} == {"acknowledge_change"}
    assert {t["due_date"] for t in tasks.values()} == {"2026-10-09"}
    # each holder sees its own task and a notification of it; not the other's
    inbox = api.ok("GET", "/tasks", "zrzy_sun")["items"]
    assert [t["id"] for t in inbox if t["request_id"] == case["id"]] == [tasks["DY-ZRZY"]["id"]]
    notes = api.ok("GET", "/notifications", "kl_mz_wu")["items"]
    assert any(n["kind"] == "new_task" and n["data"]["task"] == tasks["KL-MZ"]["id"] for n in notes)
    err = api.ok("POST", f"/tasks/{tasks['KL-MZ']['id']}/complete", "zrzy_sun", 404, json={"acknowledged": True})
    assert err["error"]["code"] == "not_found"
    api.ok("POST", f"/tasks/{tasks['DY-ZRZY']['id']}/complete", "zrzy_sun", 422, json={"acknowledged": False})

    api.set_clock(at(2026, 10, 8, 10))
    api.ok("POST", f"/tasks/{tasks['DY-ZRZY']['id']}/complete", "zrzy_sun",
           json={"acknowledged": True, "measures": "改用新接口"})
    after = api.ok("POST", f"/tasks/{tasks['KL-MZ']['id']}/complete", "kl_mz_wu", json={"acknowledged": True})
    assert sla(after, "acknowledgement")["state"] == "met" and after["open_tasks"] == []
    assert after["status"] == "pending" and _grant_states(api) == {"DY-ZRZY": "active", "KL-MZ": "active"}

    api.fires_only_after(at(2026, 10, 14, 23, 59), at(2026, 10, 15, 0, 0, 1))
    done = _case(api, case["id"])
    assert done["status"] == "completed" and done["outcome"]["decision"] == "suspend"
    assert _grant_states(api) == {"DY-ZRZY": "suspended", "KL-MZ": "suspended"}
    suspended = api.ok("GET", "/grants?state=suspended", "zrzy_sun")["items"]
    assert [g["id"] for g in suspended] == [grants["DY-ZRZY"]]
    events = api.ok("GET", f"/requests/{case['id']}/history", "auditor")["events"]
    assert sorted(e["data"]["grant"] for e in events if e["type"] == "grant_suspended") == sorted(grants.values())
    api.assert_replays(case["id"])


def test_acknowledgement_timeout_escalates_and_the_change_carries_grants_over_on_its_day(api):
    grants = _holders(api)
    revoked = grants["KL-MZ"]
    case = _notice(api, kind="upgrade", grants="carry_over", effective_on="2026-10-16")
    api.complete(case["id"], "acknowledge_change", "zrzy_sun", {"acknowledged": True})
    api.ok("POST", f"/grants/{revoked}/revoke", "scjg_liu", json={"reason": "使用单位职能调整"})
    # the make-up Saturday: the day after the due date
    api.fires_only_after(at(2026, 10, 9, 23, 59), at(2026, 10, 10, 0, 0, 1))
    late = _case(api, case["id"])
    assert late["status"] == "pending" and late["outcome"] is None
    assert sla(late, "acknowledgement")["state"] == "breached"
    assert sorted((t["task_key"], t["department"]) for t in late["open_tasks"]) == [
        ("acknowledge_change", "KL-MZ"), ("supervise_acknowledgement", "DY-DSJ")]
    api.complete(case["id"], "supervise_acknowledgement", "dsj_li", {"resolution": "已电话督促垦利区民政局确认"})

    api.set_clock(at(2026, 10, 16, 0, 0, 1))
    assert api.run_timers() == 1
    done = _case(api, case["id"])
    assert done["status"] == "completed" and done["outcome"]["decision"] == "carry_over"
    # the unacknowledged holder's task stays open: silence does not stop the change, nor end the duty
    assert [t["department"] for t in done["open_tasks"]] == ["KL-MZ"]
    assert _grant_states(api) == {"DY-ZRZY": "active", "KL-MZ": "revoked"}
    events = api.ok("GET", f"/requests/{case['id']}/history", "auditor")["events"]
    assert [e["data"]["grant"] for e in events if e["type"] == "grant_carried_over"] == [grants["DY-ZRZY"]]
    api.complete(case["id"], "acknowledge_change", "kl_mz_wu", {"acknowledged": True})
    assert _case(api, case["id"])["open_tasks"] == []
    api.assert_replays(case["id"])


def test_a_notice_with_no_holders_takes_effect_on_its_day(api):
    api.set_clock(at(2026, 9, 24, 9))
    case = api.ok("POST", "/change-notices", "gs_zhou", 201,
                  json={"resource": "GS-YS-001", "kind": "change", "effective_on": "2026-10-20",
                        "description": "字段调整", "grants": "carry_over"})
    assert case["open_tasks"] == [] and [c["key"] for c in case["sla"]] == ["notice"]
    api.set_clock(at(2026, 10, 20, 0, 0, 1))
    assert api.run_timers() == 1
    assert _case(api, case["id"])["status"] == "completed"
    api.assert_replays(case["id"])


def test_a_withdrawn_notice_touches_no_grant(api):
    _holders(api)
    case = _notice(api)
    api.set_clock(at(2026, 10, 8, 9))
    withdrawn = api.ok("POST", f"/requests/{case['id']}/withdraw", "scjg_liu")
    assert withdrawn["status"] == "withdrawn" and withdrawn["open_tasks"] == []
    api.set_clock(at(2026, 10, 15, 0, 0, 1))
    assert api.run_timers() == 0  # the effective-day timer went with the notice
    assert _grant_states(api) == {"DY-ZRZY": "active", "KL-MZ": "active"}
    api.assert_replays(case["id"])


# -- the pages ---------------------------------------------------------------------------

def test_notice_given_and_acknowledged_through_the_pages(demo, api):
    from tests.web_support import Pages

    _holders(api)
    api.set_clock(at(2026, 9, 24, 9))
    provider = Pages(demo, "scjg_liu")
    page = provider.text("/change-notices/new")
    assert "共享服务变更告知" in page and "2 个使用单位持有有效授权" in page and 'type="date"' in page
    assert "发出共享服务变更告知" in provider.text("/grants")
    form = {"resource": RESOURCE, "kind": "upgrade", "grants": "carry_over", "description": "接口升级"}
    late = provider.post("/change-notices/new", {**form, "effective_on": "2026-10-14"})
    assert late.status_code == 422 and "2026-10-15" in late.get_data(as_text=True)
    bad = provider.post("/change-notices/new", {**form, "effective_on": "not-a-date"})
    assert bad.status_code == 422 and 'data-field="effective_on"' in bad.get_data(as_text=True)
    assert api.ok("GET", "/requests?kind=change_notice", "auditor")["total"] == 0
    done = provider.post("/change-notices/new", {**form, "effective_on": "2026-10-15"})
    assert done.status_code == 302
    case = api.ok("GET", "/requests?kind=change_notice", "auditor")["items"][0]
    assert done.headers["Location"].endswith(f"/requests/{case['id']}")
    page = provider.text(f"/requests/{case['id']}")
    assert "共享服务变更告知" in page and "2026-10-15" in page and "生效日起相关授权继续有效" in page
    assert "DY-ZRZY、KL-MZ" in page
    assert Pages(demo, "zrzy_sun").text("/change-notices/new", 403)

    task = _ack_task(_case(api, case["id"]), "DY-ZRZY")
    holder = Pages(demo, "zrzy_sun")
    assert holder.post(f"/tasks/{task['id']}/claim").status_code == 302
    page = holder.text(f"/tasks/{task['id']}")
    assert "确认收到变更告知" in page and "拟采取的应对措施" in page
    assert holder.post(f"/tasks/{task['id']}/complete",
                       {"acknowledged": "on", "measures": "切换至新接口", "confirm": "1"}).status_code == 302
    left = _case(api, case["id"])["open_tasks"]
    assert [t["department"] for t in left] == ["KL-MZ"]
    english = Pages(demo, "scjg_liu")
    english.get("/lang/en")
    page = english.text("/change-notices/new")
    assert "Change notice to grant holders" in page and "using departments hold an active grant" in page


def test_a_holder_with_no_one_to_acknowledge_is_an_incident_not_a_refusal_of_the_notice(api):
    """The provider's duty to notify is not stopped by a holder department that has nobody
    active: its acknowledgement task is created, an incident tells the administrators, and once
    someone is active again the task can be worked."""
    holders = _holders(api)
    api.ok("PATCH", "/users/zrzy_sun", "admin", json={"disabled": True})
    case = _notice(api)
    assert {t["department"] for t in case["open_tasks"]} == set(holders)
    [incident] = api.ok("GET", "/incidents", "admin")["items"]
    assert incident["request_id"] == case["id"] and incident["element"] == "acknowledge_change"
    assert "no_handler" in incident["last_error"] and "DY-ZRZY" in incident["last_error"]
    api.ok("PATCH", "/users/zrzy_sun", "admin", json={"disabled": False})
    task = _ack_task(_case(api, case["id"]), "DY-ZRZY")
    api.ok("POST", f"/tasks/{task['id']}/complete", "zrzy_sun", json={"acknowledged": True})
    api.assert_replays(case["id"])
