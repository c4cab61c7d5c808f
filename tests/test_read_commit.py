"""A request that wrote nothing ends with COMMIT, so psycopg keeps its prepared statements
(app/read_commit.py); a request that flushed and did not commit is still rolled back.
PostgreSQL only: elsewhere the session is closed as before."""
import pytest
from sqlalchemy import create_engine, text

from app.extensions import db
from app.models import Department
from tests.conftest import _database_url

pytestmark = pytest.mark.skipif(not _database_url().startswith("postgresql"), reason="PostgreSQL only")


@pytest.fixture()
def own_app(demo):
    """A second app on the test database, with no app context held around its requests (each
    request then ends its own, as under gunicorn), and a route that flushes without a command."""
    from app import create_app

    app = create_app({**{k: demo.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "DSF_FAKE_CLOCK", "DSF_SCHEDULER",
                                                     "DSF_ARGON2")}, "TESTING": True})

    app.extensions["dsf_clock"].set(demo.extensions["dsf_clock"].now())  # the tokens' time

    @app.post("/_test/flush-only")
    def flush_only():
        db.session.add(Department(code="T-FLUSH", name="只刷新不提交", kind="agency", region="370500"))
        db.session.flush()
        return "flushed"

    yield app
    with app.app_context():
        db.engine.dispose()


def _count(sql: str) -> int:
    engine = create_engine(_database_url())
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def test_repeated_reads_run_prepared(own_app, api):
    token = api.token("ga_wang")
    client = own_app.test_client()
    for _ in range(8):
        assert client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with own_app.app_context():  # the pool's one connection, the one the requests used
        prepared = db.session.execute(text(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM human_tasks%'")).scalar()
        db.session.rollback()
    assert prepared >= 1


def test_a_request_that_flushed_without_a_command_is_rolled_back(own_app):
    assert own_app.test_client().post("/_test/flush-only").status_code == 200
    assert _count("SELECT count(*) FROM departments WHERE code = 'T-FLUSH'") == 0
