"""A task no one can work: refused at filing (422 no_handler naming the lane); a running case
that reaches one raises an incident admins see in GET /incidents."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import Case


def _green(api, resource, status=201):
    return api.ok("POST", "/share-requests", "zrzy_sun", status, json={
        "resource": resource, "purpose": "防汛应急处置", "green_channel": {"reason": "突发公共事件:黄河防汛"}})


def test_filing_is_refused_when_the_city_authority_region_is_not_configured(api, monkeypatch):
    monkeypatch.setitem(api.app.config, "DSF_CITY_REGION", "无此市")
    before = db.session.scalar(select(func.count()).select_from(Case))
    error = _green(api, "GA-HJ-001", 422)["error"]
    assert error["code"] == "no_handler" and error["details"]["lane"] == "city_authority"
    assert "city_authority" in error["message"]
    assert db.session.scalar(select(func.count()).select_from(Case)) == before
    # without the green channel the provider (DY-GA, two approvers) works it: filed as usual
    assert api.share("zrzy_sun", "GA-HJ-001")["status"] == "pending"


def test_a_running_case_reaching_an_unworkable_task_raises_an_incident(api):
    api.ok("POST", "/departments", "admin", 201, json={"code": "DY-NEW", "name": "新设单位",
                                                       "kind": "government", "region": "东营市"})
    api.ok("POST", "/resources", "admin", 201, json={"code": "NEW-001", "name": "新资源", "provider": "DY-NEW",
                                                     "share_type": "unconditional"})
    case = _green(api, "NEW-001")  # the green review (city authority) can be worked: filed
    review = api.task_of(case, "green_review")
    assert api.ok("GET", "/incidents", "admin")["items"] == []
    api.ok("POST", f"/tasks/{review['id']}/complete", "dsj_li", json={"decision": "approve"})
    items = api.ok("GET", "/incidents", "admin")["items"]
    assert len(items) == 1 and items[0]["request_id"] == case["id"]
    assert items[0]["element"] == "green_feedback" and "no_handler" in items[0]["last_error"]
    assert "DY-NEW" in items[0]["last_error"]
    events = api.ok("GET", f"/requests/{case['id']}/history", "admin")["events"]
    assert any(e["type"] == "incident_raised" and e["element"] == "green_feedback" for e in events)
    api.assert_replays(case["id"])  # the incident is recorded with the command that reached the task
