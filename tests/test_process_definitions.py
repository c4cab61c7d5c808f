"""Deploying BPMN: versioning, running cases stay on their version, hostile models refused."""
import pathlib

import pytest

from app.extensions import db
from app.models import ProcessDefinition

SHARE = (pathlib.Path(__file__).resolve().parents[1] / "bpmn" / "share_request.bpmn").read_text("utf-8")


def _deploy(api, xml: str | bytes):
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    return api.post("/process-definitions", "admin", data=data, content_type="application/xml")


def _model(script: str = 'decide("granted")', timer: str | None = None, lane: str = "provider",
           condition: str = 'x == 1') -> str:
    timer_xml = ""
    if timer is not None:
        timer_xml = f"""<bpmn:boundaryEvent id="late" attachedToRef="review" cancelActivity="false">
          <bpmn:timerEventDefinition><bpmn:timeDate>{timer}</bpmn:timeDate></bpmn:timerEventDefinition>
        </bpmn:boundaryEvent>"""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="urn:t">
  <bpmn:process id="probe" name="测试流程" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="{lane}" name="泳道"><bpmn:flowNodeRef>review</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:scriptTask id="work" name="脚本"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="gw" />
    <bpmn:exclusiveGateway id="gw" default="f4" />
    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="review">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="review" />
    <bpmn:userTask id="review" name="审核" />
    {timer_xml}
    <bpmn:sequenceFlow id="f5" sourceRef="review" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>"""


def test_a_valid_model_deploys_as_version_1_then_2(api):
    first = api.ok("POST", "/process-definitions", "admin", 201, data=_model().encode(),
                   content_type="application/xml")
    second = api.ok("POST", "/process-definitions", "admin", 201, data=_model().encode(),
                    content_type="application/xml")
    assert (first["key"], first["version"], second["version"]) == ("probe", 1, 2)
    listed = api.ok("GET", "/process-definitions", "admin")["items"]
    assert ("probe", 2) in {(d["key"], d["version"]) for d in listed}
    assert [d["key"] for d in listed].count("probe") == 1
    every = api.ok("GET", "/process-definitions?all=true", "admin")["items"]
    assert [d["version"] for d in every if d["key"] == "probe"] == [1, 2]
    xml = api.get("/process-definitions/probe/xml?version=1", "admin")
    assert xml.status_code == 200 and b'id="probe"' in xml.data


def test_multipart_upload(api):
    from io import BytesIO

    resp = api.post("/process-definitions", "admin", data={"file": (BytesIO(_model().encode()), "m.bpmn")},
                    content_type="multipart/form-data")
    assert resp.status_code == 201, resp.get_json()


def test_running_cases_stay_on_their_version(api):
    old = api.share("zrzy_sun", "GA-HJ-001")
    renamed = SHARE.replace('name="提供单位审核"', 'name="提供单位审核(新版)"')
    assert _deploy(api, renamed).status_code == 201
    new = api.share("zrzy_sun", "GA-HJ-001")
    assert (old["process"]["version"], new["process"]["version"]) == (1, 2)
    assert new["open_tasks"][0]["name"] == "提供单位审核(新版)"
    done = api.ok("POST", f"/tasks/{old['open_tasks'][0]['id']}/complete", "ga_wang", json={"decision": "approve"})
    assert done["status"] == "granted" and done["process"]["version"] == 1


HOSTILE_SCRIPTS = [
    '__import__("os").system("id")',
    "import os",
    "from os import path",
    "x = ().__class__.__base__.__subclasses__()",
    'x = getattr(decide, "__globals__")',
    'eval("1")',
    'exec("x = 1")',
    'open("/etc/passwd").read()',
    "while True:\n    pass",
    "def f():\n    return 1",
    'x = "{0.__class__}".format(1)',
    "x = 10 ** 10 ** 10",
    "x = globals()",
]


@pytest.mark.parametrize("script", HOSTILE_SCRIPTS)
def test_hostile_scripts_are_refused_naming_the_element(api, script):
    before = db.session.query(ProcessDefinition).count()
    resp = _deploy(api, _model(script=script.replace("<", "&lt;")))
    assert resp.status_code == 400, resp.get_json()
    err = resp.get_json()["error"]
    assert err["code"] == "invalid_bpmn" and err["details"]["element"] == "work"
    assert err["details"]["line"] >= 1
    assert db.session.query(ProcessDefinition).count() == before


def test_hostile_timer_expression_is_refused(api):
    resp = _deploy(api, _model(timer='__import__("os").system("touch /tmp/pwned")'))
    assert resp.status_code == 400
    assert resp.get_json()["error"]["details"]["element"] == "late"


def test_hostile_condition_is_refused(api):
    resp = _deploy(api, _model(condition="x.__class__ == 1"))
    assert resp.status_code == 400
    assert resp.get_json()["error"]["details"]["element"] == "f3"


def test_lane_without_a_role_is_refused(api):
    resp = _deploy(api, _model(lane="nobody"))
    assert resp.status_code == 400
    assert resp.get_json()["error"]["details"]["element"] == "nobody"


XXE = """<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="p" isExecutable="true"><bpmn:documentation>&xxe;</bpmn:documentation></bpmn:process>
</bpmn:definitions>"""
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">&lol3;</bpmn:definitions>"""


@pytest.mark.parametrize("xml", [XXE, BILLION_LAUGHS, "not xml at all", "<a><b></a>",
                                 '<?xml version="1.0"?><other xmlns="urn:x"/>',
                                 SHARE.replace('isExecutable="true"', 'isExecutable="false"'),
                                 SHARE.replace('targetRef="provider_review"', 'targetRef="missing_node"')])
def test_unsafe_or_broken_xml_is_400(api, xml):
    resp = _deploy(api, xml)
    assert resp.status_code == 400, resp.get_json()
    assert resp.get_json()["error"]["code"] == "invalid_bpmn"


def test_too_large_model_is_413(api):
    resp = _deploy(api, _model() + "<!--" + "x" * (2 * 1024 * 1024) + "-->")
    assert resp.status_code == 413


def test_wrong_content_type_is_415(api):
    assert api.post("/process-definitions", "admin", json={"xml": "x"}).status_code == 415


def test_only_admins_deploy(api):
    assert api.post("/process-definitions", "ga_wang", data=_model().encode(),
                    content_type="application/xml").status_code == 403


def test_a_script_that_runs_away_at_run_time_is_stopped_and_changes_nothing(api):
    from app.models import AuditEvent, Case

    heavy = SHARE.replace('sla_start("provider_review", "提供单位审核", 10,',
                          'spin = [i * j for i in range(5000) for j in range(5000)]\nsla_start("provider_review", "提供单位审核", 10,')
    assert heavy != SHARE
    assert _deploy(api, heavy).status_code == 201
    api.token("zrzy_sun")  # logging in is audited: done before counting
    before = (db.session.query(Case).count(), db.session.query(AuditEvent).count())
    resp = api.post("/share-requests", "zrzy_sun", json={"resource": "GA-HJ-001", "purpose": "x"})
    assert resp.status_code == 422, resp.get_json()
    err = resp.get_json()["error"]
    assert err["code"] == "engine_error" and err["details"]["element"] == "start_review_clock"
    assert (db.session.query(Case).count(), db.session.query(AuditEvent).count()) == before
