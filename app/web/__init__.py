"""Web pages for approvers, administrators and auditors (zh-CN first).

Server-rendered Jinja pages on the domain layer (app/cases, app/catalog/, app/identity/,
app/audit): never SpiffWorkflow, never HTTP to ourselves. The login is a session cookie,
separate from the API's bearer tokens; every form POST carries a CSRF token (the JSON API
under /api/v1 is left alone). Browser assets come from .web-assets/node_modules (``make install``
runs ``npm ci`` on app/web/package.json there) and app/web/static: nothing is fetched from the internet.
"""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/web")


def init_app(app: Flask) -> None:
    """Register the pages, their language selection, CSRF check and security headers."""
    from app.web import errors, filters, locale, pages, security, session, vendor  # noqa: F401 (routes)

    security.install(app)
    locale.install(app)
    app.register_blueprint(bp)
