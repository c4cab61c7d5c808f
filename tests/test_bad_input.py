"""Every kind of bad input gets the documented 4xx with a code, and changes nothing."""
import pytest

from app.extensions import db
from app.models import AuditEvent, Case


def _counts():
    return db.session.query(Case).count(), db.session.query(AuditEvent).count()


def _error(resp, status, code=None):
    assert resp.status_code == status, resp.get_json()
    body = resp.get_json()
    assert set(body) == {"error"} and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe"])
def test_malformed_json_is_400(api, body):
    api.token("zrzy_sun")  # logging in is audited: done before counting
    before = _counts()
    resp = api.post("/share-requests", "zrzy_sun", data=body, content_type="application/json")
    _error(resp, 400, "malformed_json")
    assert _counts() == before


@pytest.mark.parametrize("body,field", [
    ({"resource": 12, "purpose": "x"}, "resource"),
    ({"purpose": "x"}, "resource"),
    ({"resource": "GA-HJ-001", "purpose": ""}, "purpose"),
    ({"resource": "GA-HJ-001", "purpose": "x", "extra": 1}, "extra"),
    ({"resource": "GA-HJ-001", "purpose": ["x"]}, "purpose"),
])
def test_wrong_fields_are_422_naming_the_field(api, body, field):
    api.token("zrzy_sun")  # logging in is audited: done before counting
    before = _counts()
    err = _error(api.post("/share-requests", "zrzy_sun", json=body), 422, "validation_error")
    assert field in err["details"]
    assert _counts() == before


def test_unknown_resource_is_422(api):
    _error(api.post("/share-requests", "zrzy_sun", json={"resource": "NOPE", "purpose": "x"}), 422,
           "unknown_resource")


def test_unknown_ids_are_404(api):
    _error(api.get("/requests/doesnotexist", "auditor"), 404, "not_found")
    _error(api.get("/tasks/doesnotexist", "ga_wang"), 404, "not_found")
    _error(api.post("/tasks/doesnotexist/complete", "ga_wang", json={}), 404, "not_found")
    _error(api.get("/resources/NOPE", "ga_wang"), 404, "not_found")
    _error(api.get("/process-definitions/nope", "admin"), 404, "not_found")


def test_oversized_body_is_413(api):
    big = {"resource": "GA-HJ-001", "purpose": "数" * (3 * 1024 * 1024)}
    api.token("zrzy_sun")  # logging in is audited: done before counting
    before = _counts()
    _error(api.post("/share-requests", "zrzy_sun", json=big), 413, "too_large")
    assert _counts() == before


def test_chinese_text_round_trips_unchanged(api):
    purpose = "用于“一网通办”审批:不动产登记✓ 𠮷"
    case = api.ok("POST", "/share-requests", "zrzy_sun", 201,
                  json={"resource": "GA-HJ-001", "purpose": purpose})
    assert case["purpose"] == purpose
    assert api.ok("GET", f"/requests/{case['id']}", "zrzy_sun")["purpose"] == purpose


def test_messages_are_chinese_by_default_and_english_on_request(api):
    zh = _error(api.get("/requests/x", "auditor"), 404)
    en = _error(api.get("/requests/x", "auditor", headers={"Accept-Language": "en-US,en;q=0.9"}), 404)
    assert zh["message"] == "对象不存在或不可见"
    assert en["message"] == "Not found, or not visible to you"


def test_wrong_form_data_on_completion_is_422_and_changes_nothing(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    for body in ({"decision": "maybe"}, {"decision": "approve", "extra": 1}, {},
                 {"decision": "refuse", "reason": "   "}):
        _error(api.post(f"/tasks/{task['id']}/complete", "ga_wang", json=body), 422)
    _error(api.post(f"/tasks/{task['id']}/complete", "ga_wang", data=b"{", content_type="application/json"),
           400, "malformed_json")
    after = api.ok("GET", f"/requests/{case['id']}", "zrzy_sun")
    assert after["status"] == "pending" and after["open_tasks"][0]["id"] == task["id"]


def test_paging_limits(api):
    _error(api.get("/requests?per_page=201", "auditor"), 422)
    _error(api.get("/requests?page=0", "auditor"), 422)
    assert api.ok("GET", "/requests?per_page=200", "auditor")["total"] == 0


def test_no_stack_trace_on_unknown_route(api):
    _error(api.get("/nothing-here", "auditor"), 404, "not_found")
    _error(api.call("DELETE", "/requests", "auditor"), 405, "method_not_allowed")


def test_duplicates_are_409_not_500(api):
    dept = {"code": "DY-GA", "name": "重复", "kind": "government", "region": "东营市"}
    err = _error(api.post("/departments", "admin", json=dept), 409, "code_taken")
    assert err["details"] == {"code": "DY-GA"}
    resource = {"code": "GA-HJ-001", "name": "重复", "provider": "DY-GA", "share_type": "unconditional"}
    _error(api.post("/resources", "admin", json=resource), 409, "code_taken")
