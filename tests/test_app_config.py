"""Start-up knobs: the testing clock exists only with DSF_FAKE_CLOCK=1; docs are local."""
import os
import tempfile

from flask_migrate import upgrade

from app import create_app
from tests.conftest import ROOT


def test_without_fake_clock_the_testing_endpoints_are_404():
    url = "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="dsf-cfg-"), "db.sqlite")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "DSF_FAKE_CLOCK": False})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    client = app.test_client()
    assert client.get("/api/v1/testing/clock").status_code == 404
    assert client.post("/api/v1/testing/run-due-timers").status_code == 404
    assert client.post("/api/v1/testing/clock", json={"now": "2030-01-01T00:00:00+08:00"}).status_code == 404


def test_openapi_and_docs_are_served_without_any_external_asset(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/share-requests", "/api/v1/open-data-requests", "/api/v1/purchase-requests",
                 "/api/v1/tasks/{task_id}/complete", "/api/v1/calendar/years/{year}", "/api/v1/audit/verify",
                 "/api/v1/requests/{case_id}/replay", "/api/v1/notifications", "/api/v1/incidents"):
        assert path in spec["paths"], path
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "http://" not in page and "https://" not in page
    assert client.get("/api/v1/docs/static/swagger-ui-bundle.js").status_code == 200


def test_a_serving_process_bootstraps_the_admin_and_ticks_due_timers(api):
    from app import startup
    from app.extensions import db
    from app.models import TimerJob, User
    from tests.support import at

    app = api.app
    db.session.query(User).filter_by(username="admin").delete()
    db.session.commit()
    case = api.share("zrzy_sun", "GA-HJ-001")
    app.config.update(DSF_ADMIN_PASSWORD="bootstrap-secret", DSF_SCHEDULER="on")
    try:
        startup.serve(app)
        scheduler = app.extensions.pop("dsf_scheduler")
        scheduler.pause()  # no tick of its own during the test: we run the job by hand
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"dsf-timers", "dsf-rollup"}
        api.set_clock(at(2026, 3, 17, 9))
        jobs["dsf-timers"].func()  # one tick, exactly what the scheduler runs
        jobs["dsf-rollup"].func()  # and the dashboard's totals
        scheduler.shutdown(wait=False)
    finally:
        app.config.update(DSF_ADMIN_PASSWORD=None, DSF_SCHEDULER="off")
    assert db.session.query(User).filter_by(username="admin").one().roles == ["admin"]
    assert db.session.query(TimerJob).filter_by(case_id=case["id"]).one().state == "done"
    from app.models import SlaCaseMark

    assert db.session.get(SlaCaseMark, case["id"]) is not None  # the case is in the totals
