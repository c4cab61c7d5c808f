"""HTTP entry points: thin flask-smorest blueprints, one module per resource."""
from flask import Flask
from flask_smorest import Api


def register_blueprints(api: Api, app: Flask) -> None:
    from app.api import (audit, auth, calendar, casework, catalog, docs, grants, history, identity, incidents,
                         notifications, processes, requests, tasks, testing)

    for module in (auth, identity, catalog, requests, tasks, processes, history, audit, calendar, incidents,
                   notifications):
        api.register_blueprint(module.blp, url_prefix="/api/v1")
    api.register_blueprint(grants.blp, url_prefix="/api/v1")
    api.register_blueprint(casework.blp, url_prefix="/api/v1")
    from app.api import regulatory  # objections, coordination of a refusal
    api.register_blueprint(regulatory.blp, url_prefix="/api/v1")
    from app.api import migrations  # administration: moving running cases between versions
    api.register_blueprint(migrations.blp, url_prefix="/api/v1")
    if app.config["DSF_FAKE_CLOCK"]:
        api.register_blueprint(testing.blp, url_prefix="/api/v1")
    app.register_blueprint(docs.bp)
