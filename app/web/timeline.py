"""A case's audit events as the auditor steps through them on the diagram: each step names
the BPMN element its event happened at (when it is one of the model's elements)."""
from __future__ import annotations

from app.engine.path import taken
from app.models import Case
from app.services import engine
from app.web.case_view import history


def steps(case: Case) -> list[dict]:
    """History lines plus ``marks``: the diagram elements of each event (the start event for
    ``case_started``, whose recorded element is the process key)."""
    elements = case.definition.elements or {}
    starts = [eid for eid, info in elements.items() if info.get("type") == "startEvent"]
    out = []
    for line in history(case):
        if line["type"] == "case_started":
            marks = starts
        elif line["element"] in elements:
            marks = [line["element"]]
        else:
            marks = []
        out.append({**line, "marks": marks})
    return out


def as_json(lines: list[dict]) -> list[dict]:
    """What the diagram script needs, JSON-ready."""
    return [{"seq": s["seq"], "at": s["at"].isoformat(), "actor": s["actor"], "type": s["type"],
             "what": s["what"], "where": s["where"], "marks": s["marks"]} for s in lines]


def path(case: Case) -> dict:
    """The elements the stored workflow completed (up to an end event) and where it stands."""
    if not case.workflow_state:
        return {"elements": [], "current": []}
    return taken(engine().load(engine().spec(case.definition), case.workflow_state))
