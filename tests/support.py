"""Test helpers: an HTTP client that logs in as demo users, and clock travel."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_PASSWORD = "demo-pass-2026"


class Api:
    """Real HTTP through the Flask test client; ``as_(user)`` logs in once and caches the token."""

    def __init__(self, client, app):
        self.client = client
        self.app = app
        self._tokens: dict[str, str] = {}

    def token(self, username: str, password: str = DEMO_PASSWORD) -> str:
        if username not in self._tokens:
            resp = self.call("POST", "/auth/login", json={"username": username, "password": password})
            assert resp.status_code == 200, resp.get_json()
            self._tokens[username] = resp.get_json()["token"]
        return self._tokens[username]

    def call(self, method: str, path: str, user: str | None = None, **kwargs):
        headers = kwargs.pop("headers", {})
        if user:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        try:
            return self.client.open("/api/v1" + path, method=method, headers=headers, **kwargs)
        finally:
            # The tests' app context outlives a request; end its transaction as teardown would.
            from app.extensions import db

            db.session.remove()

    def get(self, path, user=None, **kw):
        return self.call("GET", path, user, **kw)

    def post(self, path, user=None, **kw):
        return self.call("POST", path, user, **kw)

    def ok(self, method: str, path: str, user: str | None = None, status: int = 200, **kwargs) -> dict:
        resp = self.call(method, path, user, **kwargs)
        assert resp.status_code == status, (resp.status_code, resp.get_json())
        return resp.get_json()

    def set_clock(self, when: datetime) -> None:
        self.ok("POST", "/testing/clock", json={"now": when.isoformat()})
        self._tokens.clear()  # tokens expire in service time; log in again after travelling

    def run_timers(self) -> int:
        return self.ok("POST", "/testing/run-due-timers")["fired"]

    def fires_only_after(self, last_moment: datetime, first_moment: datetime, fired: int = 1) -> None:
        """No timer fires up to ``last_moment`` (the end of a due day), ``fired`` fire at
        ``first_moment`` (just after it)."""
        self.set_clock(last_moment)
        assert self.run_timers() == 0
        self.set_clock(first_moment)
        assert self.run_timers() == fired

    def share(self, user: str, resource: str, purpose: str = "履行法定职责") -> dict:
        return self.ok("POST", "/share-requests", user, 201, json={"resource": resource, "purpose": purpose})

    def task_of(self, case: dict, key: str) -> dict:
        return next(t for t in case["open_tasks"] if t["task_key"] == key)

    def complete(self, case_id: str, key: str, user: str, body: dict, status: int = 200) -> dict:
        """Complete the case's open task ``key`` (found as the auditor sees the case) as ``user``."""
        task = self.task_of(self.ok("GET", f"/requests/{case_id}", "auditor"), key)
        return self.ok("POST", f"/tasks/{task['id']}/complete", user, status, json=body)

    def assert_replays(self, case_id: str) -> None:
        """The auditor's replay of the case reaches exactly the recorded state."""
        body = self.ok("POST", f"/requests/{case_id}/replay", "auditor")
        assert body["consistent"] is True, body["divergence"]


def at(y, m, d, hh=9, mm=0, ss=0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


def sla(case: dict, key: str) -> dict:
    """The SLA clock ``key`` of a case as the API shows it."""
    return next(s for s in case["sla"] if s["key"] == key)
