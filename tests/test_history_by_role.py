"""History by role (API.md "History by role"): the handling departments, auditors and admins
read every event; the applicant reads a public timeline — filing, receipt, supplement
requests, notices, the decision with its text and reasons — without internal notes, staff
usernames or the third party's identity and opinion. The case page follows the same rule."""
import json

from tests.support import at
from tests.web_support import Pages

APPLY = {"resource": "ZRZY-BDC-001", "purpose": "核实本人房产登记信息", "description": "申请公开本人名下不动产登记信息",
         "channel": "online"}
THIRD_PARTY = "不动产共有人张某某"
STAFF = ("zrzy_officer", "zrzy_head")


def _complete(api, case_id, key, user, body):
    task = api.task_of(api.ok("GET", f"/requests/{case_id}", "auditor"), key)
    return api.ok("POST", f"/tasks/{task['id']}/complete", user, json=body)


def _open_data_case_with_consultation(api) -> str:
    for name in STAFF:
        api.ok("POST", "/users", "admin", 201, json={"username": name, "password": "demo-pass-2026",
                                                     "display_name": f"{name}(自然资源局职员)",
                                                     "department": "DY-ZRZY", "roles": ["approver"]})
    case = api.ok("POST", "/open-data-requests", "citizen_he", 201, json=APPLY)
    _complete(api, case["id"], "confirm_receipt", "zrzy_officer", {})
    _complete(api, case["id"], "open_data_review", "zrzy_officer",
              {"action": "request_supplement", "items": "请提供不动产权证号", "supplement_days": 10})
    api.ok("POST", f"/requests/{case['id']}/supplement", "citizen_he", json={"description": "权证号 鲁(2020)东营市0001号"})
    api.set_clock(at(2026, 3, 4, 10))
    _complete(api, case["id"], "open_data_review", "zrzy_head", {"action": "consult_third_party", "third_party": THIRD_PARTY})
    _complete(api, case["id"], "third_party_opinion", "zrzy_officer", {"opinion": "disagree", "reason": "涉及本人隐私不同意公开"})
    api.set_clock(at(2026, 3, 9, 10))
    done = _complete(api, case["id"], "open_data_review", "zrzy_head",
                     {"action": "reply", "reply_type": "partially_disclosed", "content": "公开登记簿中申请人份额部分",
                      "reason": "共有人份额涉及个人隐私,不予公开"})
    assert done["status"] == "granted"
    return case["id"]


def test_a_citizen_reads_a_public_timeline_without_staff_or_third_party(api):
    case_id = _open_data_case_with_consultation(api)
    public = api.ok("GET", f"/requests/{case_id}/history", "citizen_he")["events"]
    full = api.ok("GET", f"/requests/{case_id}/history", "auditor")["events"]
    text = json.dumps(public, ensure_ascii=False)
    for hidden in (THIRD_PARTY, "涉及本人隐私不同意公开", "zrzy_officer", "zrzy_head", "third_party_opinion",
                   "consult_third_party", "disagree", "task_claimed", "task_created"):
        assert hidden not in text, hidden
    assert THIRD_PARTY in json.dumps(full, ensure_ascii=False)  # the full history keeps it
    # nor does the request itself name the third party (the paused clock gives no name)
    assert THIRD_PARTY not in json.dumps(api.ok("GET", f"/requests/{case_id}", "citizen_he"), ensure_ascii=False)
    assert all(set(e) == {"seq", "at", "type", "element", "actor", "data"} for e in public)  # no hashes
    types = [e["type"] for e in public]
    assert types[0] == "case_started" and types[-1] == "case_decided"
    by_type = {}
    for e in public:
        by_type.setdefault(e["type"], []).append(e)
    assert public[0]["data"]["input"]["description"] == APPLY["description"]
    assert public[0]["actor"] == "citizen_he"  # the applicant's own act
    receipt = next(e for e in by_type["task_completed"] if e["element"] == "confirm_receipt")
    assert receipt["actor"] == "东营市自然资源和规划局" and receipt["data"]["data"] == {"received_on": "2026-03-02"}
    [notice] = by_type["applicant_notified"]
    assert notice["data"]["items"] == "请提供不动产权证号" and notice["data"]["kind"] == "supplement_requested"
    own = next(e for e in by_type["task_completed"] if e["element"] == "applicant_supplement")
    assert own["data"]["data"]["description"].startswith("权证号")
    reply = next(e for e in by_type["task_completed"] if e["element"] == "open_data_review"
                 and e["data"]["data"]["action"] == "reply")
    assert reply["data"]["data"]["content"] == "公开登记簿中申请人份额部分"
    [decided] = by_type["case_decided"]
    assert decided["data"]["outcome"]["reason"] == "共有人份额涉及个人隐私,不予公开"
    assert decided["actor"] == "东营市自然资源和规划局"
    assert {e["seq"] for e in public} <= {e["seq"] for e in full} and len(public) < len(full)
    # the handling department reads everything
    assert api.ok("GET", f"/requests/{case_id}/history", "zrzy_sun")["events"] == full


def test_the_case_page_shows_the_applicant_the_public_timeline(api):
    case_id = _open_data_case_with_consultation(api)
    citizen = Pages(api.app, "citizen_he").text(f"/requests/{case_id}")
    history = citizen[citizen.index('class="grid history"'):]
    for hidden in (THIRD_PARTY, "涉及本人隐私不同意公开", "zrzy_officer", "zrzy_head", "记录第三方意见"):
        assert hidden not in history, hidden
    assert "东营市自然资源和规划局" in history and "共有人份额涉及个人隐私" in citizen
    staff = Pages(api.app, "zrzy_officer").text(f"/requests/{case_id}")
    assert "zrzy_head" in staff and "记录第三方意见" in staff


def test_a_share_applicants_colleague_gets_the_public_timeline_and_the_provider_the_full(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    api.ok("POST", f"/tasks/{task['id']}/claim", "ga_wang")
    api.ok("POST", f"/tasks/{task['id']}/complete", "ga_wang", json={"decision": "refuse", "reason": "用途不明确"})
    public = api.ok("GET", f"/requests/{case['id']}/history", "zrzy_sun")["events"]
    assert [e["type"] for e in public] == ["case_started", "case_decided"]
    assert public[1]["actor"] == "东营市公安局" and public[1]["data"]["outcome"]["reason"] == "用途不明确"
    assert "ga_wang" not in json.dumps(public)
    full = api.ok("GET", f"/requests/{case['id']}/history", "ga_chen")["events"]
    assert "ga_wang" in {e["actor"] for e in full} and all("hash" in e for e in full)
