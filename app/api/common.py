"""Small helpers the blueprints share: paging and reading a JSON object body."""
from __future__ import annotations

from flask import request
from flask_smorest import Api
from sqlalchemy import func, select

from app.errors import AppError
from app.extensions import db


class RestApi(Api):
    """flask-smorest's Api, documenting our error envelope (app/errors.py) as the default
    error response, so clients and the fuzzer read the errors the service really sends."""

    from app.api.schemas import Error as ERROR_SCHEMA


def page(query, args: dict, present) -> dict:
    """``{"items", "total"}`` for one page of ``query``; the count is skipped when the first
    page already holds everything (the common case for an inbox)."""
    offset = (args["page"] - 1) * args["per_page"]
    rows = db.session.scalars(query.offset(offset).limit(args["per_page"])).unique().all()
    if offset == 0 and len(rows) < args["per_page"]:
        total = len(rows)
    else:
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return {"items": [present(r) for r in rows], "total": total}


def json_object() -> dict:
    """The body as a JSON object, or 400 ``malformed_json`` (an empty body counts as {})."""
    if not request.get_data(cache=True):
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise AppError("malformed_json", 400)
    return data
