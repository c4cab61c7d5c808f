"""A pooled connection that sat idle is tested before a request gets it, so one the server
closed meanwhile is replaced, not handed out (app/idle_ping.py); one in constant use is not
tested. PostgreSQL only (SQLite's connections are files, never closed by a server)."""
import pytest
from sqlalchemy import text

from app import idle_ping
from app.extensions import db
from tests.conftest import _database_url

pytestmark = pytest.mark.skipif(not _database_url().startswith("postgresql"), reason="PostgreSQL only")


@pytest.fixture()
def own_app(demo):
    """A second app on the test database with a pool of its own: its one connection is the
    one its requests use, and the one the test has the server end."""
    from app import create_app

    app = create_app({**{k: demo.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "DSF_FAKE_CLOCK", "DSF_SCHEDULER",
                                                     "DSF_ARGON2")}, "TESTING": True})
    app.extensions["dsf_clock"].set(demo.extensions["dsf_clock"].now())  # the tokens' time
    yield app
    with app.app_context():
        db.engine.dispose()


def _server_ends_the_pooled_connection(app) -> None:
    with app.app_context():
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        db.session.rollback()
    with db.engine.connect() as other:  # the test app's own pool, not the one ended
        assert other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()


def _inbox(app, token: str) -> int:
    return app.test_client().get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code


def test_an_idle_connection_closed_by_the_server_is_replaced(own_app, api, monkeypatch):
    token = api.token("ga_wang")
    assert _inbox(own_app, token) == 200
    _server_ends_the_pooled_connection(own_app)
    monkeypatch.setattr(idle_ping, "IDLE_SECONDS", -1.0)  # every pooled connection counts as idle
    assert _inbox(own_app, token) == 200
    assert _inbox(own_app, token) == 200


def test_a_connection_in_constant_use_is_not_tested(own_app, api, monkeypatch):
    """The other side of the bargain, and proof the check above is what saved the request:
    a connection back in the pool a moment ago is handed out as it is. The request that meets
    it dead is answered 500, and the next one is served: ending that failed read's transaction
    (app/read_commit.py) must not leave the thread's session unusable."""
    token = api.token("ga_wang")
    assert _inbox(own_app, token) == 200
    _server_ends_the_pooled_connection(own_app)
    monkeypatch.setattr(idle_ping, "IDLE_SECONDS", 3600.0)
    assert _inbox(own_app, token) == 500
    assert _inbox(own_app, token) == 200  # the pool dropped the dead connection
