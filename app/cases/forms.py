"""What each human task's ``complete`` accepts, as JSON Schema (API.md "Task forms").

The same schema is shown to clients (GET /tasks/{id} ``form``) and enforced on completion,
so the two cannot drift. Forms are keyed by the BPMN element id of the user task, or by the
form it names with ``dsf:form`` (so a task renamed in a new version keeps its form).
"""
from __future__ import annotations

from jsonschema import Draft202012Validator

from app.errors import invalid

_TEXT = {"type": "string", "minLength": 1, "maxLength": 4000}
_REASON = {**_TEXT, "pattern": r"\S"}


def _decision(*choices: str, negative: str, extra: dict | None = None, field: str = "decision") -> dict:
    """A decision form whose negative choice requires a reason (说明理由)."""
    return {
        "type": "object",
        "properties": {field: {"enum": list(choices)}, "reason": _REASON, **(extra or {})},
        "required": [field],
        "additionalProperties": False,
        "if": {"properties": {field: {"const": negative}}},
        "then": {"required": ["reason"]},
    }


_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
REPLY_TYPES = ("already_public", "disclosed", "partially_disclosed", "not_disclosed", "not_exist",
               "not_our_agency", "duplicate", "special_law",
               "not_processed",      # Art. 35: manifestly excessive, 不予处理
               "no_new_processing",  # Art. 38: would need new processing or analysis
               "not_gior")           # Art. 39: not a disclosure request; told the proper channel
NEGATIVE_REPLIES = ("not_disclosed", "not_processed", "no_new_processing")
# Reply types that must state their reasons (Art. 36, 37; 36(5) also names the competent agency).
REASONED_REPLIES = ("not_disclosed", "partially_disclosed", "not_our_agency", "not_processed", "no_new_processing")
ACTIONS = ("reply", "request_supplement", "consult_third_party", "consult_agency", "request_extension",
           "longer_period")
LONGER_PERIOD_MAX = 40  # Art. 35 says "合理期限": the upper bound is a local choice (bpmn/README.md)


def _when(field: str, value: str, *required: str) -> dict:
    return {"if": {"properties": {field: {"const": value}}, "required": [field]},
            "then": {"required": list(required)}}


# 依申请开放审核: what each action needs (API.md "Task forms"; 政府信息公开条例 Art. 30-39).
_OPEN_DATA_REVIEW = {
    "type": "object",
    "properties": {
        "action": {"enum": list(ACTIONS)},
        "reply_type": {"enum": list(REPLY_TYPES)},
        "content": _TEXT, "reason": _REASON, "agency": _TEXT, "items": _TEXT, "third_party": _TEXT,
        "proper_channel": _TEXT,
        "supplement_days": {"type": "integer", "minimum": 1, "maximum": 30},
        "extension_days": {"type": "integer", "minimum": 1, "maximum": LONGER_PERIOD_MAX},
    },
    "required": ["action"],
    "additionalProperties": False,
    "allOf": [
        _when("action", "reply", "reply_type", "content"),
        *(_when("reply_type", kind, "reason") for kind in REASONED_REPLIES),
        _when("reply_type", "not_our_agency", "agency"),
        _when("reply_type", "not_gior", "proper_channel"),
        _when("action", "request_supplement", "items", "supplement_days"),
        _when("action", "consult_third_party", "third_party"),
        _when("action", "consult_agency", "agency"),
        _when("action", "request_extension", "extension_days", "reason"),
        {"if": {"properties": {"action": {"const": "request_extension"}}, "required": ["action"]},
         "then": {"properties": {"extension_days": {"maximum": 20}}}},  # Art. 33 ¶1
        _when("action", "longer_period", "extension_days", "reason"),
    ],
}
_RESOLUTION = {"type": "object", "properties": {"resolution": _REASON},
               "required": ["resolution"], "additionalProperties": False}

