"""The written decision: a Chinese PDF whose text (extracted here) holds the decision, its
reason and the legal basis; for open data, the remedies; only for those who may have it."""
import io

from pypdf import PdfReader

from tests.support import at


def _text(resp) -> str:
    assert resp.status_code == 200, resp.get_data()[:300]
    assert resp.mimetype == "application/pdf" and resp.data.startswith(b"%PDF")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(resp.data)).pages).replace("\n", "")


def test_a_refused_share_request_gets_a_letter_with_reason_and_legal_basis(api):
    case = api.share("zrzy_sun", "GA-HJ-001", purpose="核验户籍")
    assert api.get(f"/requests/{case['id']}/letter.pdf", "zrzy_sun").status_code == 409
    api.set_clock(at(2026, 3, 5, 15))
    task = api.task_of(case, "provider_review")
    api.ok("POST", f"/tasks/{task['id']}/complete", "ga_wang",
           json={"decision": "refuse", "reason": "申请用途超出法定职责范围"})
    text = _text(api.get(f"/requests/{case['id']}/letter.pdf", "zrzy_sun"))
    assert "公共数据共享申请答复书" in text and "东营市公安局" in text
    assert "不予同意" in text and "不同意" in text
    assert "申请用途超出法定职责范围" in text
    assert "《东营市公共数据管理办法》第二十一条" in text
    assert "人口户籍基础信息" in text and "核验户籍" in text and "2026年03月05日" in text
    for reader in ("ga_chen", "auditor", "admin"):
        assert api.get(f"/requests/{case['id']}/letter.pdf", reader).status_code == 200
    assert api.get(f"/requests/{case['id']}/letter.pdf", "gs_zhou").status_code == 404


def test_an_open_data_reply_letter_names_the_remedies(api):
    case = api.ok("POST", "/open-data-requests", "citizen_he", 201, json={
        "resource": "SCJG-XY-002", "purpose": "交易前核验", "description": "某企业信用监管信息", "channel": "online"})
    receipt = api.task_of(case, "confirm_receipt")
    api.ok("POST", f"/tasks/{receipt['id']}/complete", "scjg_liu", json={})
    review = api.task_of(api.ok("GET", f"/requests/{case['id']}", "citizen_he"), "open_data_review")
    done = api.ok("POST", f"/tasks/{review['id']}/complete", "scjg_liu", json={
        "action": "reply", "reply_type": "not_disclosed", "content": "经审查,不予公开",
        "reason": "涉及第三方个人隐私"})
    assert done["status"] == "refused"
    text = _text(api.get(f"/requests/{case['id']}/letter.pdf", "citizen_he"))
    assert "依申请开放答复告知书" in text and "不予公开" in text and "涉及第三方个人隐私" in text
    assert "《中华人民共和国政府信息公开条例》" in text
    assert "行政复议" in text and "行政诉讼" in text
