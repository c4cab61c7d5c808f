"""Each model names the regulation version it encodes; pages warn once one is past its validity
(the measures' own validity ended on 2026-11-20, Art. 38)."""
import pathlib

import pytest

from tests.support import at
from tests.web_support import Pages

ROOT = pathlib.Path(__file__).resolve().parents[1]
# every model shipped in bpmn/ (the file is named for its process key), new ones included
MODELS = sorted(path.stem for path in (ROOT / "bpmn").glob("*.bpmn"))
MEASURES = {"name": "东营市公共数据管理办法", "number": "东政办发〔2021〕26号", "valid_from": "2021-11-21",
            "valid_until": "2026-11-20", "validity_source": "办法第三十八条"}


def _regulations(api, key):
    from app.cases import definitions, regulations

    return regulations.cited(definitions.latest(key))


def test_the_list_of_models_is_the_whole_directory():
    assert {"catalog_change", "emergency", "coordination", "objection", "change_notice"} <= set(MODELS)


@pytest.mark.parametrize("key", MODELS)
def test_every_model_names_the_measures_it_encodes(api, key):
    assert MEASURES in _regulations(api, key)


def test_the_open_data_model_also_names_the_gior(api):
    gior = [r for r in _regulations(api, "open_data_request") if r["name"] == "中华人民共和国政府信息公开条例"]
    assert gior == [{"name": "中华人民共和国政府信息公开条例", "number": "中华人民共和国国务院令第711号",
                     "valid_from": "2019-05-15", "valid_until": None, "validity_source": None}]


def test_a_regulation_without_a_number_is_refused_at_deploy(api):
    xml = (ROOT / "bpmn" / "purchase_request.bpmn").read_text(encoding="utf-8")
    bad = xml.replace('number="东政办发〔2021〕26号" ', "")
    resp = api.post("/process-definitions", "admin", data=bad.encode("utf-8"), content_type="application/xml")
    assert resp.status_code == 400 and "dsf:regulation" in resp.get_json()["error"]["details"]["problem"]
    bad = xml.replace('validUntil="2026-11-20"', 'validUntil="2026-13-40"')
    resp = api.post("/process-definitions", "admin", data=bad.encode("utf-8"), content_type="application/xml")
    assert resp.status_code == 400


def test_dashboard_and_process_page_warn_after_the_validity_ended(demo, api):
    api.set_clock(at(2026, 11, 20, 12))  # the last day of validity: no warning yet
    assert "regulation-lapsed" not in Pages(demo, "auditor").text("/dashboard")
    assert "regulation-lapsed" not in Pages(demo, "admin").text("/admin/processes")
    api.set_clock(at(2026, 11, 21, 9))
    page = Pages(demo, "auditor").text("/dashboard")
    assert "regulation-lapsed" in page and "东政办发〔2021〕26号" in page and "2026-11-20" in page
    for process in ("共享申请", "依申请开放", "购买社会数据", "数据校核异议", "共享争议协调", "公共数据资源目录变更",
                    "突发事件临时调整共享属性", "共享服务变更告知"):
        assert f"{process}(v1)依据的《东营市公共数据管理办法》(东政办发〔2021〕26号)" in page
    admin = Pages(demo, "admin").text("/admin/processes")
    assert "regulation-lapsed" in admin and "依申请开放(v1)" in admin
    assert "中华人民共和国国务院令第711号" in admin  # cited, not lapsed
    assert "政府信息公开条例》(中华人民共和国国务院令第711号)有效期至" not in admin


def test_a_renewed_model_clears_the_warning(demo, api):
    api.set_clock(at(2026, 12, 4, 9))
    for key in MODELS:
        xml = (ROOT / "bpmn" / f"{key}.bpmn").read_text(encoding="utf-8").replace(
            'validUntil="2026-11-20"', 'validUntil="2031-11-20"')
        api.ok("POST", "/process-definitions", "admin", 201, data=xml.encode("utf-8"), content_type="application/xml")
    assert "regulation-lapsed" not in Pages(demo, "auditor").text("/dashboard")
