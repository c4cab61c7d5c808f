"""The auditors' pages (timeline, replay, chain verification) and the supervision dashboard."""
import json
import re

from sqlalchemy import update

from app.extensions import db
from app.models import AuditEvent
from app.web.deadlines import today
from app.web.sla_stats import report
from tests.support import at
from tests.web_support import Pages


def _decided_share(api, decision=None):
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    api.ok("POST", f"/tasks/{task['id']}/complete", "ga_wang", json=decision or {"decision": "approve"})
    return case


def test_audit_case_page_has_the_timeline_and_the_diagram_steps(demo, api):
    case = _decided_share(api)
    page = Pages(demo, "auditor").text(f"/audit/requests/{case['id']}")
    steps = json.loads(re.search(r'<script type="application/json" id="steps-data">(.*?)</script>', page, re.S).group(1))
    assert [s["type"] for s in steps] == ["case_started", "task_created", "task_completed", "case_decided",
                                          "grant_created"]
    assert steps[0]["marks"] == ["start"] and steps[2]["marks"] == ["provider_review"] and steps[3]["marks"] == []
    assert steps[2]["where"] == "提供单位审核" and steps[2]["actor"] == "ga_wang"
    diagram = Pages(demo, "auditor").get(f"/audit/requests/{case['id']}/diagram.xml")
    assert diagram.mimetype == "application/xml" and b"BPMNDiagram" in diagram.get_data()


def test_replay_and_verify_from_the_audit_pages(demo, api):
    case = _decided_share(api)
    auditor = Pages(demo, "auditor")
    replayed = auditor.post(f"/audit/requests/{case['id']}/replay").get_data(as_text=True)
    assert 'data-consistent="true"' in replayed and "重放一致" in replayed
    verified = auditor.post(f"/audit/requests/{case['id']}/verify").get_data(as_text=True)
    assert 'data-ok="true"' in verified
    assert 'data-ok="true"' in auditor.post("/audit/verify").get_data(as_text=True)

    with db.engine.begin() as conn:  # someone edits the history behind the service's back
        conn.execute(update(AuditEvent).where(AuditEvent.case_id == case["id"], AuditEvent.type == "task_completed")
                     .values(actor="ga_chen"))
    broken = auditor.post("/audit/verify").get_data(as_text=True)
    assert 'data-ok="false"' in broken and "哈希链断裂" in broken
    assert Pages(demo, "ga_wang").get(f"/audit/requests/{case['id']}").status_code == 403


def test_dashboard_figures_from_the_projections(demo, api):
    _decided_share(api)                                   # met on the day it was filed
    api.set_clock(at(2026, 3, 3))
    late = api.share("zrzy_sun", "GA-HJ-001", "迟办")      # due 2026-03-17
    api.set_clock(at(2026, 3, 18, 10))
    api.run_timers()                                      # the overdue timer escalates and records the breach
    rep = report(today())
    police = rep.departments["东营市公安局"]
    assert (police.on_time, police.open_late) == (1, 1) and police.compliance == 50.0
    assert rep.paths["share"].on_time == 1 and rep.paths["share"].open_late == 1
    assert [o["request"] for o in rep.overdue] == [late["id"]] and rep.overdue[0]["late_by"] == 1
    assert rep.answer_days == {"提供单位审核": 0.0}
    assert (rep.clocks["提供单位审核"].on_time, rep.clocks["提供单位审核"].open_late) == (1, 1)
    db.session.remove()

    page = Pages(demo, "dsj_li").text("/dashboard")  # the authority supervises (Art. 6)
    charts = json.loads(re.search(r'id="dashboard-data">(.*?)</script>', page, re.S).group(1))
    assert charts["paths"]["names"] == ["共享申请"] and charts["paths"]["open_late"] == [1]
    assert late["id"] in page and "50.0%" in page and 'id="table-clocks"' in page
    assert Pages(demo, "ga_wang").get("/dashboard").status_code == 403
