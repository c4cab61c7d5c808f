"""Administrators' pages: departments, users, catalog, holiday calendar, process definitions
and the editor's validate/deploy endpoints (Flask test client)."""
import io
import json
import pathlib

from sqlalchemy import select

from app.calendar.estimate import estimate_year
from app.extensions import db
from app.models import CalendarYear, Department, ProcessDefinition, User
from tests.support import at
from tests.web_support import Pages

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _one(query):
    row = db.session.scalar(query)
    db.session.remove()
    return row


def test_admin_adds_a_department_and_a_user(demo):
    admin = Pages(demo, "admin")
    assert "东营市公安局" in admin.text("/admin/departments")
    assert admin.post("/admin/departments", {"code": "DY-WJW", "name": "东营市卫生健康委员会", "kind": "government",
                                             "region": "东营市"}).status_code == 302
    assert _one(select(Department).where(Department.code == "DY-WJW")).name == "东营市卫生健康委员会"
    taken = admin.post("/admin/departments", {"code": "DY-WJW", "name": "重复", "kind": "government", "region": "东营市"})
    assert taken.status_code == 409 and "编码已存在" in taken.get_data(as_text=True)

    assert admin.post("/admin/users", {"username": "wjw_ma", "display_name": "马审核", "password": "long-enough-1",
                                       "department": "DY-WJW", "roles": ["approver"]}).status_code == 302
    user = _one(select(User).where(User.username == "wjw_ma"))
    assert user.roles == ["approver"] and user.department.code == "DY-WJW"
    assert Pages(demo, "wjw_ma", password="long-enough-1").get("/inbox").status_code == 200
    no_dept = admin.post("/admin/users", {"username": "x1", "display_name": "X", "password": "long-enough-1",
                                          "roles": ["approver"]})
    assert no_dept.status_code == 422 and "该角色必须属于某个部门" in no_dept.get_data(as_text=True)
    assert 'value="x1"' in no_dept.get_data(as_text=True)  # the input is kept


def test_calendar_years_and_loading_a_schedule_recomputes_deadlines(demo, api):
    page = Pages(demo, "admin").text("/admin/calendar")
    assert 'data-year="2026" class="source-official"' in page
    assert 'data-year="2027" class="source-provisional"' in page

    api.set_clock(at(2026, 12, 24))  # a 10 WD review counted into provisional 2027
    admin = Pages(demo, "admin")  # (a web login lasts DSF_TOKEN_HOURS on the service clock)
    case = api.share("zrzy_sun", "GA-HJ-001")
    assert case["sla"][0]["provisional"] is True
    bad = admin.post("/admin/calendar/2027", {"holidays": "2027-01-01 2027-13-01", "workdays": "", "source_ref": ""})
    assert bad.status_code == 422 and 'class="problems"' in bad.get_data(as_text=True)
    estimate = estimate_year(2027).to_dict()
    holidays = estimate["holidays"] + ["2027-01-04"]  # the notice gives one more day off than the estimate
    loaded = admin.post("/admin/calendar/2027", {"holidays": ", ".join(holidays[:3]) + "\n" + " ".join(holidays[3:]),
                                                 "workdays": "", "source_ref": "国办发明电〔2026〕1号"})
    text = loaded.get_data(as_text=True)
    assert loaded.status_code == 200 and "已载入 2027 年正式安排;重新计算了 1 个期限" in text
    assert case["id"][:8] in text
    row = _one(select(CalendarYear).where(CalendarYear.year == 2027))
    assert row.holidays == sorted(holidays) and row.loaded_by == "admin"
    after = api.ok("GET", f"/requests/{case['id']}", "zrzy_sun")["sla"][0]
    assert after["provisional"] is False and after["due_date"] > case["sla"][0]["due_date"]

    # PUT semantics: a file replaces the whole year
    upload = {"file": (io.BytesIO(json.dumps({"source_ref": "国办发明电〔2026〕2号", "holidays": estimate["holidays"],
                                              "workdays": []}).encode()), "2027.json")}
    assert admin.post("/admin/calendar/2027", upload, content_type="multipart/form-data").status_code == 200
    assert _one(select(CalendarYear).where(CalendarYear.year == 2027)).holidays == estimate["holidays"]


