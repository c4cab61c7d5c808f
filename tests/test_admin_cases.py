"""Administration of running cases: cancel a broken case, see and list the cases running on
each version of a model."""
import pathlib

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, HumanTask, TimerJob
from tests.support import at
from tests.test_audit_replay import consistent

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _events(case_id: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id)
                              .order_by(AuditEvent.seq)).all()


def test_an_admin_cancels_a_case_tasks_timers_and_clocks_stop_and_it_replays(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    assert [t["task_key"] for t in case["open_tasks"]] == ["provider_review"]
    api.set_clock(at(2026, 3, 4, 10))
    body = api.ok("POST", f"/requests/{case['id']}/cancel", "admin", json={"reason": "申请重复提交"})
    assert body["status"] == "cancelled" and body["open_tasks"] == []
    assert [(c["key"], c["state"], c["stopped_on"]) for c in body["sla"]] == [
        ("provider_review", "met", "2026-03-04")]
    rows = db.session.scalars(select(HumanTask).where(HumanTask.case_id == case["id"])).all()
    assert [r.state for r in rows] == ["cancelled"]
    jobs = db.session.scalars(select(TimerJob).where(TimerJob.case_id == case["id"])).all()
    assert jobs and {j.state for j in jobs} == {"cancelled"}
    cancel = [e for e in _events(case["id"]) if e.type == "case_cancelled"]
    assert [(e.actor, e.data["reason"], e.data["clocks"]) for e in cancel] == [
        ("admin", "申请重复提交", ["provider_review"])]
    assert "task_cancelled" in [e.type for e in _events(case["id"])][-2:]
    # nothing more can happen to it; timers do not fire later
    api.set_clock(at(2026, 3, 30, 10))
    assert api.run_timers() == 0
    assert api.call("POST", f"/requests/{case['id']}/cancel", "admin",
                    json={"reason": "再次"}).status_code == 409
    consistent(api, case["id"])
    listed = api.ok("GET", "/requests?status=cancelled", "admin")
    assert [c["id"] for c in listed["items"]] == [case["id"]]


def test_only_an_admin_cancels_and_a_reason_is_required(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    for user in ("zrzy_sun", "ga_wang", "dsj_li"):
        assert api.call("POST", f"/requests/{case['id']}/cancel", user, json={"reason": "x"}).status_code in (403, 404)
    assert api.call("POST", f"/requests/{case['id']}/cancel", "admin", json={}).status_code == 422
    assert api.ok("GET", f"/requests/{case['id']}", "admin")["status"] == "pending"


def test_a_forged_list_of_stopped_clocks_is_reported_by_the_replay(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    api.ok("POST", f"/requests/{case['id']}/cancel", "admin", json={"reason": "测试"})
    event = next(e for e in _events(case["id"]) if e.type == "case_cancelled")
    event.data = {**event.data, "clocks": []}
    db.session.commit()
    body = api.ok("POST", f"/requests/{case['id']}/replay", "auditor")
    assert body["consistent"] is False and body["divergence"]["what"] == "case_cancelled"


def _deploy_share_request_again(api) -> int:
    xml = (ROOT / "bpmn" / "share_request.bpmn").read_bytes()
    return api.ok("POST", "/process-definitions", "admin", 201, data=xml, content_type="application/xml")["version"]


def test_running_cases_per_version_and_the_list_of_them(api):
    old = [api.share("zrzy_sun", "GA-HJ-001")["id"] for _ in range(2)]
    done = api.share("zrzy_sun", "GA-HJ-001")
    api.ok("POST", f"/requests/{done['id']}/withdraw", "zrzy_sun")
    assert _deploy_share_request_again(api) == 2
    new = api.share("zrzy_sun", "GA-HJ-001")["id"]
    items = api.ok("GET", "/process-definitions?all=true", "admin")["items"]
    running = {(d["key"], d["version"]): d["running"] for d in items}
    assert running[("share_request", 1)] == 2 and running[("share_request", 2)] == 1
    assert running[("purchase_request", 1)] == 0
    listed = api.ok("GET", "/requests?process=share_request&version=1&status=pending", "admin")
    assert sorted(c["id"] for c in listed["items"]) == sorted(old) and listed["total"] == 2
    assert {c["process"]["version"] for c in listed["items"]} == {1}
    assert [c["id"] for c in api.ok("GET", "/requests?process=share_request&version=2", "auditor")["items"]] == [new]
    assert api.ok("GET", "/requests?process=purchase_request", "admin")["items"] == []
    assert api.call("GET", "/requests?version=0", "admin").status_code == 422


def test_the_process_page_shows_the_running_cases_per_version(api):
    from tests.web_support import Pages

    case = api.share("zrzy_sun", "GA-HJ-001")
    other = api.ok("POST", "/purchase-requests", "scjg_liu", 201, json={
        "title": "企业舆情数据采购", "supplier": "某数据服务公司", "description": "一年期", "purpose": "风险预警",
        "budget_yuan": "120000.00"})
    admin = Pages(api.app, "admin")
    page = admin.text("/admin/processes")
    link = "/requests?process=share_request&amp;version=1&amp;status=pending"
    assert f'<td class="running"><a href="{link}">1</a></td>' in page
    listed = admin.text(link.replace("&amp;", "&"))
    assert f'data-case="{case["id"]}"' in listed and f'data-case="{other["id"]}"' not in listed
