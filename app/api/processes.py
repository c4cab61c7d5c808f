"""Process definitions: deploy BPMN (admin), list versions, read the XML."""
from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import func, select

from app import auth
from app.api.common import page
from app.api.schemas import DefinitionArgs, PageArgs, VersionArgs
from app.api.schemas_admin import DefinitionNoted, DefinitionRunningList, DeployArgs
from app.cases import definitions, versions
from app.errors import AppError
from app.models import ProcessDefinition

blp = Blueprint("processes", __name__, description="流程定义 Process definitions")


def _out(d: ProcessDefinition) -> dict:
    return {"key": d.key, "version": d.version, "name": d.name, "deployed_at": d.deployed_at.isoformat(),
            "deployed_by": d.deployed_by, "note": d.note}


class ListArgs(DefinitionArgs, PageArgs):
    pass


class Deployed(Schema):
    key = fields.String()
    version = fields.Integer()
    items = fields.List(fields.Dict())


@blp.get("/process-definitions")
@auth.require("admin", "auditor")
@blp.arguments(ListArgs, location="query")
@blp.response(200, DefinitionRunningList)
def list_definitions(args):
    """Each item with ``running``: its open cases (those a migration could move)."""
    query = select(ProcessDefinition)
    if not args["all"]:
        newest = select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v")) \
            .group_by(ProcessDefinition.key).subquery()
        query = query.join(newest, (ProcessDefinition.key == newest.c.key)
                           & (ProcessDefinition.version == newest.c.v))
    running = versions.running_by_definition()
    return page(query.order_by(ProcessDefinition.key, ProcessDefinition.version), args,
                lambda d: {**_out(d), "running": running.get(d.id, 0)})


def _uploaded_xml() -> bytes:
    if request.mimetype in ("application/xml", "text/xml", "application/bpmn+xml"):
        return request.get_data()
    if request.mimetype == "multipart/form-data" and "file" in request.files:
        return request.files["file"].read()
    raise AppError("unsupported_media_type", 415, {"expected": ["application/xml", "multipart/form-data"]})


@blp.post("/process-definitions")
@auth.require("admin")
@blp.arguments(DeployArgs, location="query")
@blp.response(201, Deployed)
def deploy(args):
    """Body: BPMN XML (application/xml, or multipart field ``file``); one version per process;
    ``?note=`` the change note (kept on the version and in its audit event)."""
    created = definitions.deploy(_uploaded_xml(), auth.current_user().username, note=args["note"])
    items = [{"key": d.key, "version": d.version} for d in created]
    return {**items[0], "items": items}


@blp.get("/process-definitions/<key>")
@auth.require("admin", "auditor")
@blp.arguments(VersionArgs, location="query")
@blp.response(200, DefinitionNoted)
def get_definition(args, key):
    return _out(definitions.version(key, args.get("version")))


@blp.get("/process-definitions/<key>/xml")
@auth.require("admin", "auditor")
@blp.arguments(VersionArgs, location="query")
def get_xml(args, key):
    return Response(definitions.version(key, args.get("version")).xml, mimetype="application/xml")
