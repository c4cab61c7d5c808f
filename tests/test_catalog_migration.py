"""Migration 0006: entries published before versions existed become version 1."""
import os
import tempfile

from flask_migrate import upgrade
from sqlalchemy import select, text

from app import create_app
from app.extensions import db
from app.models import ResourceVersion
from tests.conftest import ROOT


def test_existing_entries_become_version_one():
    url = "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="dsf-mig-"), "db.sqlite")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "DSF_FAKE_CLOCK": False, "DSF_SCHEDULER": "off"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="0004")
        db.session.execute(text("INSERT INTO departments (id, code, name, kind, region) "
                                "VALUES (1, 'DY-GA', '东营市公安局', 'government', '东营市')"))
        db.session.execute(text("INSERT INTO resources (id, code, name, provider_id, share_type, legal_basis, "
                                "open_type, on_platform, created_at, updated_at) VALUES (1, 'GA-1', '某资源', 1, "
                                "'none', '某法', 'closed', 1, '2026-03-02 01:00:00.000000', "
                                "'2026-03-02 01:00:00.000000')"))
        db.session.commit()
        upgrade(directory=str(ROOT / "migrations"), revision="0006")
        [version] = db.session.scalars(select(ResourceVersion)).all()
        assert (version.resource_id, version.version, version.by, version.case_id) == (1, 1, "system", None)
        assert version.at.isoformat() == "2026-03-02T01:00:00+00:00"
        assert version.fields == {"code": "GA-1", "name": "某资源", "provider": "DY-GA", "share_type": "none",
                                  "share_conditions": None, "legal_basis": "某法", "open_type": "closed",
                                  "security_level": None, "update_cycle": None, "on_platform": True}
        db.session.remove()
