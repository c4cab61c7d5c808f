"""No 5xx for any input: huge numbers are 422 validation_error; the OpenAPI document is valid."""
import pytest


@pytest.mark.parametrize("path", ["/requests", "/tasks", "/departments", "/users", "/process-definitions",
                                  "/incidents"])
def test_a_huge_page_is_a_validation_error(api, path):
    resp = api.get(f"{path}?page={10 ** 30}", "admin")
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "validation_error", resp.get_json()
    assert "page" in resp.get_json()["error"]["details"]


def test_a_huge_version_is_a_validation_error(api):
    for suffix in ("", "/xml"):
        resp = api.get(f"/process-definitions/share_request{suffix}?version={10 ** 30}", "admin")
        assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "validation_error"
    assert api.get(f"/process-definitions/share_request?version={2 ** 31 - 1}", "admin").status_code == 404


def test_the_openapi_document_states_numbers_as_numbers(api):
    doc = api.get("/openapi.json").get_json()
    budget = doc["components"]["schemas"]["PurchaseRequestIn"]["properties"]["budget_yuan"]
    assert budget["minimum"] == 0 and budget["maximum"] == 10 ** 12
    bad = [(name, field, key) for name, schema in doc["components"]["schemas"].items()
           for field, prop in schema.get("properties", {}).items()
           for key in ("minimum", "maximum", "minLength", "maxLength")
           if key in prop and not isinstance(prop[key], (int, float))]
    assert bad == []
    assert doc["components"]["responses"]["DEFAULT_ERROR"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"}
