"""Migrations: move running cases to another version of their model (admin)."""
from flask_smorest import Blueprint

from app import auth
from app.api.schemas_admin import MigrationIn, MigrationOut
from app.cases import migration

blp = Blueprint("migrations", __name__, description="流程版本迁移 Migrations")


@blp.post("/migrations")
@auth.require("admin")
@blp.arguments(MigrationIn)
@blp.response(200, MigrationOut)
def migrate(body):
    """Each case in its own transaction; ``dry_run`` (the default) reports without moving."""
    items = migration.migrate(auth.current_user(), body["key"], body["from_version"], body["to_version"],
                              body["mapping"], body["cases"], body["dry_run"])
    return {"items": items, "dry_run": body["dry_run"]}
