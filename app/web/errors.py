"""Refusals on a page: an AppError or an HTTP error becomes a message a person can act on, in
the page's language, with the right status; never a 500 and never a JSON body on a page."""
from __future__ import annotations

import logging

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.errors import AppError
from app.extensions import db
from app.web import bp
from app.i18n import message

log = logging.getLogger(__name__)
# a page sends forms, not JSON: a bad request is bad input
_HTTP_CODES = {400: "validation_error", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type"}


def text_of(exc: AppError) -> str:
    return message(exc.code, **{**exc.details, **exc.params})


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json


def _page(status: int, code: str, text: str):
    db.session.rollback()
    if _wants_json():
        return jsonify({"error": {"code": code, "message": text}}), status
    return render_template("error.html", status=status, code=code, text=text), status


@bp.errorhandler(AppError)
def _app_error(exc: AppError):
    return _page(exc.status, exc.code, text_of(exc))


@bp.errorhandler(CSRFError)
def _csrf_error(exc: CSRFError):
    return _page(400, "csrf_failed", _("表单已过期或缺少安全令牌,请刷新页面后重试。"))


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    status = exc.code or 500
    code = _HTTP_CODES.get(status, "http_error")
    params = {"limit": current_app.config.get("MAX_CONTENT_LENGTH")} if status == 413 else {}
    return _page(status, code, message(code, **params))


@bp.errorhandler(Exception)
def _bug(exc: Exception):
    """A 500 is a bug: logged with its stack, shown as a page without it."""
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    log.exception("unhandled error on a page")
    return _page(500, "internal_error", message("internal_error"))
