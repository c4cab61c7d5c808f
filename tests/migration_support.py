"""A second version of share_request for the migration tests: the provider's review renamed
(``provider_review`` -> ``provider_review_v2``, another name, the same clock and form) and its
deadline changed from 10 to 15 working days."""
from __future__ import annotations

import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
RENAMED = "provider_review_v2"
NEW_NAME = "提供单位审核(新版)"


def share_request_v2() -> bytes:
    xml = (ROOT / "bpmn" / "share_request.bpmn").read_text(encoding="utf-8")
    if 'xmlns:dsf=' not in xml:  # the model may declare our extension namespace already
        xml = xml.replace('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"',
                          'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"\n'
                          '                  xmlns:dsf="urn:datashare-flow:bpmn"', 1)
    xml = xml.replace('<bpmn:userTask id="provider_review" name="提供单位审核" />',
                      f'<bpmn:userTask id="{RENAMED}" dsf:clock="provider_review" dsf:form="provider_review" '
                      f'name="{NEW_NAME}" />')
    for before in ('>provider_review<', 'Ref="provider_review"', 'bpmnElement="provider_review"'):
        xml = xml.replace(before, before.replace("provider_review", RENAMED))
    changed = xml.replace('sla_start("provider_review", "提供单位审核", 10,', 'sla_start("provider_review", "提供单位审核", 15,')
    assert changed != xml and f'id="{RENAMED}"' in changed
    return changed.encode("utf-8")
