"""Helpers for the web page tests: a Flask test client used the way a person uses the pages
(log in through the form, send the CSRF token the page gave), and a real server for Chromium."""
from __future__ import annotations

import re
import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

from tests.support import DEMO_PASSWORD

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Pages:
    """One user's session on the pages, through the Flask test client."""

    def __init__(self, app, username: str | None = None, password: str = DEMO_PASSWORD, **client_kw):
        self.client = app.test_client(**client_kw)
        self.token = None
        if username:
            self.login(username, password)

    def _done(self, response):
        from flask import g
        from flask_babel import refresh

        from app.extensions import db

        # The tests' app context outlives a request: end its transaction, and forget what
        # Flask-WTF and Flask-Babel keep in ``g`` for one request (CSRF token, language).
        db.session.remove()
        g.pop("csrf_token", None)
        refresh()
        return response

    def get(self, path: str, **kw):
        return self._done(self.client.get(path, **kw))

    def post(self, path: str, data: dict | None = None, csrf: bool = True, **kw):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.csrf())
        return self._done(self.client.post(path, data=data, **kw))

    def post_raw(self, path: str, body: bytes, content_type: str):
        """A body sent as is (the BPMN editor's XML), the CSRF token in its header."""
        return self._done(self.client.post(path, data=body, content_type=content_type,
                                           headers={"X-CSRFToken": self.csrf()}))

    def csrf(self) -> str:
        """The session's CSRF token, as any page's forms carry it."""
        if self.token is None:
            self.token = csrf_token(self.get("/login").get_data(as_text=True))
        return self.token

    def login(self, username: str, password: str = DEMO_PASSWORD):
        response = self.post("/login", {"username": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        self.token = None  # a login starts a new session
        return response

    def text(self, path: str, status: int = 200) -> str:
        response = self.get(path)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:800])
        return response.get_data(as_text=True)


def csrf_token(html: str) -> str:
    found = _TOKEN.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


@contextmanager
def live_server(app):
    """The test app on a real threaded HTTP server on 127.0.0.1 (a free port)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
