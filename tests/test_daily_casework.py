"""Comments (public and internal) and attachments (checked by content and size, stored by
SHA-256 outside the row, served under the request's access rules) on a request."""
import hashlib
import io
import os
import zipfile

from app.models import CaseAttachment
from app.extensions import db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def _zip(*parts: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for part in parts:
            z.writestr(part, "<x/>")
    return out.getvalue()


def _upload(api, case_id, user, content, name):
    return api.post(f"/requests/{case_id}/attachments", user,
                    data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def _history(api, case_id, type_):
    return [e for e in api.ok("GET", f"/requests/{case_id}/history", "auditor")["events"] if e["type"] == type_]


def test_internal_comments_stay_with_the_handling_departments(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    cid = case["id"]
    public = api.ok("POST", f"/requests/{cid}/comments", "zrzy_sun", 201, json={"text": "请尽快审核"})
    assert public["internal"] is False and public["author"] == "zrzy_sun"
    assert api.post(f"/requests/{cid}/comments", "zrzy_sun",
                    json={"text": "x", "internal": True}).status_code == 403
    api.ok("POST", f"/requests/{cid}/comments", "ga_wang", 201, json={"text": "需核实用途", "internal": True})
    api.ok("POST", f"/requests/{cid}/comments", "ga_wang", 201, json={"text": "已收到,审核中"})
    assert [c["text"] for c in api.ok("GET", f"/requests/{cid}/comments", "zrzy_sun")["items"]] == [
        "请尽快审核", "已收到,审核中"]
    for reader in ("ga_chen", "auditor", "admin"):
        assert api.ok("GET", f"/requests/{cid}/comments", reader)["total"] == 3
    assert api.get(f"/requests/{cid}/comments", "gs_zhou").status_code == 404
    assert api.post(f"/requests/{cid}/comments", "auditor", json={"text": "x"}).status_code == 403
    assert api.post(f"/requests/{cid}/comments", "ga_wang", json={"text": ""}).status_code == 422
    events = _history(api, cid, "comment_added")
    assert [(e["actor"], e["data"]["internal"]) for e in events] == [
        ("zrzy_sun", False), ("ga_wang", True), ("ga_wang", False)]
    assert all("需核实用途" not in str(e["data"]) for e in events)


def test_attachments_by_content_with_their_sha256_audited(api, app):
    case = api.share("zrzy_sun", "GA-HJ-001")
    cid = case["id"]
    resp = _upload(api, cid, "zrzy_sun", PDF, "公函.pdf")
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    digest = hashlib.sha256(PDF).hexdigest()
    assert (body["name"], body["size"], body["sha256"]) == ("公函.pdf", len(PDF), digest)
    # stored outside the row, under its hash
    with app.app_context():
        path = os.path.join(app.config["DSF_FILES_DIR"], digest[:2], digest)
        assert open(path, "rb").read() == PDF
        assert not hasattr(db.session.get(CaseAttachment, body["id"]), "content")
    [event] = _history(api, cid, "attachment_added")
    assert event["data"]["sha256"] == digest and event["data"]["size"] == len(PDF)
    # by content, not by name: each accepted type, and a text file called .pdf refused
    for content, name in ((PNG, "scan"), (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "photo.JPG"),
                          (_zip("[Content_Types].xml", "word/document.xml"), "申请.docx"),
                          (_zip("[Content_Types].xml", "xl/workbook.xml"), "清单.xlsx"),
                          (_zip("OFD.xml", "Doc_0/Document.xml"), "公文.ofd")):
        assert _upload(api, cid, "ga_wang", content, name).status_code == 201, name
    kinds = [e["data"]["type"] for e in _history(api, cid, "attachment_added")]
    assert kinds == ["pdf", "png", "jpg", "docx", "xlsx", "ofd"]
    fake = _upload(api, cid, "zrzy_sun", b"MZ\x90\x00 not a pdf", "看我.pdf")
    assert fake.status_code == 422 and fake.get_json()["error"]["code"] == "file_type"
    assert _upload(api, cid, "zrzy_sun", _zip("a.txt"), "x.docx").status_code == 422
    big = PDF + b"0" * (20 * 2**20)
    too_big = _upload(api, cid, "zrzy_sun", big, "big.pdf")
    assert too_big.status_code == 413
    assert api.post(f"/requests/{cid}/attachments", "zrzy_sun", data={},
                    content_type="multipart/form-data").status_code == 422
    assert _upload(api, cid, "auditor", PDF, "a.pdf").status_code == 403
    assert len(_history(api, cid, "attachment_added")) == 6
    # served with the case's access rules
    listed = api.ok("GET", f"/requests/{cid}/attachments", "ga_chen")["items"]
    assert [a["name"] for a in listed][:2] == ["公函.pdf", "scan"]
    got = api.get(f"/attachments/{body['id']}", "ga_chen")
    assert got.status_code == 200 and got.data == PDF and got.mimetype == "application/pdf"
    assert api.get(f"/attachments/{body['id']}", "auditor").status_code == 200
    assert api.get(f"/attachments/{body['id']}", "gs_zhou").status_code == 404
    assert api.get(f"/attachments/{body['id']}", "citizen_he").status_code == 404
