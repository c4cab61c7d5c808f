"""Bounded work: hostile models deployed over HTTP fail fast with the documented error
(400 ``invalid_bpmn`` at deploy when the bound is a constant, 422 ``engine_limit`` at run time),
nothing is stored, and another user's request is answered meanwhile."""
import threading
import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Case


def _deploy(api, xml: str | bytes):
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    return api.post("/process-definitions", "admin", data=data, content_type="application/xml")


def _share_model(body: str, first: str) -> str:
    """A new version of ``share_request`` whose start runs ``body`` (flow nodes) from ``first``
    on to a provider review."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="urn:t">
  <bpmn:process id="share_request" name="恶意流程" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="provider" name="提供单位"><bpmn:flowNodeRef>review</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="{first}" />
    {body}
    <bpmn:userTask id="review" name="审核" />
    <bpmn:sequenceFlow id="f9" sourceRef="review" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>"""


ENDLESS_LOOP = _share_model("""
    <bpmn:scriptTask id="spin" name="空转"><bpmn:script>n = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f1" sourceRef="spin" targetRef="again" />
    <bpmn:exclusiveGateway id="again" default="back" />
    <bpmn:sequenceFlow id="out" sourceRef="again" targetRef="review"><bpmn:conditionExpression>n == 2</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="back" sourceRef="again" targetRef="spin" />""", "spin")


def _multi(cardinality: str) -> str:
    return _share_model(f"""
    <bpmn:scriptTask id="fan" name="多实例">
      <bpmn:multiInstanceLoopCharacteristics isSequential="false">
        <bpmn:loopCardinality>{cardinality}</bpmn:loopCardinality>
      </bpmn:multiInstanceLoopCharacteristics>
      <bpmn:script>x = 1</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f1" sourceRef="fan" targetRef="review" />""", "fan")


def _standard_loop(maximum: str = "", condition: str = "True") -> str:
    attr = f' loopMaximum="{maximum}"' if maximum else ""
    return _share_model(f"""
    <bpmn:scriptTask id="rounds" name="循环">
      <bpmn:standardLoopCharacteristics{attr}><bpmn:loopCondition>{condition}</bpmn:loopCondition></bpmn:standardLoopCharacteristics>
      <bpmn:script>x = 1</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f1" sourceRef="rounds" targetRef="review" />""", "rounds")


def _timer(duration: str) -> str:
    return _share_model(f"""
    <bpmn:scriptTask id="prep" name="准备"><bpmn:script>wait = {duration}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f1" sourceRef="prep" targetRef="pause" />
    <bpmn:intermediateCatchEvent id="pause" name="等待">
      <bpmn:timerEventDefinition><bpmn:timeDuration>wait</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="pause" targetRef="review" />""", "prep")


def _script(source: str) -> str:
    return _share_model(f"""
    <bpmn:scriptTask id="grow" name="膨胀"><bpmn:script>{source}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f1" sourceRef="grow" targetRef="review" />""", "grow")


def _cases() -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


