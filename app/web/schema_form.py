"""A task's form on a page, drawn from its JSON Schema (app/cases/forms.py): the schema the
server enforces is the one the page shows, so they cannot drift. Choices become radio
buttons or a select, text a textarea; what the server refuses is shown next to its field."""
from __future__ import annotations

import re

from dataclasses import dataclass, field

from flask_babel import gettext as _

from app.web.labels import CHOICES, FIELDS, label

RADIO_LIMIT = 4  # more choices than this: a select


@dataclass
class Field:
    name: str
    label: str
    widget: str                     # radio | select | textarea | date | number | checkbox
    required: bool = False
    choices: list[tuple[str, str]] = field(default_factory=list)
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    hints: list[str] = field(default_factory=list)


def fields_of(schema: dict) -> list[Field]:
    """One Field per property of an object schema, in the schema's order."""
    required = set(schema.get("required", []))
    conditions = _conditional_requirements(schema)
    out = []
    for name, prop in schema.get("properties", {}).items():
        # ``x-label``: a field whose name means something else on this form (``done`` is
        # "aggregation done" elsewhere) names its own label key
        item = Field(name, label(FIELDS, prop.get("x-label", name)), _widget(prop), name in required)
        if "enum" in prop:
            item.choices = [(str(v), label(CHOICES, v)) for v in prop["enum"]]
        item.minimum, item.maximum = prop.get("minimum"), prop.get("maximum")
        item.max_length = prop.get("maxLength")
        item.hints = [_("「%(field)s」为「%(value)s」时必填", field=label(FIELDS, f), value=label(CHOICES, v))
                      for f, v in conditions.get(name, [])]
        out.append(item)
    return out


def _widget(prop: dict) -> str:
    if "enum" in prop:
        return "radio" if len(prop["enum"]) <= RADIO_LIMIT else "select"
    if prop.get("const") is True:
        return "checkbox"
    if prop.get("format") == "date":
        return "date"
    if prop.get("type") == "integer":
        return "number"
    return "textarea"


def _conditional_requirements(schema: dict) -> dict[str, list[tuple[str, str]]]:
    """``if field == value then required [...]`` rules, as field -> [(field, value)]."""
    rules = [schema] + list(schema.get("allOf", []))
    out: dict[str, list[tuple[str, str]]] = {}
    for rule in rules:
        condition, then = rule.get("if", {}).get("properties", {}), rule.get("then", {})
        for name in then.get("required", []):
            for cond_field, spec in condition.items():
                if "const" in spec:
                    out.setdefault(name, []).append((cond_field, spec["const"]))
    return out


def data_from(form, schema: dict) -> dict:
    """The JSON a form POST stands for: empty fields left out, numbers as numbers where they
    parse (otherwise sent as typed, so the server names the field), a ticked box as true."""
    data = {}
    for name, prop in schema.get("properties", {}).items():
        if prop.get("const") is True:
            if form.get(name):
                data[name] = True
            continue
        value = form.get(name, "").strip()
        if value == "":
            continue
        if prop.get("type") == "array":  # one item per line (or separated by commas or spaces)
            data[name] = [item for item in re.split(r"[\s,,、]+", value) if item]
            continue
        if prop.get("type") == "integer":
            try:
                value = int(value)
            except ValueError:
                pass
        data[name] = value
    return data


def field_errors(details: dict) -> dict[str, str]:
    """The server's complaint per field (jsonschema's words, said the way a clerk would)."""
    out = {}
    for name, text in (details or {}).items():
        text = str(text)
        if "required property" in text:
            out[name] = _("此项必填")
        elif "is not one of" in text or "was expected" in text:
            out[name] = _("请选择列出的选项")
        elif "is too long" in text:
            out[name] = _("内容过长")
        elif "is less than the minimum" in text or "is greater than the maximum" in text:
            out[name] = _("数值超出允许范围")
        elif "is not of type" in text:
            out[name] = _("格式不正确")
        elif "does not match" in text or "should be non-empty" in text or "is too short" in text:
            out[name] = _("请填写有效内容")
        else:
            out[name] = text
    return out
