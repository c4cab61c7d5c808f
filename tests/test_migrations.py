"""Moving running cases to a new version of their model: dry run, per-case outcome, the task
rows re-derived, the cases completed on the new version and replayed consistent."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, HumanTask
from tests.migration_support import NEW_NAME, RENAMED, share_request_v2
from tests.support import at
from tests.test_audit_replay import complete, consistent

MAPPING = {"provider_review": RENAMED}


def _file_three_cases(api) -> dict:
    review = api.share("zrzy_sun", "GA-HJ-001")  # conditional, on the platform: the provider reviews
    dispatch = api.share("zrzy_sun", "SCJG-XY-002")  # not on the platform: dispatch feedback first
    green = api.ok("POST", "/share-requests", "zrzy_sun", 201, json={
        "resource": "SCJG-XY-002", "purpose": "防汛应急处置", "green_channel": {"reason": "突发公共事件:黄河防汛"}})
    waiting = {name: [t["task_key"] for t in c["open_tasks"]]
               for name, c in (("review", review), ("dispatch", dispatch), ("green", green))}
    assert waiting == {"review": ["provider_review"], "dispatch": ["dispatch_feedback"], "green": ["green_review"]}
    return {"review": review, "dispatch": dispatch, "green": green}


def _deploy_v2(api) -> None:
    body = api.ok("POST", "/process-definitions", "admin", 201, data=share_request_v2(),
                  content_type="application/xml")
    assert (body["key"], body["version"]) == ("share_request", 2)


def _migrate(api, dry_run: bool, mapping: dict, cases=None) -> dict:
    return {i["case"]: i for i in api.ok("POST", "/migrations", "admin", json={
        "key": "share_request", "from_version": 1, "to_version": 2, "mapping": mapping, "cases": cases,
        "dry_run": dry_run})["items"]}


def _running(api) -> dict:
    return {d["version"]: d["running"] for d in api.ok("GET", "/process-definitions?all=true", "admin")["items"]
            if d["key"] == "share_request"}


def _events(case_id: str) -> list:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)).all()


def test_migrate_running_cases_to_a_version_with_a_renamed_task_and_a_longer_deadline(api):
    cases = _file_three_cases(api)
    ids = {name: c["id"] for name, c in cases.items()}
    _deploy_v2(api)
    assert _running(api) == {1: 3, 2: 0}

    # dry run without a mapping: the case waiting at the renamed review cannot move
    before = {cid: len(_events(cid)) for cid in ids.values()}
    report = _migrate(api, True, {})
    assert set(report) == set(ids.values())
    assert report[ids["review"]]["ok"] is False
    assert [(p["code"], p["element"]) for p in report[ids["review"]]["problems"]] == [
        ("migration_unmapped", "provider_review")]
    assert report[ids["review"]]["waiting"] == ["provider_review", "review_overdue"]
    assert report[ids["dispatch"]]["ok"] is True and report[ids["green"]]["ok"] is True
    assert report[ids["dispatch"]]["problems"] == [] and report[ids["green"]]["problems"] == []
    assert {cid: len(_events(cid)) for cid in ids.values()} == before and _running(api) == {1: 3, 2: 0}

    # a dry run with the mapping: all three would move; then they move
    assert all(i["ok"] for i in _migrate(api, True, MAPPING).values())
    old_row = api.task_of(cases["review"], "provider_review")
    api.set_clock(at(2026, 3, 3, 9))
    moved = _migrate(api, False, MAPPING)
    assert all(i["ok"] for i in moved.values()) and _running(api) == {1: 0, 2: 3}
    review = api.ok("GET", f"/requests/{ids['review']}", "admin")
    assert review["process"]["version"] == 2
    [task] = review["open_tasks"]
    assert (task["id"], task["task_key"], task["name"], task["due_date"]) == (
        old_row["id"], RENAMED, NEW_NAME, old_row["due_date"])  # the clock keeps the 10 WD it started with
    assert review["sla"][0]["working_days"] == 10
    migrated = [e for e in _events(ids["review"]) if e.type in ("case_migrated", "task_migrated")]
    assert [(e.type, e.element) for e in migrated] == [("case_migrated", None), ("task_migrated", RENAMED)]
    assert migrated[0].data["mapping"] == MAPPING and migrated[0].actor == "admin"
    assert (migrated[0].data["from_version"], migrated[0].data["to_version"]) == (1, 2)
    assert migrated[1].data["from"] == "provider_review" and migrated[1].data["task"] == old_row["id"]
    row = db.session.get(HumanTask, old_row["id"])
    assert (row.task_key, row.name, row.role, row.department.code, row.state) == (
        RENAMED, NEW_NAME, "approver", "DY-GA", "open")
    # nothing pending on v1 remains to move
    assert _migrate(api, False, MAPPING) == {}

    # the dispatched case reaches the renamed review on v2, with v2's 15 working days
    complete(api, cases["dispatch"], "dispatch_feedback", "scjg_liu", {"decision": "can_aggregate"})
    api.set_clock(at(2026, 3, 9, 10))
    dispatched = complete(api, cases["dispatch"], "aggregation", "scjg_liu", {"done": True})
    assert [t["task_key"] for t in dispatched["open_tasks"]] == [RENAMED]
    clock = next(c for c in dispatched["sla"] if c["key"] == "provider_review")
    assert (clock["working_days"], clock["started_on"], clock["due_date"]) == (15, "2026-03-09", "2026-03-30")
    assert dispatched["open_tasks"][0]["due_date"] == "2026-03-30"
    # the renamed task keeps its form (dsf:form): a decision it does not know is refused
    renamed = api.task_of(dispatched, RENAMED)
    assert api.get(f"/tasks/{renamed['id']}", "scjg_liu").get_json()["form"]["required"] == ["decision"]
    refused = api.post(f"/tasks/{renamed['id']}/complete", "scjg_liu", json={"decision": "maybe"})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "validation_error"
    approved = complete(api, dispatched, RENAMED, "scjg_liu", {"decision": "approve", "conditions": "仅用于监管"})
    assert approved["status"] == "granted"

    # the green channel case goes on as before (its elements are unchanged)
    complete(api, cases["green"], "green_review", "dsj_li", {"decision": "approve"})
    green = complete(api, cases["green"], "green_feedback", "scjg_liu", {"decision": "approve", "conditions": "仅用于应急"})
    assert complete(api, green, "aggregation", "scjg_liu", {"done": True})["status"] == "granted"

    # the review's deadline timer still waits on v2 and fires there; then the review is done
    api.set_clock(at(2026, 3, 17, 9))
    assert api.run_timers() == 1
    review = api.ok("GET", f"/requests/{ids['review']}", "admin")
    assert sorted(t["task_key"] for t in review["open_tasks"]) == ["coordinate_overdue", RENAMED]
    done = complete(api, review, RENAMED, "ga_wang", {"decision": "approve", "conditions": "仅用于审批"})
    assert done["status"] == "granted"

    for cid in ids.values():
        consistent(api, cid)


def test_a_forged_migration_mapping_is_reported_by_the_replay(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    _deploy_v2(api)
    assert _migrate(api, False, MAPPING)[case["id"]]["ok"] is True
    event = next(e for e in _events(case["id"]) if e.type == "case_migrated")
    event.data = {**event.data, "to_version": 1}
    db.session.commit()
    body = api.ok("POST", f"/requests/{case['id']}/replay", "auditor")
    assert body["consistent"] is False and body["divergence"]["seq"] == event.seq


def test_a_case_moved_to_another_version_without_a_migration_is_reported_by_the_replay(api):
    from app.cases.definitions import version
    from app.models import Case

    case = api.share("zrzy_sun", "GA-HJ-001")
    _deploy_v2(api)
    db.session.get(Case, case["id"]).process_definition_id = version("share_request", 2).id
    db.session.commit()
    body = api.ok("POST", f"/requests/{case['id']}/replay", "auditor")
    assert body["consistent"] is False and body["divergence"]["what"] == "process_version"
    assert body["divergence"]["expected"] == {"key": "share_request", "version": 1}


def test_a_bad_mapping_is_refused_and_only_admins_migrate(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    _deploy_v2(api)
    body = {"key": "share_request", "from_version": 1, "to_version": 2, "dry_run": True}
    for mapping, problem in (({"provider_review": "nowhere"}, "not_in_target"),
                             ({"nowhere": RENAMED}, "not_in_source"),
                             ({"provider_review": "review_overdue"}, "other_type")):
        resp = api.call("POST", "/migrations", "admin", json={**body, "mapping": mapping})
        assert resp.status_code == 422 and resp.get_json()["error"]["details"]["problem"] == problem
    assert api.call("POST", "/migrations", "admin", json={**body, "to_version": 7}).status_code == 404
    assert api.call("POST", "/migrations", "admin", json={**body, "to_version": 1}).status_code == 422
    for user in ("auditor", "dsj_li", "ga_wang"):
        assert api.call("POST", "/migrations", user, json=body).status_code == 403
    # a case named that is not pending on the source version is reported, not moved
    api.ok("POST", f"/requests/{case['id']}/withdraw", "zrzy_sun")
    item = _migrate(api, False, MAPPING, [case["id"]])[case["id"]]
    assert item["ok"] is False and [p["code"] for p in item["problems"]] == ["migration_not_pending"]
    unknown = _migrate(api, True, MAPPING, ["no-such-case"])["no-such-case"]
    assert unknown["ok"] is False and [p["code"] for p in unknown["problems"]] == ["not_found"]


def test_the_migration_page_shows_the_mapping_and_a_dry_run_before_it_moves(api):
    from tests.web_support import Pages

    cases = _file_three_cases(api)
    _deploy_v2(api)
    pages = Pages(api.app, "admin")
    page = pages.text("/admin/processes/share_request/migrate")
    assert 'name="map-provider_review"' in page and f'<option value="{RENAMED}"' in page
    assert 'name="map-dispatch_feedback"' not in page  # unchanged ids map themselves
    form = {"from_version": "1", "to_version": "2", "map-provider_review": RENAMED}
    dry = pages.post("/admin/processes/share_request/migrate", {**form, "action": "dry_run"})
    text = dry.get_data(as_text=True)
    assert dry.status_code == 200 and text.count('class="ok"') == 3 and 'id="migrate"' in text
    assert _running(api) == {1: 3, 2: 0}  # the dry run moved nothing
    done = pages.post("/admin/processes/share_request/migrate", {**form, "action": "migrate"})
    assert done.status_code == 200 and _running(api) == {1: 0, 2: 3}
    review = api.ok("GET", f"/requests/{cases['review']['id']}", "admin")
    assert [t["task_key"] for t in review["open_tasks"]] == [RENAMED]
    bad = pages.post("/admin/processes/share_request/migrate", {**form, "map-provider_review": "nowhere"})
    assert bad.status_code == 422


def test_a_case_waiting_at_an_element_that_changed_its_type_is_reported_not_moved(api):
    from tests.migration_support import ROOT

    case = api.share("zrzy_sun", "GA-HJ-001")
    xml = (ROOT / "bpmn" / "share_request.bpmn").read_text(encoding="utf-8").replace(
        '<bpmn:userTask id="provider_review" name="提供单位审核" />',
        '<bpmn:manualTask id="provider_review" name="提供单位审核(线下)" />')
    api.ok("POST", "/process-definitions", "admin", 201, data=xml.encode(), content_type="application/xml")
    item = _migrate(api, False, {})[case["id"]]  # the same id, now a manual task
    assert item["ok"] is False and [(p["code"], p["element"]) for p in item["problems"]] == [
        ("migration_other_type", "provider_review")]
    assert api.ok("GET", f"/requests/{case['id']}", "admin")["process"]["version"] == 1
    body = {"key": "share_request", "from_version": 1, "to_version": 2, "dry_run": True,
            "mapping": {"green_review": "provider_review"}}
    resp = api.call("POST", "/migrations", "admin", json=body)
    assert resp.status_code == 422 and resp.get_json()["error"]["details"]["problem"] == "other_type"


def test_a_form_no_one_knows_is_refused_at_deploy_and_a_changed_form_is_not_migrated(api):
    unknown = share_request_v2().replace(b'dsf:form="provider_review"', b'dsf:form="no_such_form"')
    refused = api.post("/process-definitions", "admin", data=unknown, content_type="application/xml")
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "invalid_bpmn"
    assert refused.get_json()["error"]["details"]["element"] == RENAMED
    review = api.share("zrzy_sun", "GA-HJ-001")
    other = share_request_v2().replace(b'dsf:form="provider_review"', b'dsf:form="purchase_review"')
    api.ok("POST", "/process-definitions", "admin", 201, data=other, content_type="application/xml")
    report = _migrate(api, True, MAPPING)
    assert [(p["code"], p["element"]) for p in report[review["id"]]["problems"]] == [
        ("migration_other_form", "provider_review")]
