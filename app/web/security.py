"""What keeps the pages safe: a CSRF token on every form POST, cookie flags, security headers,
and one session secret shared by every worker process."""
from __future__ import annotations

import os
import secrets
import tempfile

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect

from app.web import bp

csrf = CSRFProtect()

# No external origin anywhere: government intranets have no internet. Inline styles are
# allowed because bpmn-js and ECharts set style attributes on what they draw; scripts are not.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def install(app: Flask) -> None:
    # The CSRF check runs only for the web blueprint (below): the JSON API under /api/v1
    # authenticates with bearer tokens, which a cross-site form cannot send.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:  # Flask's default sends no SameSite
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if app.config.get("SESSION_COOKIE_NAME") == "session":
        app.config["SESSION_COOKIE_NAME"] = "dsf_session"
    _shared_secret(app)
    csrf.init_app(app)
    app.after_request(_api_security_headers)


@bp.before_request
def _check_csrf():
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()


def _api_security_headers(response):
    """The API (and its docs page, whose scripts and styles are served from here) carries
    the pages' headers too: JSON read in a frame or sniffed as HTML is as harmful as a page."""
    if request.path.startswith("/api/"):
        return _security_headers(response)
    return response


@bp.after_request
def _security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype in ("text/html", "application/json", "application/xml"):
        # pages show personal and case data: never keep them in a shared computer's cache
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _shared_secret(app: Flask) -> None:
    """Without DSF_SECRET_KEY each process draws its own random key, so a login made on one
    gunicorn worker would be unknown to the next: keep one random key in the instance folder."""
    if os.environ.get("DSF_SECRET_KEY") or app.testing:
        return
    path = os.path.join(app.instance_path, "web-secret-key")
    if not os.path.exists(path):
        fd, temp = tempfile.mkstemp(dir=app.instance_path)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(temp, path)  # atomic: the first process to get here wins
        except FileExistsError:
            pass
        finally:
            os.unlink(temp)
    with open(path, encoding="ascii") as file:
        app.config["SECRET_KEY"] = file.read().strip()
