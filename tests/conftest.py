"""Shared fixtures: one app on the test database (PostgreSQL when TEST_DATABASE_URL is set,
else a SQLite file), schema from the real migrations, data wiped between tests."""
from __future__ import annotations

import os
import pathlib
import tempfile
from datetime import datetime

import pytest
from sqlalchemy import text

from tests.support import Api, SHANGHAI

ROOT = pathlib.Path(__file__).resolve().parents[1]
KEEP = {"alembic_version", "audit_chain_head"}


def _database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    return "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="dsf-test-"), "test.sqlite")


@pytest.fixture(scope="session")
def app():
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": _database_url(),
        "DSF_FAKE_CLOCK": True,
        "DSF_SCHEDULER": "off",
        "DSF_ARGON2": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
    })
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(directory=str(ROOT / "migrations"))
    yield app


def wipe(db) -> None:
    """Empty every table but the migration marker; reset the audit chain head."""
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(t.name for t in tables) + " CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
        conn.execute(text("UPDATE audit_chain_head SET last_seq = 0, last_hash = :g"), {"g": "0" * 64})


@pytest.fixture()
def ctx(app):
    """An app context on an empty database, the testing clock at a Monday morning in Shanghai."""
    from app.extensions import db

    with app.app_context():
        wipe(db)
        app.extensions["dsf_clock"].set(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))
        yield app
        db.session.remove()


@pytest.fixture()
def client(ctx):
    return ctx.test_client()


@pytest.fixture()
def demo(ctx):
    """The demo data set and every model in bpmn/ deployed, as `make run` has them."""
    from app import demo as demo_data
    from app.cases.definitions import deploy_directory
    from app.extensions import db

    demo_data.load()
    deploy_directory(str(ROOT / "bpmn"))
    db.session.commit()
    return ctx


@pytest.fixture()
def api(demo):
    return Api(demo.test_client(), demo)