def test_process_definitions_list_upload_and_editor_endpoints(demo):
    admin = Pages(demo, "admin")
    page = admin.text("/admin/processes")
    assert 'data-key="share_request"' in page and 'data-version="1"' in page
    xml = (ROOT / "bpmn" / "purchase_request.bpmn").read_bytes()
    token = admin.csrf()
    headers = {"X-CSRFToken": token, "Content-Type": "application/xml", "Accept": "application/json"}

    assert admin.get("/admin/bpmn/purchase_request/xml").get_data() == xml
    ok = admin.client.post("/admin/bpmn/purchase_request/validate", data=xml, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["ok"] is True

    bad = xml.replace(b'decide("granted", decision="approve")', b"__import__('os')")
    refused = admin.client.post("/admin/bpmn/purchase_request/validate", data=bad, headers=headers)
    body = refused.get_json()
    assert refused.status_code == 400 and body["code"] == "invalid_bpmn"
    assert body["details"]["element"] == "approve_purchase" and "流程模型无效" in body["message"]
    no_lane = xml.replace(b'<bpmn:lane id="applicant" ', b'<bpmn:lane id="buyer" ')
    assert admin.client.post("/admin/bpmn/purchase_request/validate", data=no_lane,
                             headers=headers).get_json()["details"]["element"] == "buyer"

    without_token = admin.client.post("/admin/bpmn/purchase_request/deploy", data=xml,
                                      headers={"Content-Type": "application/xml", "Accept": "application/json"})
    assert without_token.status_code == 400 and without_token.get_json()["error"]["code"] == "csrf_failed"
    no_note = admin.client.post("/admin/bpmn/purchase_request/deploy", data=xml, headers=headers)
    assert no_note.status_code == 422 and no_note.get_json()["details"] == {"note": ["required"]}
    deployed = admin.client.post("/admin/bpmn/purchase_request/deploy?note=改名", data=xml.replace("购买社会数据审批".encode(), "采购审批".encode()),
                                 headers=headers)
    assert deployed.status_code == 200 and deployed.get_json()["items"] == [{"key": "purchase_request", "version": 2}]
    latest = _one(select(ProcessDefinition).where(ProcessDefinition.key == "purchase_request",
                                                  ProcessDefinition.version == 2))
    assert latest.deployed_by == "admin" and latest.elements["purchase_review"]["name"] == "采购审批"
    assert latest.note == "改名"
    db.session.remove()

    upload = {"file": (io.BytesIO(b"<not-bpmn/>"), "x.bpmn"), "note": "试一试"}
    refused = admin.post("/admin/processes", upload, content_type="multipart/form-data")
    assert refused.status_code == 400 and "流程模型无效" in refused.get_data(as_text=True)
    assert Pages(demo, "auditor").get("/admin/bpmn/share_request").status_code == 403
    assert Pages(demo, "auditor").get("/admin/bpmn/share_request/xml").status_code == 200


def test_incidents_page_lists_and_retries_failed_timers(demo, api):
    from app.models import TimerJob

    case = api.share("zrzy_sun", "GA-HJ-001")
    job = _one(select(TimerJob).where(TimerJob.case_id == case["id"]))
    db.session.query(TimerJob).filter_by(id=job.id).update(
        {"state": "incident", "attempts": 3, "last_error": "engine_error: 模拟故障"})
    db.session.commit()
    admin = Pages(demo, "admin")
    page = admin.text("/admin/incidents")
    assert "模拟故障" in page and job.id in page
    assert admin.post("/admin/incidents", {"job": job.id}).status_code == 302
    assert _one(select(TimerJob).where(TimerJob.id == job.id)).state == "waiting"
    assert "没有待处理的故障" in admin.text("/admin/incidents")
    assert Pages(demo, "ga_wang").get("/admin/incidents").status_code == 403
