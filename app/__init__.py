"""Datashare Flow: the application factory."""
from __future__ import annotations

import os

from flask import Flask
from app import errors, extensions


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    from app.settings import from_environment

    app.config.update(from_environment(app.instance_path))
    app.config.update(overrides or {})
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    if app.config["DSF_PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["DSF_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    extensions.db.init_app(app)
    _tune_database(app)
    from app import idle_ping, read_commit

    idle_ping.init_app(app)
    read_commit.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    from app.api.common import RestApi

    rest_api = RestApi(app)
    _services(app)
    from app.api import register_blueprints

    register_blueprints(rest_api, app)
    from app.web import init_app as register_web_pages

    register_web_pages(app)
    errors.register(app)
    from app import cli

    cli.register(app)
    return app


def _services(app: Flask) -> None:
    from app.calendar_store import CalendarStore
    from app.engine.clock import FakeClock, SystemClock
    from app.engine.limits import Limits
    from app.engine.runner import Engine

    app.extensions["dsf_clock"] = FakeClock() if app.config["DSF_FAKE_CLOCK"] else SystemClock()
    app.extensions["dsf_engine"] = Engine(Limits.from_config(app.config))
    app.extensions["dsf_calendar"] = CalendarStore()


def _tune_database(app: Flask) -> None:
    """SQLite: WAL, a busy timeout, and BEGIN IMMEDIATE so writers queue instead of failing."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    with app.app_context():
        engine = extensions.db.engine

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
