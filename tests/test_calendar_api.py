"""The calendar over HTTP and the CLI, and deadlines of real share requests around holidays."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from app.calendar import estimate_year
from app.extensions import db
from app.models import AuditEvent, CalendarYear, HumanTask, TimerJob
from tests.support import at

UTC = timezone.utc


def _add(api, start: str, days: int, user: str = "zrzy_sun") -> dict:
    return api.ok("GET", f"/calendar/add-working-days?start={start}&days={days}", user)


def _invented_2027(*extra_holidays: str) -> dict:
    """A stand-in for the 2027 notice (not out yet): the statutory days plus ``extra_holidays``."""
    body = estimate_year(2027).to_dict()
    return {"holidays": sorted(body["holidays"] + list(extra_holidays)), "workdays": [],
            "source_ref": "国办发明电〔2026〕测试号 (2026-11-01)"}


# --- the endpoints --------------------------------------------------------------------------------

def test_add_working_days_across_the_spring_festival_and_national_day(api):
    assert _add(api, "2026-02-13", 3) == {"date": "2026-02-25", "provisional": False}
    assert _add(api, "2026-09-28", 10) == {"date": "2026-10-16", "provisional": False}
    assert _add(api, "2026-02-13", 0) == {"date": "2026-02-13", "provisional": False}
    assert _add(api, "2026-12-18", 10, "citizen_he") == {"date": "2027-01-04", "provisional": True}


@pytest.mark.parametrize("query", ["start=2026-02-30&days=3", "start=2026-02-13", "days=3",
                                   "start=2026-02-13&days=-1", "start=2026-02-13&days=x"])
def test_add_working_days_refuses_bad_input(api, query):
    resp = api.get(f"/calendar/add-working-days?{query}", "zrzy_sun")
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "validation_error"


def test_add_working_days_outside_the_supported_years(api):
    resp = api.get("/calendar/add-working-days?start=2099-12-30&days=5", "zrzy_sun")
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "year_out_of_range"
    assert api.get("/calendar/add-working-days?start=2026-02-13&days=3").status_code == 401


def test_get_a_year(api):
    year = api.ok("GET", "/calendar/years/2026", "ga_wang")
    assert (year["year"], year["source"], year["source_ref"]) == (2026, "official", "国办发明电〔2025〕7号 (2025-11-04)")
    assert year["workdays"] == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
    assert "2026-10-07" in year["holidays"]
    estimate = api.ok("GET", "/calendar/years/2027", "citizen_he")
    assert estimate["source"] == "provisional" and estimate["workdays"] == []
    assert api.get("/calendar/years/1999", "ga_wang").status_code == 404
    assert api.get("/calendar/years/2026").status_code == 401


BAD_BODIES = [
    ("bad_date", lambda b: {**b, "holidays": b["holidays"] + ["2027-02-30"]}),
    ("outside_year", lambda b: {**b, "holidays": b["holidays"] + ["2026-12-31"]}),
    ("both", lambda b: {**b, "workdays": ["2027-02-06"]}),
    ("not_weekend", lambda b: {**b, "workdays": ["2027-03-03"]}),
    ("missing_statutory", lambda b: {**b, "holidays": b["holidays"][1:]}),
    ("stray_holiday", lambda b: {**b, "holidays": b["holidays"] + ["2027-03-10"]}),
    ("source_ref_required", lambda b: {**b, "source_ref": " "}),
    ("not_list", lambda b: {**b, "holidays": "2027-01-01"}),
    ("unknown_keys", lambda b: {**b, "comment": "x"}),
    ("year_mismatch", lambda b: {**b, "year": 2028}),
    ("source_mismatch", lambda b: {**b, "source": "provisional"}),
]


@pytest.mark.parametrize("reason, mutate", BAD_BODIES, ids=[r for r, _ in BAD_BODIES])
def test_put_refuses_bad_schedules_and_changes_nothing(api, reason, mutate):
    resp = api.call("PUT", "/calendar/years/2027", "admin", json=mutate(_invented_2027()))
    assert resp.status_code == 422, resp.get_json()
    error = resp.get_json()["error"]
    assert error["code"] == "invalid_calendar" and error["message"].startswith("节假日安排无效")
    assert reason in [e["reason"] for e in error["details"]["errors"]]
    assert api.ok("GET", "/calendar/years/2027", "admin")["source"] == "provisional"
    db.session.rollback()
    assert db.session.query(CalendarYear).count() == 0
    assert db.session.query(AuditEvent).filter_by(type="calendar_loaded").count() == 0


def test_put_needs_an_admin_and_a_json_object(api):
    body = _invented_2027()
    assert api.call("PUT", "/calendar/years/2027", "dsj_li", json=body).status_code == 403
    assert api.call("PUT", "/calendar/years/2027", json=body).status_code == 401
    resp = api.call("PUT", "/calendar/years/2027", "admin", json=[1, 2])
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "malformed_json"
    resp = api.call("PUT", "/calendar/years/1999", "admin", json=body)
    assert resp.status_code == 422
    english = api.call("PUT", "/calendar/years/2027", "admin", json={**body, "holidays": []},
                       headers={"Accept-Language": "en"})
    assert english.get_json()["error"]["message"].startswith("Invalid holiday schedule")


def test_put_loads_the_year_and_audits_it(api):
    loaded = api.ok("PUT", "/calendar/years/2027", "admin", json=_invented_2027("2027-01-04"))
    assert (loaded["year"], loaded["source"], loaded["recomputed"]) == (2027, "official", [])
    year = api.ok("GET", "/calendar/years/2027", "ga_wang")
    assert year["source"] == "official" and "2027-01-04" in year["holidays"]
    assert _add(api, "2026-12-18", 10) == {"date": "2027-01-05", "provisional": False}
    # Loaded again at the same instant with a change: every process must see the new one.
    api.ok("PUT", "/calendar/years/2027", "admin", json=_invented_2027())
    assert _add(api, "2026-12-18", 10) == {"date": "2027-01-04", "provisional": False}
    db.session.rollback()
    events = db.session.query(AuditEvent).filter_by(type="calendar_loaded").order_by(AuditEvent.seq).all()
    assert [(e.actor, e.case_id, e.data["year"]) for e in events] == [("admin", None, 2027)] * 2
    assert events[0].data["previous"]["source"] == "provisional"
    assert events[1].data["previous"]["source"] == "official"


def test_special_holidays_survive_the_round_trip(api):
    body = {**_invented_2027("2027-03-10"), "special_holidays": ["2027-03-10"]}
    api.ok("PUT", "/calendar/years/2027", "admin", json=body)
    year = api.ok("GET", "/calendar/years/2027", "admin")
    assert year["special_holidays"] == ["2027-03-10"]
    assert _add(api, "2027-03-09", 1)["date"] == "2027-03-11"


def test_cli_loads_a_year_file(api, tmp_path):
    file = tmp_path / "2027.json"
    file.write_text(json.dumps({"year": 2027, **_invented_2027("2027-01-04")}, ensure_ascii=False), "utf-8")
    result = api.app.test_cli_runner().invoke(args=["calendar", "load", str(file)])
    assert result.exit_code == 0, result.output
    assert "loaded 2027" in result.output
    assert api.ok("GET", "/calendar/years/2027", "admin")["source"] == "official"

    wrong = tmp_path / "2028.json"
    wrong.write_text(json.dumps({"year": 2027, **_invented_2027()}), "utf-8")
    result = api.app.test_cli_runner().invoke(args=["calendar", "load", str(wrong)])
    assert result.exit_code != 0 and "invalid_calendar" in result.output and "2028" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text("{", "utf-8")
    result = api.app.test_cli_runner().invoke(args=["calendar", "load", str(broken)])
    assert result.exit_code != 0 and "invalid_calendar" in result.output


# --- deadlines of real requests -------------------------------------------------------------------

def _review_clock(case: dict) -> dict:
    return next(c for c in case["sla"] if c["key"] == "provider_review")


def test_a_request_filed_before_the_spring_festival(api):
    api.set_clock(at(2026, 2, 13, 10))
    case = api.share("zrzy_sun", "GA-HJ-001")
    assert _review_clock(case)["due_date"] == _add(api, "2026-02-13", 10)["date"] == "2026-03-05"
    assert api.task_of(case, "provider_review")["due_date"] == "2026-03-05"


def test_a_request_filed_before_national_day_escalates_only_after_its_due_date(api):
    api.set_clock(at(2026, 9, 28, 10))
    case = api.share("zrzy_sun", "GA-HJ-001")
    assert _review_clock(case)["due_date"] == "2026-10-16"
    api.fires_only_after(at(2026, 10, 16, 23, 59, 59), at(2026, 10, 17, 0, 0, 1))


def test_late_only_after_the_due_date_ends_in_shanghai_although_the_server_clock_is_utc(api):
    case = api.share("zrzy_sun", "GA-HJ-001")  # Mon 2026-03-02, due 2026-03-16 (Shanghai)
    api.set_clock(datetime(2026, 3, 16, 15, 59, 59, tzinfo=UTC))  # 23:59:59 in Shanghai
    assert api.run_timers() == 0
    now = api.ok("GET", f"/requests/{case['id']}", "ga_wang")
    assert _review_clock(now)["state"] == "running"
    assert api.ok("GET", "/tasks?overdue=true", "ga_wang")["items"] == []
    api.set_clock(datetime(2026, 3, 16, 16, 0, 1, tzinfo=UTC))  # 00:00:01 on the 17th in Shanghai
    assert api.ok("GET", "/tasks?overdue=true", "ga_wang")["total"] == 1
    assert api.run_timers() == 1
    assert _review_clock(api.ok("GET", f"/requests/{case['id']}", "ga_wang"))["state"] == "breached"


def test_a_provisional_deadline_moves_when_the_year_is_loaded(api):
    api.set_clock(at(2026, 12, 18, 10))
    case = api.share("zrzy_sun", "GA-HJ-001")
    clock = _review_clock(case)
    assert (clock["due_date"], clock["provisional"]) == ("2027-01-04", True)
    decided = api.share("zrzy_sun", "GA-HJ-001")  # met before the load: its clock stays as it was
    api.ok("POST", f"/tasks/{api.task_of(decided, 'provider_review')['id']}/complete", "ga_wang",
           json={"decision": "approve"})

    loaded = api.ok("PUT", "/calendar/years/2027", "admin", json=_invented_2027("2027-01-04"))
    assert [(c["request"], c["clock"], c["old_due_date"], c["new_due_date"], c["new_provisional"])
            for c in loaded["recomputed"]] == [(case["id"], "provider_review", "2027-01-04", "2027-01-05", False)]
    assert _review_clock(api.ok("GET", f"/requests/{decided['id']}", "zrzy_sun"))["due_date"] == "2027-01-04"

    after = api.ok("GET", f"/requests/{case['id']}", "zrzy_sun")
    assert (_review_clock(after)["due_date"], _review_clock(after)["provisional"]) == ("2027-01-05", False)
    assert api.task_of(after, "provider_review")["due_date"] == "2027-01-05"
    db.session.rollback()
    job = db.session.query(TimerJob).filter_by(case_id=case["id"], state="waiting").one()
    assert job.due_at == datetime(2027, 1, 5, 15, 59, 59, 999999, tzinfo=UTC)
    task = db.session.query(HumanTask).filter_by(case_id=case["id"], state="open").one()
    assert task.due_date.isoformat() == "2027-01-05"

    events = api.ok("GET", f"/requests/{case['id']}/history", "auditor")["events"]
    recomputed = [e for e in events if e["type"] == "deadline_recomputed"]
    assert len(recomputed) == 1 and recomputed[0]["actor"] == "admin"
    data = recomputed[0]["data"]
    assert (data["old_due_date"], data["new_due_date"]) == ("2027-01-04", "2027-01-05")

    # the old deadline (end of 01-04) no longer fires; the new one (end of 01-05) does
    api.fires_only_after(at(2027, 1, 5, 23, 59, 59), at(2027, 1, 6, 0, 0, 1))


def test_loading_a_year_leaves_settled_deadlines_alone(api):
    case = api.share("zrzy_sun", "GA-HJ-001")  # due 2026-03-16: nothing of 2027 counted
    loaded = api.ok("PUT", "/calendar/years/2027", "admin", json=_invented_2027("2027-01-04"))
    assert loaded["recomputed"] == []
    events = api.ok("GET", f"/requests/{case['id']}/history", "auditor")["events"]
    assert "deadline_recomputed" not in [e["type"] for e in events]
