"""Process definitions with their versions, and the BPMN editor: open the deployed model,
validate it with the very checks a deployment runs, deploy it as a new version."""
from __future__ import annotations

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.api.schemas_admin import DeployArgs
from app.cases import definitions, regulations, versions
from app.errors import AppError
from app.extensions import db
from app.models import ProcessDefinition
from app.web import bp
from app.web.deadlines import today
from app.web.errors import text_of
from app.web.forms import load
from app.web.session import current_user, login_required


def _page(status: int = 200):
    """The list of processes, each with the regulations it cites; lapsed ones are warned about."""
    return render_template("admin/processes.html", versions=_versions(), cited=regulations.cited,
                           running=versions.running_by_definition(),
                           lapsed=regulations.lapsed_in_force(today())), status


def _versions() -> dict[str, list[ProcessDefinition]]:
    """Every deployed version, newest first, per process key."""
    out: dict[str, list[ProcessDefinition]] = {}
    for d in db.session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.key,
                                                                   ProcessDefinition.version.desc())):
        out.setdefault(d.key, []).append(d)
    return out


@bp.route("/admin/processes", methods=["GET", "POST"])
@login_required("admin")
def admin_processes():
    if request.method == "POST":
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise AppError("invalid_bpmn", 400, problem=_("请选择 BPMN 文件"))
            created = definitions.deploy(upload.read(), current_user().username,
                                         note=change_note(request.form.get("note")))
        except AppError as exc:
            flash(text_of(exc), "error")
            return _page(exc.status)
        flash(_("已部署:%(items)s", items=",".join(f"{d.key} v{d.version}" for d in created)), "info")
        return redirect(url_for("web.admin_processes"))
    return _page()


@bp.get("/admin/bpmn/<key>")
@login_required("admin")
def bpmn_editor(key: str):
    definition = definitions.version(key, request.args.get("version", type=int))
    latest = definitions.version(key)
    return render_template("admin/editor.html", definition=definition, latest=latest)


@bp.get("/admin/bpmn/<key>/xml")
@login_required("admin", "auditor")
def bpmn_xml(key: str):
    definition = definitions.version(key, request.args.get("version", type=int))
    return Response(definition.xml, mimetype="application/xml")


def change_note(text: str | None) -> str:
    """The change note a deployment from the pages must carry (the API's rule for its length)."""
    note = load(DeployArgs, {"note": (text or "").strip()})["note"]
    if not note:
        raise AppError("validation_error", 422, {"note": ["required"]})
    return note


def _problem(exc: AppError):
    """invalid_bpmn as the editor shows it: the message, and the element id to mark."""
    return jsonify({"ok": False, "code": exc.code, "message": text_of(exc), "details": exc.details}), exc.status


@bp.post("/admin/bpmn/<key>/validate")
@login_required("admin")
def bpmn_validate(key: str):
    try:
        processes = definitions.check(request.get_data())
    except AppError as exc:
        return _problem(exc)
    return jsonify({"ok": True, "message": _("模型有效,可以部署。"),
                    "processes": [{"key": p.key, "name": p.name} for p in processes]})


@bp.post("/admin/bpmn/<key>/deploy")
@login_required("admin")
def bpmn_deploy(key: str):
    try:
        created = definitions.deploy(request.get_data(), current_user().username,
                                     note=change_note(request.args.get("note")))
    except AppError as exc:
        return _problem(exc)
    items = [{"key": d.key, "version": d.version} for d in created]
    return jsonify({"ok": True, "items": items,
                    "message": _("已部署为新版本:%(items)s", items=",".join(f"{d.key} v{d.version}" for d in created)),
                    "editor": url_for("web.bpmn_editor", key=key)})
