"""Deploy-time checks of BPMN models: safe XML, a model SpiffWorkflow accepts, scripts in the
restricted language, and lanes that map to a role. Failures name the element and line."""
from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass, field
from datetime import date

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException

from app.engine.limits import Limits, timer_too_long
from app.engine.scripting import ScriptError, check_source

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DSF_NS = "urn:datashare-flow:bpmn"  # our attributes, e.g. dsf:clock or dsf:form on a user task
NS = {"bpmn": BPMN_NS}
_UTF8 = {"UTF-8", "UTF8"}
# (xpath, mode): where BPMN keeps code. Scripts run as statements, the rest as expressions.
_CODE_PLACES = (
    (".//bpmn:scriptTask/bpmn:script", "exec"),
    (".//bpmn:conditionExpression", "eval"),
    (".//bpmn:timeDate", "eval"),
    (".//bpmn:timeDuration", "eval"),
    (".//bpmn:timeCycle", "eval"),
    (".//bpmn:completionCondition", "eval"),
    (".//bpmn:loopCardinality", "eval"),
    (".//bpmn:condition", "eval"),
    (".//bpmn:loopCondition", "eval"),
    (".//bpmn:formalExpression", "eval"),
)


class BpmnInvalid(Exception):
    """A model that must not be deployed; ``details`` says where and why."""

    def __init__(self, problem: str, element: str | None = None, line: int | None = None):
        super().__init__(problem)
        self.problem = problem
        self.details = {k: v for k, v in {"problem": problem, "element": element, "line": line}.items()
                        if v is not None}


@dataclass
class CheckedProcess:
    key: str
    name: str | None
    elements: dict = field(default_factory=dict)  # id -> {"name", "type", "lane"}


def checksum(xml: bytes) -> str:
    return hashlib.sha256(xml).hexdigest()


def parse_xml(xml: bytes):
    """Parse UTF-8 XML without DTDs, entities or network: an XXE or a billion-laughs bomb is
    refused. The parsed document is inspected (its declared encoding, its DTD, entity nodes),
    so no encoding trick (UTF-7, UTF-16) hides markup from the check."""
    try:
        xml.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BpmnInvalid(f"the model must be UTF-8 encoded (invalid byte at offset {exc.start})") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise BpmnInvalid(f"unparsable XML: {exc.msg}", line=exc.lineno) from None
    docinfo = root.getroottree().docinfo
    if (docinfo.encoding or "UTF-8").upper() not in _UTF8:
        raise BpmnInvalid(f"the model must be UTF-8 encoded (declared: {docinfo.encoding})")
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None \
            or any(isinstance(node, etree._Entity) for node in root.iter()):
        raise BpmnInvalid("DTD and entity declarations are not allowed")
    if not isinstance(root.tag, str) or root.tag != f"{{{BPMN_NS}}}definitions":
        raise BpmnInvalid("the document is not a BPMN 2.0 definitions element", line=root.sourceline)
    return root


def check_model(xml: bytes, lane_roles: dict[str, str], limits: Limits | None = None) -> list[CheckedProcess]:
    """Everything a deployment must pass; returns the executable processes found."""
    root = parse_xml(xml)
    _check_code(root)
    _check_constant_limits(root, limits or Limits())
    processes = _executable_processes(root)
    if not processes:
        raise BpmnInvalid("no executable process (isExecutable=\"true\")")
    _check_with_spiff(root, [p.key for p in processes])
    for proc in processes:
        _describe_elements(root, proc, lane_roles)
    return processes


def _check_code(root) -> None:
    for xpath, mode in _CODE_PLACES:
        for node in root.iterfind(xpath, NS):
            source = node.text or ""
            if not source.strip():
                continue
            try:
                check_source(source, mode)
            except ScriptError as exc:
                owner = node.getparent()
                while owner is not None and owner.get("id") is None:
                    owner = owner.getparent()
                element = node.get("id") or (owner.get("id") if owner is not None else None)
                line = (node.sourceline or 0) + max((exc.line or 1) - 1, 0)
                raise BpmnInvalid(f"script not allowed: {exc.message}", element, line) from None


