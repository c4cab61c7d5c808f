"""Pooled connections are tested before use only when they sat idle (PostgreSQL).

SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` at every checkout: one more round trip on
every request, a twentieth of a command's time. A connection that went back to the pool a
moment ago was alive a moment ago; one that sat idle may have been closed since (a server
restart, a firewall's idle timeout). So a checkout pings only a connection idle for longer
than ``IDLE_SECONDS``; a dead one is replaced before the request sees it
(``DisconnectionError`` makes the pool discard it and connect again). A connection that dies
while in constant use fails the request it is in, as it would with ``pool_pre_ping``.
"""
from __future__ import annotations

import time

from flask import Flask
from sqlalchemy import event, exc

from app.extensions import db

IDLE_SECONDS = 2.0
_IDLE_SINCE = "dsf_idle_since"


def init_app(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    with app.app_context():
        engine = db.engine
    event.listen(engine, "checkin", _checked_in)
    event.listen(engine, "checkout", _checked_out)


def _checked_in(_dbapi_conn, record) -> None:
    if record is not None:
        record.info[_IDLE_SINCE] = time.monotonic()


def _checked_out(dbapi_conn, record, _proxy) -> None:
    since = record.info.pop(_IDLE_SINCE, None)
    if since is None or time.monotonic() - since <= IDLE_SECONDS:
        return  # new, or back in the pool only a moment ago
    try:
        dbapi_conn.execute("SELECT 1")
        dbapi_conn.rollback()
    except Exception as err:  # noqa: BLE001 -- any failure means: do not hand this one out
        raise exc.DisconnectionError(f"pooled connection failed its idle check: {err}") from err
