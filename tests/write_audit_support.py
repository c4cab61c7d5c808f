"""The machinery behind tests/test_write_audit.py: a table entry per mutating call, and a walk
that makes each call through the real HTTP stack and reads what it appended to the audit chain.

An entry's path and body are templates over what the walk has made so far:
``{case:ALIAS}`` the case an earlier entry filed under ``keep=ALIAS``, ``{task:ALIAS:KEY}`` that
case's open task ``KEY``, ``{grant:ALIAS}`` its grant, ``{job:ALIAS}`` its timer job. A body may
also be a function of the walk (for what must be read at call time)."""
from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Grant, HumanTask, TimerJob
from tests.support import Api
from tests.web_support import Pages

MUTATING = ("POST", "PUT", "PATCH", "DELETE")
_PLACE = re.compile(r"\{(case|task|grant|job):([\w-]+)(?::([\w-]+))?\}")
_CASE_PAGE = re.compile(r"^/requests/([^/]+)$")


@dataclass(frozen=True)
class Upload:
    """A file for a multipart body (a fresh stream at each call)."""
    name: str
    content: bytes


@dataclass(frozen=True)
class Write:
    """One mutating call and the audit event types it must append, in order.

    ``route`` is the url_map rule with its method ("POST /api/v1/tasks/<task_id>/claim");
    ``who`` the caller (None: no login); ``body`` JSON for the API, a form for pages;
    ``raw``/``content_type`` a body sent as is; ``keep`` remembers the case the call filed
    (the API's answer, or the case page a form redirected to); ``setup`` prepares state that
    no route of the table makes (it must not touch the audit chain)."""
    route: str
    who: str | None
    path: str
    events: tuple[str, ...]
    body: dict | Callable | None = None
    raw: bytes | None = None
    content_type: str | None = None
    status: int | None = None
    keep: str | None = None
    setup: Callable | None = None
    actor: str | None = None  # when the events name someone else than ``who`` (a login, the timer)

    @property
    def method(self) -> str:
        return self.route.split(" ", 1)[0]


@dataclass(frozen=True)
class NoWrite:
    """A mutating route that must append no audit event, and why; the walk calls it at
    ``path`` as ``who`` and checks that nothing was appended and no row added or removed."""
    route: str
    reason: str
    who: str | None
    path: str
    body: dict | Callable | None = None
    raw: bytes | None = None
    content_type: str | None = None


@dataclass
class Outcome:
    entry: object
    status: int
    types: list[str]
    actors: list[str]
    problem: str | None = None


