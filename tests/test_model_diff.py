"""A diff of two versions of a model: elements added, removed and changed, with the scripts
and the durations they give the SLA clocks side by side."""
from tests.migration_support import NEW_NAME, RENAMED, share_request_v2


def _deploy_v2(api, note="审核期限改为 15 个工作日,审核环节改名") -> dict:
    return api.ok("POST", "/process-definitions?note=" + note, "admin", 201, data=share_request_v2(),
                  content_type="application/xml")


def test_the_diff_of_two_versions_names_the_renamed_task_and_the_longer_deadline(api):
    _deploy_v2(api)
    body = api.ok("GET", "/process-definitions/share_request/diff?from=1&to=2", "auditor")
    assert (body["from_version"], body["to_version"]) == (1, 2)
    assert body["added"] == [{"element": RENAMED, "type": "userTask", "name": NEW_NAME}]
    assert body["removed"] == [{"element": "provider_review", "type": "userTask", "name": "提供单位审核"}]
    changed = {c["element"]: c["changes"] for c in body["changed"]}
    clock = changed["start_review_clock"]
    assert clock["durations"] == {"from": {"provider_review": "10"}, "to": {"provider_review": "15"}}
    assert ", 10," in clock["script"]["from"] and ", 15," in clock["script"]["to"]
    assert changed["review_overdue"] == {"attached_to": {"from": "provider_review", "to": RENAMED}}
    assert changed["f_review"] == {"target": {"from": "provider_review", "to": RENAMED}}
    assert set(changed) == {"start_review_clock", "review_overdue", "f_review", "f_review_done", "f_review_again"}
    # by default the newest version against the one before it
    assert api.ok("GET", "/process-definitions/share_request/diff", "admin")["changed"] == body["changed"]
    same = api.ok("GET", "/process-definitions/share_request/diff?from=2&to=2", "admin")
    assert same["added"] == same["removed"] == same["changed"] == []
    assert api.call("GET", "/process-definitions/share_request/diff?from=1&to=9", "admin").status_code == 404
    assert api.call("GET", "/process-definitions/share_request/diff", "ga_wang").status_code == 403


def test_a_deployment_keeps_its_change_note_on_the_version_and_in_its_event(api):
    _deploy_v2(api)
    assert api.ok("GET", "/process-definitions/share_request?version=2", "admin")["note"] == \
        "审核期限改为 15 个工作日,审核环节改名"
    listed = api.ok("GET", "/process-definitions?all=true", "admin")["items"]
    assert [d["note"] for d in listed if d["key"] == "share_request"] == [None, "审核期限改为 15 个工作日,审核环节改名"]
    from sqlalchemy import select

    from app.extensions import db
    from app.models import AuditEvent

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.type == "definition_deployed")
                               .order_by(AuditEvent.seq.desc())).first()
    assert (event.data["version"], event.data["note"]) == (2, "审核期限改为 15 个工作日,审核环节改名")
    assert api.call("POST", "/process-definitions?note=", "admin", data=share_request_v2(),
                    content_type="application/xml").status_code == 422  # a note, if given, says something


def test_the_diff_page_shows_scripts_and_durations_side_by_side(api):
    from tests.web_support import Pages

    _deploy_v2(api)
    pages = Pages(api.app, "auditor")
    page = pages.text("/admin/processes/share_request/diff?from=1&to=2")
    assert f'<li data-element="{RENAMED}">' in page and '<li data-element="provider_review">' in page
    assert 'data-element="start_review_clock" data-field="durations"' in page
    assert "provider_review: 10" in page and "provider_review: 15" in page
    assert "审核期限改为 15 个工作日,审核环节改名" in page  # the change note of v2
    admin = Pages(api.app, "admin").text("/admin/processes")
    assert 'class="diff"' in admin and "审核期限改为 15 个工作日" in admin
    assert Pages(api.app, "ga_wang").get("/admin/processes/share_request/diff").status_code == 403
