"""The pages' language: zh-CN unless the user chose English (a cookie) or, with no choice
made, the browser prefers English (Accept-Language). Texts are gettext messages whose ids
are the Chinese wording; app/web/translations/en holds the English."""
from __future__ import annotations

import os
from urllib.parse import urlsplit

from flask import Flask, redirect, request
from flask_babel import Babel, get_locale

from app.i18n import LANG_COOKIE as COOKIE, wants_english
from app.web import bp

LOCALES = ("zh_CN", "en")
TRANSLATIONS = os.path.join(os.path.dirname(__file__), "translations")
babel = Babel()


def select_locale() -> str:
    return "en" if wants_english() else "zh_CN"


def install(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "zh_CN")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["DSF_TIMEZONE"])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", TRANSLATIONS)
    babel.init_app(app, locale_selector=select_locale)


def english() -> bool:
    return get_locale().language == "en"


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a path on this site: never an open redirect."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


@bp.get("/lang/<code>")
def switch_language(code: str):
    """The language switch: remember the choice in a cookie for a year."""
    response = redirect(safe_next(request.args.get("next")))
    if code in LOCALES:
        response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
