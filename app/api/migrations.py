"""Versions of a model for administrators: what changed between two (diff), and moving
running cases from one to another (migrations)."""
from flask_smorest import Blueprint

from app import auth
from app.api.schemas_admin import DiffArgs, DiffOut, MigrationIn, MigrationOut
from app.cases import definitions, migration, model_diff

blp = Blueprint("migrations", __name__, description="流程版本比较与迁移 Version diff and migrations")


@blp.get("/process-definitions/<key>/diff")
@auth.require("admin", "auditor")
@blp.arguments(DiffArgs, location="query")
@blp.response(200, DiffOut)
def diff(args, key):
    """Elements added, removed and changed from ``from`` to ``to`` (default: the newest
    version against the one before it)."""
    target = definitions.version(key, args.get("to"))
    source = definitions.version(key, args.get("from") or max(target.version - 1, 1))
    return {"key": key, "from_version": source.version, "to_version": target.version,
            **model_diff.diff(source.xml, target.xml, key)}


@blp.post("/migrations")
@auth.require("admin")
@blp.arguments(MigrationIn)
@blp.response(200, MigrationOut)
def migrate(body):
    """Each case in its own transaction; ``dry_run`` (the default) reports without moving."""
    items = migration.migrate(auth.current_user(), body["key"], body["from_version"], body["to_version"],
                              body["mapping"], body["cases"], body["dry_run"])
    return {"items": items, "dry_run": body["dry_run"]}