def _constant(node):
    """The value of an expression that is a literal (``200``, ``"P5D"``), else None."""
    try:
        return ast.literal_eval((node.text or "").strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _owner_id(node) -> str | None:
    while node is not None and node.get("id") is None:
        node = node.getparent()
    return node.get("id") if node is not None else None


def _check_constant_limits(root, limits: Limits) -> None:
    """Bounds a model states as constants are refused at deploy (run time checks the rest)."""
    def refuse(problem, node):
        raise BpmnInvalid(problem, _owner_id(node), node.sourceline)

    for node in root.iterfind(".//bpmn:loopCardinality", NS):
        value = _constant(node)
        if isinstance(value, (int, float)) and value > limits.max_instances:
            refuse(f"loop cardinality {value} is over {limits.max_instances}", node)
    for node in root.iterfind(".//bpmn:standardLoopCharacteristics", NS):
        maximum = (node.get("loopMaximum") or "").strip()
        if maximum.isdigit() and int(maximum) > limits.max_instances:
            refuse(f"loopMaximum {maximum} is over {limits.max_instances}", node)
    for xpath in (".//bpmn:timeDuration", ".//bpmn:timeCycle"):
        for node in root.iterfind(xpath, NS):
            problem = timer_too_long(_constant(node))
            if problem:
                refuse(problem, node)


def _executable_processes(root) -> list[CheckedProcess]:
    return [CheckedProcess(p.get("id"), p.get("name"))
            for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable") == "true"]


def _check_with_spiff(root, keys: list[str]) -> None:
    parser = BpmnParser(validator=BpmnValidator())
    try:
        parser.add_bpmn_xml(root, filename="model.bpmn")
        for key in keys:
            parser.get_spec(key)
    except ValidationException as exc:
        raise BpmnInvalid(str(exc.args[0] if exc.args else exc), exc.id or None,
                          exc.line_number or None) from None
    except SpiffWorkflowException as exc:
        raise BpmnInvalid(str(exc)) from None
    except (KeyError, ValueError, TypeError, AttributeError, etree.LxmlError) as exc:
        raise BpmnInvalid(f"model rejected: {exc}") from None


def _describe_elements(root, proc: CheckedProcess, lane_roles: dict[str, str]) -> None:
    """Record each flow node's name and lane; every lane must map to a role we know."""
    node = root.find(f"bpmn:process[@id='{proc.key}']", NS)
    lane_of = {}
    for lane in node.iterfind(".//bpmn:lane", NS):
        if lane.get("id") not in lane_roles:
            raise BpmnInvalid(f"lane '{lane.get('id')}' maps to no role (known: {', '.join(sorted(lane_roles))})",
                              lane.get("id"), lane.sourceline)
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lane_of[(ref.text or "").strip()] = lane.get("id")
    for el in node.iter():
        if not isinstance(el.tag, str) or el.get("id") is None or el.tag == f"{{{BPMN_NS}}}lane":
            continue
        tag = etree.QName(el).localname
        if tag in ("sequenceFlow", "laneSet", "script", "conditionExpression"):
            continue
        proc.elements[el.get("id")] = {"name": el.get("name") or el.get("id"), "type": tag,
                                       "lane": lane_of.get(el.get("id"))}
        if el.get(f"{{{DSF_NS}}}clock"):  # the SLA clock whose due date the task shows
            proc.elements[el.get("id")]["clock"] = el.get(f"{{{DSF_NS}}}clock")
        if el.get(f"{{{DSF_NS}}}form"):  # the form a user task uses, when not the one named by its id
            proc.elements[el.get("id")]["form"] = el.get(f"{{{DSF_NS}}}form")
        if tag == "userTask" and el.get("id") not in lane_of:
            raise BpmnInvalid("a user task must sit in a lane (who works it?)", el.get("id"), el.sourceline)
    proc.elements.setdefault(proc.key, {})["regulations"] = [
        _regulation(el) for el in node.iterfind(f"bpmn:extensionElements/{{{DSF_NS}}}regulation", NS)]


def _regulation(el) -> dict:
    """``<dsf:regulation name= number= validFrom= validUntil=? validitySource=?/>``: the version of
    a regulation the model encodes, so pages can warn once it is no longer in force."""
    found = {"name": el.get("name"), "number": el.get("number"), "valid_from": el.get("validFrom"),
             "valid_until": el.get("validUntil"), "validity_source": el.get("validitySource")}
    if not (found["name"] and found["number"] and found["valid_from"]):
        raise BpmnInvalid("dsf:regulation needs name, number and validFrom", line=el.sourceline)
    for key in ("valid_from", "valid_until"):
        try:
            date.fromisoformat(found[key] or "2000-01-01")
        except ValueError:
            raise BpmnInvalid(f"dsf:regulation {key}: not a date (YYYY-MM-DD)", line=el.sourceline) from None
    return found
