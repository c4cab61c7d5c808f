"""CSV cells a spreadsheet would run as formulas are neutralised; the API carries the pages'
security headers, and its docs page still loads its own scripts."""
import csv
import io

from app.audit.export import csv_chunks
from app.web.security import HEADERS


def _event(**over):
    event = {"seq": 1, "at": "2026-03-02T01:00:00+00:00", "case_id": None, "actor": "admin",
             "type": "user_created", "element": None, "data": {"text": "=1+1"}, "prev_hash": "0" * 64,
             "hash": "1" * 64}
    return {**event, **over}


def test_formula_cells_are_prefixed_with_a_quote():
    items = [_event(actor="=HYPERLINK(\"http://x\")"), _event(actor="+1", element="-2"),
             _event(actor="@SUM(A1)", type="\tx"), _event(actor="ok-name")]
    rows = list(csv.DictReader(io.StringIO("".join(csv_chunks(items, "Asia/Shanghai")).lstrip("\ufeff"))))
    assert [r["actor"] for r in rows] == ["'=HYPERLINK(\"http://x\")", "'+1", "'@SUM(A1)", "ok-name"]
    assert rows[1]["element"] == "'-2" and rows[2]["type"] == "'\tx"
    assert rows[0]["data"] == '{"text":"=1+1"}'  # the hashed JSON is untouched (starts with "{")


def test_a_username_starting_with_minus_is_exported_neutralised(api):
    api.ok("POST", "/users", "admin", 201, json={"username": "-1", "password": "demo-pass-2026",
                                                  "display_name": "x", "department": "DY-ZRZY",
                                                  "roles": ["applicant"]})
    case = api.share("-1", "GA-HJ-001")
    raw = api.get(f"/audit/events?case={case['id']}&format=csv", "admin").data
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows and rows[0]["actor"] == "'-1"


def test_api_responses_carry_the_security_headers(api):
    for resp in (api.get("/tasks", "ga_wang"), api.get("/tasks"), api.get("/openapi.json"),
                 api.get("/requests?page=0", "admin")):
        for name, value in HEADERS.items():
            assert resp.headers.get(name) == value, (name, resp.status_code)
        assert resp.headers.get("Cache-Control") == "no-store"
    docs = api.client.get("/api/v1/docs")
    assert docs.status_code == 200 and "script-src 'self'" in docs.headers["Content-Security-Policy"]
    assert '<script src="/api/v1/docs/static/' in docs.get_data(as_text=True)  # no inline script
    assert api.client.get("/api/v1/docs/static/docs-init.js").status_code == 200
