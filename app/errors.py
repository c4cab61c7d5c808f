"""Errors are values with a code and a message a person can act on; a 500 is a bug."""
from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from app.i18n import message

log = logging.getLogger(__name__)


class AppError(Exception):
    """A refusal the caller can act on: HTTP status, snake_case code, localised message."""

    status = 400

    def __init__(self, code: str, status: int | None = None, details: dict | None = None, **params):
        super().__init__(code)
        self.code = code
        self.status = status or self.status
        self.details = details or {}
        self.params = params

    def to_response(self):
        params = {**self.details, **self.params}  # a message may name any detail
        body = {"error": {"code": self.code, "message": message(self.code, **params),
                          "details": self.details}}
        if self.status == 429 and "retry_after" in self.details:
            return jsonify(body), self.status, {"Retry-After": str(self.details["retry_after"])}
        return jsonify(body), self.status


def not_found(**details) -> AppError:
    return AppError("not_found", 404, details)


def forbidden(**details) -> AppError:
    return AppError("forbidden", 403, details)


def invalid(code: str = "validation_error", details: dict | None = None, **params) -> AppError:
    return AppError(code, 422, details, **params)


def conflict(code: str = "conflict", details: dict | None = None, **params) -> AppError:
    return AppError(code, 409, details, **params)


_HTTP_CODES = {400: "malformed_json", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large",
               415: "unsupported_media_type", 422: "validation_error", 429: "too_many_attempts"}


def _from_http(exc: HTTPException):
    """Werkzeug/webargs errors in our envelope; webargs puts field errors in exc.data."""
    status = exc.code or 500
    code = _HTTP_CODES.get(status, "http_error")
    details = {}
    messages = getattr(exc, "data", {}).get("messages") if hasattr(exc, "data") else None
    if messages:
        details = _flatten_locations(messages)
        if status == 400 or details.get("_schema") == ["Invalid input type."]:
            status, code = 400, "malformed_json"
    from flask import current_app
    params = {"limit": current_app.config.get("MAX_CONTENT_LENGTH")} if status == 413 else {}
    return AppError(code, status, details, **params).to_response()


def _flatten_locations(messages: dict) -> dict:
    """webargs nests errors under the location ("json", "query"); callers want the fields."""
    if set(messages) <= {"json", "query", "form", "files", "headers"}:
        merged = {}
        for part in messages.values():
            merged.update(part if isinstance(part, dict) else {"_": part})
        return merged
    return messages


def register(app: Flask) -> None:
    app.register_error_handler(AppError, lambda e: e.to_response())
    app.register_error_handler(HTTPException, _from_http)

    @app.errorhandler(Exception)
    def _unexpected(exc):  # pragma: no cover - a 500 is a bug; log it, never leak it
        if isinstance(exc, HTTPException):
            return _from_http(exc)
        log.exception("unhandled error")
        return AppError("internal_error", 500).to_response()
