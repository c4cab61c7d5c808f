"""What each human task's ``complete`` accepts, as JSON Schema (API.md "Task forms").

The same schema is shown to clients (GET /tasks/{id} ``form``) and enforced on completion,
so the two cannot drift. Forms are keyed by the BPMN element id of the user task.
"""
from __future__ import annotations

from jsonschema import Draft202012Validator

from app.errors import invalid

_TEXT = {"type": "string", "minLength": 1, "maxLength": 4000}
_REASON = {**_TEXT, "pattern": r"\S"}


def _decision(*choices: str, negative: str, extra: dict | None = None) -> dict:
    """A decision form whose negative choice requires a reason (说明理由)."""
    return {
        "type": "object",
        "properties": {"decision": {"enum": list(choices)}, "reason": _REASON, **(extra or {})},
        "required": ["decision"],
        "additionalProperties": False,
        "if": {"properties": {"decision": {"const": negative}}},
        "then": {"required": ["reason"]},
    }


FORMS: dict[str, dict] = {
    "provider_review": _decision("approve", "refuse", negative="refuse", extra={"conditions": _TEXT}),
    "green_review": _decision("approve", "refuse", negative="refuse"),
    "dispatch_feedback": _decision("can_aggregate", "cannot", negative="cannot"),
    "extension_approval": _decision("approve", "refuse", negative="refuse"),
    "purchase_review": _decision("approve", "refuse", negative="refuse"),
    "aggregation": {"type": "object", "properties": {"done": {"const": True}, "note": _TEXT},
                    "required": ["done"], "additionalProperties": False},
    "catalog_registration": {"type": "object", "properties": {"resource": {"type": "string", "minLength": 1,
                                                                            "maxLength": 64}},
                             "required": ["resource"], "additionalProperties": False},
    "coordinate_overdue": {"type": "object", "properties": {"resolution": _REASON},
                           "required": ["resolution"], "additionalProperties": False},
}
_ANY = {"type": "object", "additionalProperties": True}
# Fields a model's scripts may read after the task: absent optional ones become None.
_DEFAULTS = {key: {name: None for name in form.get("properties", {})} for key, form in FORMS.items()}


def form_for(task_key: str) -> dict:
    return FORMS.get(task_key, _ANY)


def validate(task_key: str, data) -> dict:
    """The completion data, checked and with absent optional fields set to None; 422 if bad."""
    schema = form_for(task_key)
    errors = sorted(Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        details = {_field(e): e.message for e in errors}
        if any(e.validator == "required" and "'reason'" in e.message for e in errors):
            raise invalid("reason_required", details)
        raise invalid("validation_error", details)
    return {**_DEFAULTS.get(task_key, {}), **data}


def _field(error) -> str:
    if error.validator == "required":
        return error.message.split("'")[1]
    return ".".join(str(p) for p in error.path) or "_"
