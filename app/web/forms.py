"""Pages validate with the API's marshmallow schemas, so a form and a JSON body accept exactly
the same values (lengths, codes, enums) and refuse the rest with the same 422."""
from __future__ import annotations

from flask import request
from marshmallow import Schema, ValidationError

from app.errors import AppError


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
