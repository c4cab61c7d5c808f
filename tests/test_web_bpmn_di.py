"""The models in bpmn/ carry diagram interchange (DI), so bpmn-js can draw them in the editor
and the audit view; the layout tool adds DI and changes nothing else."""
import pathlib

import pytest
from lxml import etree

from app.web.tools.bpmn_di import BPMN, with_di

ROOT = pathlib.Path(__file__).resolve().parents[1]
MODELS = sorted((ROOT / "bpmn").glob("*.bpmn"))
DI = "http://www.omg.org/spec/BPMN/20100524/DI"
DRAWN = ("sequenceFlow", "lane", "startEvent", "endEvent", "boundaryEvent", "intermediateCatchEvent",
         "intermediateThrowEvent", "userTask", "scriptTask", "serviceTask", "task", "manualTask",
         "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "subProcess",
         "callActivity")


def _semantic(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for diagram in root.findall(f"{{{DI}}}BPMNDiagram"):
        root.remove(diagram)
    etree.cleanup_namespaces(root)
    for el in root.iter():
        if el.tail is not None and not el.tail.strip():
            el.tail = None
    return etree.tostring(root, method="c14n")


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.name)
def test_every_drawn_element_has_di(path):
    root = etree.fromstring(path.read_bytes())
    drawn = {el.get("bpmnElement") for el in root.iter(f"{{{DI}}}BPMNShape", f"{{{DI}}}BPMNEdge")}
    for process in root.iterfind(f"{{{BPMN}}}process"):
        wanted = {el.get("id") for el in process.iter() if isinstance(el.tag, str)
                  and etree.QName(el).localname in DRAWN}
        missing = sorted(wanted - drawn)
        assert not missing, (f"{path.name}: no diagram for {missing}; "
                             "re-run `.venv/bin/python app/web/tools/bpmn_di.py bpmn/*.bpmn`")


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.name)
def test_layout_changes_only_the_diagram(path):
    text = path.read_text(encoding="utf-8")
    laid_out = with_di(text)
    assert _semantic(laid_out.encode("utf-8")) == _semantic(text.encode("utf-8"))
    lanes = etree.fromstring(laid_out.encode("utf-8")).findall(f".//{{{BPMN}}}lane")
    assert lanes == [] or all(lane.findall(f"{{{BPMN}}}flowNodeRef") for lane in lanes)
