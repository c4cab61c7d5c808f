"""What changed between two versions of a model, element by element, read from their XML:
elements added and removed (by id), and for those in both what differs — name, lane, type,
script, condition, timer, ``dsf:clock``, flow ends, and the durations the scripts give their
SLA clocks (``sla_start("key", "name", N, ...)``), so a changed deadline is seen at once."""
from __future__ import annotations

import re

from app.engine.deploy import BPMN_NS, DSF_NS, NS, parse_xml

SKIPPED = ("laneSet", "lane", "script", "conditionExpression", "documentation", "incoming", "outgoing",
           "flowNodeRef", "timeDate", "timeDuration", "timeCycle", "terminateEventDefinition")
_DURATION = re.compile(r'sla_(start|extend)\(\s*"([^"]+)"\s*,\s*(?:"[^"]*"\s*,\s*)?([^,)]+)')


def describe(xml: str, key: str) -> dict[str, dict]:
    """Element id -> its comparable facts, for process ``key``."""
    root = parse_xml(xml.encode("utf-8"))
    process = root.find(f"bpmn:process[@id='{key}']", NS)
    if process is None:
        return {}
    lanes = {(ref.text or "").strip(): lane.get("id") for lane in process.iterfind(".//bpmn:lane", NS)
             for ref in lane.iterfind("bpmn:flowNodeRef", NS)}
    out = {}
    for el in process.iter():
        tag = _local(el)
        if el.get("id") is None or tag in SKIPPED or tag.endswith("EventDefinition"):
            continue
        script = _text(el.find("bpmn:script", NS))
        facts = {"type": tag, "name": el.get("name"), "lane": lanes.get(el.get("id")),
                 "clock": el.get(f"{{{DSF_NS}}}clock"), "form": el.get(f"{{{DSF_NS}}}form"), "script": script,
                 "condition": _text(el.find("bpmn:conditionExpression", NS)),
                 "timer": _timer(el), "source": el.get("sourceRef"), "target": el.get("targetRef"),
                 "attached_to": el.get("attachedToRef"), "durations": _durations(script)}
        out[el.get("id")] = {k: v for k, v in facts.items() if v not in (None, {}, "")}
    return out


def diff(old_xml: str, new_xml: str, key: str) -> dict:
    """``{"added", "removed", "changed"}``; each changed element lists ``{field: {"from", "to"}}``."""
    before, after = describe(old_xml, key), describe(new_xml, key)
    changed = []
    for element in sorted(set(before) & set(after)):
        fields = sorted(set(before[element]) | set(after[element]))
        changes = {f: {"from": before[element].get(f), "to": after[element].get(f)} for f in fields
                   if before[element].get(f) != after[element].get(f)}
        if changes:
            changed.append({**_head(element, after[element]), "changes": changes})
    return {"added": [_head(e, after[e]) for e in sorted(set(after) - set(before))],
            "removed": [_head(e, before[e]) for e in sorted(set(before) - set(after))],
            "changed": changed}


def _head(element: str, facts: dict) -> dict:
    return {"element": element, "type": facts["type"], "name": facts.get("name")}


def _local(el) -> str:
    return el.tag.split("}", 1)[1] if isinstance(el.tag, str) and el.tag.startswith(f"{{{BPMN_NS}}}") else ""


def _text(el) -> str | None:
    return (el.text or "").strip() or None if el is not None else None


def _timer(el) -> str | None:
    for kind in ("timeDate", "timeDuration", "timeCycle"):
        found = el.find(f"bpmn:timerEventDefinition/bpmn:{kind}", NS)
        if found is not None:
            return f"{kind}: {_text(found)}"
    return None


def _durations(script: str | None) -> dict:
    """SLA clock -> working days (or the expression giving them), as the script sets them."""
    return {f"{key}{' (+)' if verb == 'extend' else ''}": days.strip()
            for verb, key, days in _DURATION.findall(script or "")}
