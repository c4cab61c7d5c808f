"""Auditors export one case or a date range as JSON or CSV (UTF-8 with BOM for Excel)."""
import csv
import io
import json
from datetime import datetime

from app.audit.log import chain_hash, event_body
from tests.support import at


def _two_days(api):
    """A case filed Mon 2026-03-02 09:00 and one just after midnight Shanghai time on Tue."""
    first = api.share("zrzy_sun", "GA-HJ-001", purpose="不动产登记核验(第一天)")
    api.set_clock(at(2026, 3, 3, 0, 30))  # 2026-03-02 16:30 UTC: still Monday in UTC
    second = api.share("zrzy_sun", "SCJG-QY-001", purpose="企业信息核验(第二天)")
    return first, second


def test_one_case_as_json_matches_its_history(api):
    first, _ = _two_days(api)
    resp = api.get(f"/audit/events?case={first['id']}", "auditor")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert f"audit-events-{first['id']}.json" in resp.headers["Content-Disposition"]
    events = resp.get_json()["events"]
    history = api.ok("GET", f"/requests/{first['id']}/history", "auditor")["events"]
    assert [{k: e[k] for k in history[0]} for e in events] == history
    assert {e["case_id"] for e in events} == {first["id"]}
    assert events[0]["data"]["input"]["purpose"] == "不动产登记核验(第一天)"


def test_one_case_as_csv_opens_in_excel_and_each_row_reverifies(api):
    first, _ = _two_days(api)
    resp = api.get(f"/audit/events?case={first['id']}&format=csv", "admin")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    raw = resp.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == ["seq", "at", "at_local", "case_id", "actor", "type", "element", "data",
                             "prev_hash", "hash"]
    assert [r["type"] for r in rows] == ["case_started", "task_created"]
    assert rows[0]["at_local"] == "2026-03-02T09:00:00+08:00"
    assert "不动产登记核验(第一天)" in rows[0]["data"]
    for r in rows:
        body = event_body(int(r["seq"]), r["case_id"], datetime.fromisoformat(r["at"]), r["actor"], r["type"],
                          r["element"] or None, json.loads(r["data"]))
        assert chain_hash(r["prev_hash"], body) == r["hash"]


def test_a_date_range_counts_days_in_the_service_time_zone(api):
    first, second = _two_days(api)
    monday = api.ok("GET", "/audit/events?from=2026-03-02&to=2026-03-02", "auditor")["events"]
    tuesday = api.ok("GET", "/audit/events?from=2026-03-03&to=2026-03-03", "auditor")["events"]
    assert {e["case_id"] for e in monday} == {first["id"], None}  # None: the deployments
    assert {e["case_id"] for e in tuesday if e["case_id"]} == {second["id"]}
    assert {e["type"] for e in tuesday if not e["case_id"]} == {"user_logged_in"}  # after the clock moved
    both = api.ok("GET", "/audit/events?from=2026-03-01&to=2026-03-04", "auditor")["events"]
    assert [e["seq"] for e in both] == sorted(e["seq"] for e in monday + tuesday)
    assert api.ok("GET", "/audit/events?from=2026-03-03", "auditor")["events"] == tuesday
    assert api.ok("GET", "/audit/events?to=2026-03-02", "auditor")["events"] == monday
    resp = api.get("/audit/events?from=2026-03-03&to=2026-03-03&format=csv", "auditor")
    assert "audit-events-2026-03-03_2026-03-03.csv" in resp.headers["Content-Disposition"]
    assert len(resp.get_data().decode("utf-8-sig").strip().split("\r\n")) == 1 + len(tuesday)


def test_a_case_and_a_range_together_narrow_each_other(api):
    first, _ = _two_days(api)
    assert api.ok("GET", f"/audit/events?case={first['id']}&from=2026-03-03", "auditor")["events"] == []


def test_bad_export_requests_are_refused_with_a_reason(api):
    _two_days(api)
    cases = [("/audit/events", 422, "export_filter_required"),
             ("/audit/events?from=2026-03-04&to=2026-03-01", 422, "bad_date_range"),
             ("/audit/events?from=2026-02-30", 422, "validation_error"),
             ("/audit/events?case=x&format=xlsx", 422, "validation_error"),
             ("/audit/events?case=nope", 404, "not_found")]
    for path, status, code in cases:
        resp = api.get(path, "auditor")
        assert (resp.status_code, resp.get_json()["error"]["code"]) == (status, code), path
    assert "日期" in api.get("/audit/events?from=2026-03-04&to=2026-03-01", "auditor").get_json()["error"]["message"]


def test_only_auditors_and_admins_export(api):
    first, _ = _two_days(api)
    for user in ("zrzy_sun", "ga_wang", "dsj_li"):
        assert api.get(f"/audit/events?case={first['id']}", user).status_code == 403
    assert api.get(f"/audit/events?case={first['id']}").status_code == 401


def test_a_large_range_streams_in_batches(api, monkeypatch):
    from app.audit import export

    monkeypatch.setattr(export, "BATCH", 2)
    for _ in range(4):
        api.share("zrzy_sun", "GA-HJ-001")
    events = api.ok("GET", "/audit/events?from=2026-03-02&to=2026-03-02", "auditor")["events"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1)) and len(events) > 8