FORMS: dict[str, dict] = {
    "provider_review": _decision("approve", "refuse", negative="refuse", extra={"conditions": _TEXT}),
    "green_review": _decision("approve", "refuse", negative="refuse"),
    "dispatch_feedback": _decision("can_aggregate", "cannot", negative="cannot"),
    # 绿色通道: the provider's answer is the Art. 21 answer — agree with its conditions of use
    # (答复意见), or disagree with reasons.
    "green_feedback": {**_decision("approve", "refuse", negative="refuse", extra={"conditions": _REASON}),
                       "allOf": [_when("decision", "approve", "conditions")]},
    "extension_approval": _decision("approve", "refuse", negative="refuse"),
    "purchase_review": _decision("approve", "refuse", negative="refuse"),
    "aggregation": {"type": "object", "properties": {"done": {"const": True}, "note": _TEXT},
                    "required": ["done"], "additionalProperties": False},
    "catalog_registration": {"type": "object", "properties": {"resource": {"type": "string", "minLength": 1,
                                                                            "maxLength": 64}},
                             "required": ["resource"], "additionalProperties": False},
    "confirm_receipt": {"type": "object", "properties": {"received_on": _DATE}, "additionalProperties": False},
    "open_data_review": _OPEN_DATA_REVIEW,
    "third_party_opinion": _decision("agree", "disagree", negative="disagree", field="opinion"),
    "applicant_supplement": {"type": "object", "properties": {"description": _REASON},
                             "required": ["description"], "additionalProperties": False},
    "catalog_review": _decision("approve", "return", negative="return"),
    "security_review": _decision("approve", "return", negative="return"),
    "emergency_review": _decision("approve", "refuse", negative="refuse"),
    "applicant_amendment": {"type": "object", "properties": {"purpose": _REASON, "legal_basis": _REASON,
                                                             "note": _REASON},
                            "required": ["note"], "additionalProperties": False},
    "coordinate_overdue": _RESOLUTION,
    "supervise_overdue": _RESOLUTION,
    "agency_opinion": {"type": "object", "properties": {"opinion": _REASON},
                       "required": ["opinion"], "additionalProperties": False},
    "late_supplement": {"type": "object", "properties": {"description": _REASON, "good_reason": _REASON},
                        "required": ["description", "good_reason"], "additionalProperties": False},
    "accept_late_supplement": _decision("accept", "refuse", negative="refuse"),
    # 数据校核异议 (Art. 18) and its coordination (Art. 23 ¶1)
    "provider_verification": {"type": "object", "properties": {"result": {"enum": ["corrected", "no_error"]},
                                                               "explanation": _REASON},
                              "required": ["result", "explanation"], "additionalProperties": False},
    "objector_review": _decision("accept", "coordinate", negative="coordinate"),
    "coordinate_objection": {"type": "object",
                             "properties": {"finding": {"enum": ["verification_upheld", "correction_ordered"]},
                                            "resolution": _REASON},
                             "required": ["finding", "resolution"], "additionalProperties": False},
    "supervise_verification": _RESOLUTION,
    # 共享告知 (Art. 23 ¶2): each holder acknowledges, saying what it does about it (应对措施)
    "acknowledge_change": {"type": "object", "properties": {"acknowledged": {"const": True}, "measures": _TEXT},
                           "required": ["acknowledged"], "additionalProperties": False},
    "supervise_acknowledgement": _RESOLUTION,
    # 目录动态调整 (Art. 11): closed by naming the catalog changes filed (case ids)
    "file_catalog_update": {"type": "object",
                            "properties": {"done": {"const": True, "x-label": "catalog_update_done"},
                                           "changes": {"type": "array", "minItems": 1, "maxItems": 50,
                                                       "items": {"type": "string", "minLength": 1, "maxLength": 32}},
                                           "note": _TEXT},
                            "required": ["done", "changes"], "additionalProperties": False},
    "supervise_catalog_update": _RESOLUTION,
    "coordinate_refusal": {"type": "object", "properties": {"conclusion": {"enum": ["uphold", "reopen"]},
                                                            "resolution": _REASON},
                           "required": ["conclusion", "resolution"], "additionalProperties": False},
}
_ANY = {"type": "object", "additionalProperties": True}
# Fields a model's scripts may read after the task: absent optional ones become None.
_DEFAULTS = {key: {name: None for name in form.get("properties", {})} for key, form in FORMS.items()}
# Built once: a validator per form (building one per request was a measurable share of a completion).
_VALIDATORS = {key: Draft202012Validator(form) for key, form in FORMS.items()}
_ANY_VALIDATOR = Draft202012Validator(_ANY)


def form_key(elements: dict | None, task_key: str) -> str:
    """The form a user task of a definition uses: its ``dsf:form``, else its own id."""
    return ((elements or {}).get(task_key) or {}).get("form", task_key)


def unknown_forms(elements: dict) -> list[str]:
    """User tasks whose ``dsf:form`` names no form we have (refused at deploy)."""
    return sorted(key for key, info in elements.items() if "form" in (info or {}) and info["form"] not in FORMS)


def form_for(task_key: str) -> dict:
    return FORMS.get(task_key, _ANY)


def validate(task_key: str, data) -> dict:
    """The completion data, checked and with absent optional fields set to None; 422 if bad."""
    validator = _VALIDATORS.get(task_key, _ANY_VALIDATOR)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    if errors:
        details = {_field(e): e.message for e in _leaves(errors)}
        if any(e.validator == "required" and "'reason'" in e.message for e in _leaves(errors)):
            raise invalid("reason_required", details)
        raise invalid("validation_error", details)
    return {**_DEFAULTS.get(task_key, {}), **data}


def _leaves(errors):
    """The innermost errors (``allOf``/``if`` wrap the ones that name a field)."""
    for error in errors:
        yield from (_leaves(error.context) if error.context else [error])


def _field(error) -> str:
    if error.validator == "required":
        return error.message.split("'")[1]
    return ".".join(str(p) for p in error.path) or "_"