class Walk:
    """Makes the calls of a table in order, as the named users, and reads the chain after each."""

    def __init__(self, app, passwords: dict[str, str]):
        self.app = app
        self.passwords = passwords
        self.api = Api(app.test_client(), app)
        self.pages: dict[str, Pages] = {}
        self.cases: dict[str, str] = {}

    # -- sessions ------------------------------------------------------------------------------
    def login(self, *users: str) -> None:
        """API tokens and page sessions for ``users`` (logins are audited: done before the walk)."""
        for user in users:
            self.api.token(user)
            self.session(user)

    def login_as(self, user: str, password: str) -> None:
        self.api.token(user, password)
        self.pages[user] = Pages(self.app, user, password)

    def now(self):
        return self.app.extensions["dsf_clock"].now()

    def session(self, user: str) -> Pages:
        if user not in self.pages:
            self.pages[user] = Pages(self.app, user)
        return self.pages[user]

    # -- templates -----------------------------------------------------------------------------
    def resolve(self, value):
        if callable(value):
            return self.resolve(value(self))
        if isinstance(value, str):
            return _PLACE.sub(lambda m: self._lookup(*m.groups()), value)
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, Upload):
            return io.BytesIO(value.content), value.name
        return value

    def _lookup(self, kind: str, alias: str, key: str | None) -> str:
        case_id = self.cases[alias]
        if kind == "case":
            return case_id
        try:
            if kind == "task":
                return db.session.scalars(select(HumanTask.id).where(
                    HumanTask.case_id == case_id, HumanTask.task_key == key, HumanTask.state == "open")).one()
            if kind == "grant":
                return db.session.scalars(select(Grant.id).where(Grant.case_id == case_id)).one()
            return db.session.scalars(select(TimerJob.id).where(TimerJob.case_id == case_id,
                                                                TimerJob.state.in_(("waiting", "incident")))
                                      .order_by(TimerJob.due_at)).first()
        finally:
            db.session.remove()

    # -- the chain -----------------------------------------------------------------------------
    @staticmethod
    def last_seq() -> int:
        try:
            return db.session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0)))
        finally:
            db.session.remove()

    @staticmethod
    def appended(since: int) -> list[tuple[str, str]]:
        """(type, actor) of the events after ``since``, in chain order."""
        try:
            rows = db.session.scalars(select(AuditEvent).where(AuditEvent.seq > since).order_by(AuditEvent.seq)).all()
            return [(e.type, e.actor) for e in rows]
        finally:
            db.session.remove()

    # -- calls ---------------------------------------------------------------------------------
    def call(self, entry, method: str, path: str, who: str | None):
        """The response of one call: API through a token, pages through the user's session."""
        path = self.resolve(path)
        body = self.resolve(entry.body) if entry.body is not None else None
        raw = getattr(entry, "raw", None)
        content_type = getattr(entry, "content_type", None)
        if not path.startswith("/api/"):
            pages = self.session(who) if who else Pages(self.app)
            if raw is not None:
                return pages.post_raw(path, raw, content_type)
            multipart = any(isinstance(v, tuple) for v in (body or {}).values())
            return pages.post(path, body or {}, **({"content_type": "multipart/form-data"} if multipart else {}))
        kwargs = {}
        if raw is not None:
            kwargs = {"data": raw, "content_type": content_type}
        elif body is not None and any(isinstance(v, tuple) for v in body.values()):
            kwargs = {"data": body, "content_type": "multipart/form-data"}
        elif body is not None:
            kwargs = {"json": body}
        return self.api.call(method, path[len("/api/v1"):], who, **kwargs)

    def write(self, entry: Write) -> Outcome:
        if entry.who and entry.who not in self.pages:
            self.login_as(entry.who, self.passwords[entry.who])  # a user the walk created
        if entry.setup is not None:
            entry.setup(self)
        before, rows = self.last_seq(), self.row_counts() if not entry.events else None
        response = self.call(entry, entry.method, entry.path, entry.who)
        appended = self.appended(before)
        out = Outcome(entry, response.status_code, [t for t, _ in appended], [a for _, a in appended])
        unchanged = rows is None or rows == self.row_counts()
        ok_status = response.status_code == entry.status if entry.status else response.status_code < 400
        actor = entry.actor or entry.who
        if not ok_status:
            out.problem = f"status {response.status_code}: {response.get_data(as_text=True)[:300]}"
        elif tuple(out.types) != entry.events:
            out.problem = f"appended {out.types}, expected {list(entry.events)}"
        elif actor and any(a != actor for a in out.actors):
            out.problem = f"actors {out.actors}, expected {actor}"
        elif not unchanged:
            out.problem = "rows added or removed by a call that appends no event"
        if entry.keep and ok_status:
            self.cases[entry.keep] = _case_of(response)
        return out

    def no_write(self, entry: NoWrite) -> Outcome:
        before, rows = self.last_seq(), self.row_counts()
        response = self.call(entry, entry.route.split(" ", 1)[0], entry.path, entry.who)
        appended = self.appended(before)
        out = Outcome(entry, response.status_code, [t for t, _ in appended], [a for _, a in appended])
        changed = {name for name, count in self.row_counts().items() if rows[name] != count}
        if response.status_code >= 400:
            out.problem = f"status {response.status_code}: {response.get_data(as_text=True)[:300]}"
        elif out.types:
            out.problem = f"appended {out.types}, expected none"
        elif changed:
            out.problem = f"rows added or removed in {sorted(changed)}"
        return out

    @staticmethod
    def row_counts() -> dict[str, int]:
        """Rows per table: a call that appends no event must not add or remove any either."""
        try:
            return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}
        finally:
            db.session.remove()


def _case_of(response) -> str:
    if response.is_json:
        return response.get_json()["id"]
    found = _CASE_PAGE.match(urlsplit(response.headers.get("Location", "")).path)
    assert found, ("no case page in the redirect", response.headers.get("Location"))
    return found.group(1)


def mutating_routes(app) -> set[str]:
    """Every (method, rule) of the app that may change something, as "METHOD /rule"."""
    return {f"{method} {rule.rule}" for rule in app.url_map.iter_rules()
            for method in sorted(set(rule.methods or ()) & set(MUTATING))}


def describe(outcomes: list[Outcome]) -> str:
    """A readable list of the calls whose events or status were not what the table says."""
    lines = []
    for out in outcomes:
        if out.problem:
            lines.append(f"{out.entry.route} as {getattr(out.entry, 'who', None)}: {out.problem}")
    return "\n".join(lines)


