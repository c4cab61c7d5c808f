"""Each command's audit event names the calendar years it counted with (for replay)."""
from datetime import date

from app.calendar import WorkCalendar, estimate_year
from app.engine.calendar_facts import RecordingCalendar, fingerprint


def test_the_recording_calendar_answers_like_the_calendar_and_notes_each_year():
    inner, facts = WorkCalendar.official(), {}
    cal = RecordingCalendar(inner, facts)
    assert cal.add_working_days(date(2026, 12, 25), 10) == inner.add_working_days(date(2026, 12, 25), 10)
    assert set(facts) == {"2026", "2027"}
    assert facts["2026"] == {"source": "official", "fp": fingerprint(inner.year(2026))}
    assert facts["2027"]["source"] == inner.year(2027).source
    cal.working_days_between(date(2028, 1, 1), date(2028, 3, 1))
    assert "2028" in facts and dict(cal.schedules) == dict(inner.schedules)


def test_fingerprints_tell_schedules_apart_and_ignore_the_citation():
    official = WorkCalendar.official().year(2026)
    assert len(fingerprint(official)) == 16
    assert fingerprint(official) != fingerprint(estimate_year(2026))
    from dataclasses import replace
    assert fingerprint(replace(official, source_ref="另一个文号")) == fingerprint(official)


def test_a_deadline_command_records_the_years_it_counted_with(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    started = api.ok("GET", f"/requests/{case['id']}/history", "auditor")["events"][0]
    assert started["type"] == "case_started"
    assert started["data"]["calendar"] == {
        "2026": {"source": "official", "fp": fingerprint(WorkCalendar.official().year(2026))}}


def test_a_command_that_counts_nothing_records_no_calendar(api):
    case = api.share("zrzy_sun", "SCJG-QY-001")  # unconditional: granted at once
    started = api.ok("GET", f"/requests/{case['id']}/history", "auditor")["events"][0]
    assert "calendar" not in started["data"]