def _refused_fast(api, xml: str, element: str):
    """Deploy ``xml``, file a share request on it: 422 engine_limit naming ``element`` in
    under a second, no case stored, and another user's read answered meanwhile."""
    assert _deploy(api, xml).status_code == 201
    other = api.token("ga_wang")  # log in before the race: the thread only reads
    answers = []

    def read():
        answers.append(api.client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {other}"}).status_code)

    before = _cases()
    reader = threading.Thread(target=read)
    started = time.monotonic()
    reader.start()
    resp = api.post("/share-requests", "zrzy_sun", json={"resource": "GA-HJ-001", "purpose": "履行法定职责"})
    elapsed = time.monotonic() - started
    reader.join(5)
    body = resp.get_json()
    assert resp.status_code == 422, body
    assert body["error"]["code"] == "engine_limit" and body["error"]["details"]["element"] == element, body
    assert elapsed < 1.0, elapsed
    assert answers == [200]
    assert _cases() == before
    assert api.get("/tasks", "ga_wang").status_code == 200
    return body


def test_an_endless_gateway_loop_stops_at_the_round_limit(api):
    body = _refused_fast(api, ENDLESS_LOOP, "spin")
    assert "200 loop rounds" in body["error"]["message"]


def test_steps_per_command_are_bounded(api, monkeypatch):
    """A smaller DSF_MAX_ENGINE_STEPS (the knob) stops a long chain of automatic steps."""
    from app.engine.limits import Limits
    from app.engine.runner import Engine

    monkeypatch.setitem(api.app.extensions, "dsf_engine", Engine(Limits(max_steps=50)))
    body = _refused_fast(api, ENDLESS_LOOP, "spin")
    assert "50 engine steps" in body["error"]["message"]


def test_a_large_constant_cardinality_is_refused_at_deploy(api):
    resp = _deploy(api, _multi("1000000"))
    assert resp.status_code == 400
    error = resp.get_json()["error"]
    assert error["code"] == "invalid_bpmn" and error["details"]["element"] == "fan"


def test_a_computed_cardinality_over_the_limit_is_refused_at_run_time(api):
    _refused_fast(api, _multi("len(range(5000))"), "fan")


def test_loop_rounds_are_bounded(api):
    assert _deploy(api, _standard_loop(maximum="100000")).status_code == 400
    _refused_fast(api, _standard_loop(), "rounds")


@pytest.mark.parametrize("duration", ['"P200000Y"', '"P11Y"', '"R/P1D/P400000M"'])
def test_timer_durations_over_ten_years(api, duration):
    resp = _deploy(api, _timer(duration).replace("<bpmn:timeDuration>wait", f"<bpmn:timeDuration>{duration}"))
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "invalid_bpmn"
    assert resp.get_json()["error"]["details"]["element"] == "pause"
    _refused_fast(api, _timer(duration), "pause")


def test_a_ten_year_timer_is_allowed(api):
    assert _deploy(api, _timer('"P9Y11M"')).status_code == 201
    case = api.share("zrzy_sun", "GA-HJ-001")
    assert [t["task_key"] for t in case["open_tasks"]] == [] or case["status"] == "pending"


def test_script_text_is_bounded_by_the_case_data_limit(api):
    # five 200 000-character strings: each passes the per-operation limit, together 1 MB
    source = "\n".join(f"s{i} = 'a' * 200000" for i in range(6))
    _refused_fast(api, _script(source), "grow")


def test_tuple_keys_and_deep_data_do_not_500(api):
    assert _deploy(api, _script("d = {(1, 2): 3}")).status_code == 201
    resp = api.post("/share-requests", "zrzy_sun", json={"resource": "GA-HJ-001", "purpose": "履行法定职责"})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "engine_error"
    deep = "x = []\nfor i in range(5000):\n    x = [x]"
    assert _deploy(api, _script(deep)).status_code == 201
    resp = api.post("/share-requests", "zrzy_sun", json={"resource": "GA-HJ-001", "purpose": "履行法定职责"})
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["error"]["code"] in ("engine_limit", "engine_error")


def _plain_model(encoding: str = "UTF-8") -> str:
    return _script("x = 1").replace('encoding="UTF-8"', f'encoding="{encoding}"')


def test_only_utf8_xml_deploys(api):
    utf16 = _deploy(api, _plain_model("UTF-16").encode("utf-16"))
    assert utf16.status_code == 400 and utf16.get_json()["error"]["code"] == "invalid_bpmn"
    latin = _deploy(api, _plain_model("ISO-8859-1").encode("latin-1", "xmlcharrefreplace"))
    assert latin.status_code == 400 and "UTF-8" in latin.get_json()["error"]["message"]
    assert _deploy(api, _plain_model()).status_code == 201


def test_a_dtd_hidden_by_utf7_is_refused(api):
    xml = (b'<?xml version="1.0" encoding="UTF-7"?>'
           b'+ADw-!DOCTYPE d +AFs-+ADw-!ENTITY e SYSTEM "file:///etc/passwd"+AD4-+AF0-+AD4-'
           + _plain_model().split("?>", 1)[1].encode("ascii", "xmlcharrefreplace"))
    resp = _deploy(api, xml)
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "invalid_bpmn"
    internal = _plain_model().replace("?>", '?><!DOCTYPE x [<!ENTITY a "b">]>', 1)
    resp = _deploy(api, internal)
    assert resp.status_code == 400 and "DTD" in resp.get_json()["error"]["message"]
