"""Pages validate with the API's marshmallow schemas, so a form and a JSON body accept exactly
the same values (lengths, codes, enums) and refuse the rest with the same 422."""
from __future__ import annotations

from flask import flash, request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError

from app.errors import AppError
from app.extensions import db


def load(schema: type[Schema] | Schema, data: dict, partial: bool = False) -> dict:
    """``data`` (from a form: empty strings are treated as absent) loaded by ``schema``;
    422 ``validation_error`` naming the fields otherwise."""
    clean = {k: v for k, v in data.items() if v not in ("", None)}
    instance = schema() if isinstance(schema, type) else schema
    try:
        return instance.load(clean, partial=partial)
    except ValidationError as exc:
        raise AppError("validation_error", 422, exc.messages) from None


def posted() -> dict:
    """The posted form's fields, without the CSRF token (checked already, no schema field)."""
    return {k: v for k, v in request.form.items() if k != "csrf_token"}


def trimmed(names: tuple[str, ...]) -> dict:
    """The posted form's ``names``, trimmed: what a person typed, without stray blanks."""
    return {name: request.form.get(name, "").strip() for name in names}


# marshmallow's English complaints, by their opening words, as a person reads them on a form
_COMPLAINTS = (("Missing data", "required"), ("Shorter than", "required"), ("Longer than", "too_long"),
               ("Must be one of", "choose"), ("String does not match", "choose"), ("Not a valid", "format"))


def field_errors(exc: AppError, renames: dict[str, str] | None = None,
                 hints: dict[str, str] | None = None) -> dict[str, str]:
    """A ``validation_error``'s details as one readable text per form field; ``renames`` maps a
    schema path (``green_channel.reason``) to the form's field name (``green_reason``), ``hints``
    gives a field a text that says what to write instead of what was wrong."""
    texts = {"required": _("此项必填"), "too_long": _("内容过长"), "choose": _("请选择列出的选项"),
             "format": _("格式不正确")}
    out: dict[str, str] = {}

    def walk(details: dict, prefix: str) -> None:
        for key, value in details.items():
            path = f"{prefix}{key}"
            if isinstance(value, dict):
                walk(value, path + ".")
                continue
            first = str(value[0]) if isinstance(value, list) and value else str(value)
            kind = next((k for start, k in _COMPLAINTS if first.startswith(start)), "format")
            name = (renames or {}).get(path, path)
            out[name] = (hints or {}).get(name, texts[kind])

    walk(exc.details if isinstance(exc.details, dict) else {}, "")
    return out


def refused(exc: AppError) -> dict[str, str]:
    """A form's command refused: nothing it did is kept, the reason is flashed, and a
    ``validation_error`` comes back as one text per field for the form shown again."""
    from app.web.errors import text_of

    db.session.rollback()
    flash(text_of(exc), "error")
    return field_errors(exc) if exc.code == "validation_error" else {}
