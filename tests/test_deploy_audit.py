"""Deployments are an audited command (API.md "Governance"): each new version appends one
``definition_deployed`` event (key, version, checksum, deployer) in the same unit of work;
the API, the pages, the CLI and the test fixture all go through it."""
import pathlib

from sqlalchemy import select

from app.engine.deploy import checksum
from app.extensions import db
from app.models import AuditEvent, ProcessDefinition
from tests.web_support import Pages

ROOT = pathlib.Path(__file__).resolve().parents[1]
PURCHASE = (ROOT / "bpmn" / "purchase_request.bpmn").read_bytes()


def _deployed(key):
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.type == "definition_deployed",
                                                         AuditEvent.element == key).order_by(AuditEvent.seq)).all()
    db.session.remove()
    return [(e.actor, e.case_id, e.data) for e in events]


def test_the_fixture_deployed_each_model_once_as_system(api):
    for key in ("share_request", "open_data_request", "purchase_request"):
        [(actor, case_id, data)] = _deployed(key)
        definition = db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == key))
        assert (actor, case_id) == ("system", None)
        assert data == {"key": key, "version": 1, "checksum": definition.checksum, "deployed_by": "system"}


def test_an_api_deploy_is_audited_once_per_version_and_the_chain_verifies(api):
    changed = PURCHASE.replace("购买社会数据审批".encode(), "采购审批".encode())
    resp = api.post("/process-definitions", "admin", data=changed, content_type="application/xml")
    assert resp.status_code == 201 and resp.get_json()["version"] == 2
    assert _deployed("purchase_request")[1] == ("admin", None, {
        "key": "purchase_request", "version": 2, "checksum": checksum(changed), "deployed_by": "admin"})
    # a refused model stores nothing and records nothing
    bad = api.post("/process-definitions", "admin", data=b"<not-bpmn", content_type="application/xml")
    assert bad.status_code == 400 and len(_deployed("purchase_request")) == 2
    assert api.ok("GET", "/audit/verify", "auditor")["ok"] is True
    listed = api.ok("GET", "/audit/events?from=2026-03-02&to=2026-03-02", "auditor")["events"]
    assert [e["data"]["version"] for e in listed if e["type"] == "definition_deployed"
            and e["element"] == "purchase_request"] == [1, 2]


def test_a_page_deploy_is_audited(api):
    admin = Pages(api.app, "admin")
    changed = PURCHASE.replace("购买社会数据审批".encode(), "采购审核".encode())
    resp = admin.client.post("/admin/bpmn/purchase_request/deploy?note=改动说明", data=changed, headers={
        "X-CSRFToken": admin.csrf(), "Content-Type": "application/xml", "Accept": "application/json"})
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert [d["version"] for _a, _c, d in _deployed("purchase_request")] == [1, 2]
    assert _deployed("purchase_request")[1][0] == "admin"


def test_the_cli_deploys_changed_models_only_audited_as_system(api, tmp_path):
    (tmp_path / "purchase_request.bpmn").write_bytes(PURCHASE.replace("购买社会数据审批".encode(), "采购".encode()))
    (tmp_path / "share_request.bpmn").write_bytes((ROOT / "bpmn" / "share_request.bpmn").read_bytes())  # unchanged
    result = api.app.test_cli_runner().invoke(args=["bpmn", "deploy", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "deployed purchase_request v2"
    assert [(a, d["version"]) for a, _c, d in _deployed("purchase_request")] == [("system", 1), ("system", 2)]
    assert len(_deployed("share_request")) == 1
    again = api.app.test_cli_runner().invoke(args=["bpmn", "deploy", str(tmp_path)])
    assert again.exit_code == 0 and again.output == "" and len(_deployed("purchase_request")) == 2
    assert api.ok("GET", "/audit/verify", "auditor")["ok"] is True
