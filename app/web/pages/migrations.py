"""Versions of a model on pages: a diff of two versions, and moving running cases to another
version — the mapping built from the two diagrams (an element the new version still has maps
itself; for each other element a case can wait at, a choice among the new version's elements
of its type), a dry run shown before anything moves, then the move: the very command behind
POST /migrations."""
from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.api.schemas_admin import MigrationIn
from app.cases import definitions, migration, model_diff, versions
from app.errors import AppError
from app.web import bp
from app.web.errors import text_of
from app.web.forms import load
from app.web.session import current_user, login_required

WAITABLE = ("userTask", "manualTask", "receiveTask", "boundaryEvent", "intermediateCatchEvent")
FIELD = "map-"  # form field prefix: map-<old element> = <new element>
FIELD_LABELS = {"name": _l("名称"), "type": _l("类型"), "lane": _l("泳道"), "clock": _l("期限计时器"), "form": _l("表单"),
                "script": _l("脚本"), "condition": _l("条件表达式"), "timer": _l("定时器"),
                "source": _l("连线起点"), "target": _l("连线终点"), "attached_to": _l("附着于"),
                "durations": _l("期限(工作日)")}


def mapping_rows(source, target, chosen: dict) -> list[dict]:
    """One row per element of ``source`` a case can wait at; those without a same-id
    element in ``target`` first, each with the target's elements of its type to choose from."""
    waiting = versions.waiting_at(source.id)
    rows = []
    for element, info in source.elements.items():
        if info.get("type") not in WAITABLE:
            continue
        same = element in target.elements
        choices = [] if same else sorted(((e, i.get("name") or e) for e, i in target.elements.items()
                                          if i.get("type") == info.get("type")), key=lambda c: c[0])
        rows.append({"element": element, "name": info.get("name") or element, "type": info.get("type"),
                     "same": same, "choices": choices, "chosen": chosen.get(element, ""),
                     "waiting": waiting.get(element, 0)})
    return sorted(rows, key=lambda r: (r["same"], -r["waiting"], r["element"]))


def _versions_of(key: str) -> tuple[int, int, list[int]]:
    """(from, to, every version): by default the newest version as target and the newest
    older version that still has running cases as source."""
    latest = definitions.version(key)
    numbers = list(range(latest.version, 0, -1))
    to = request.values.get("to_version", type=int) or request.values.get("to", type=int) or latest.version
    running = versions.running_by_definition()
    default_from = next((n for n in numbers if n != to and running.get(definitions.version(key, n).id)),
                        max(to - 1, 1))
    source = request.values.get("from_version", type=int) or request.values.get("from", type=int) or default_from
    return source, to, numbers


@bp.route("/admin/processes/<key>/migrate", methods=["GET", "POST"])
@login_required("admin")
def migrate_page(key: str):
    source_no, target_no, numbers = _versions_of(key)
    source, target = definitions.version(key, source_no), definitions.version(key, target_no)
    chosen = {k[len(FIELD):]: v for k, v in request.form.items() if k.startswith(FIELD) and v}
    report, status, dry_run = None, 200, True
    if request.method == "POST":
        dry_run = request.form.get("action") != "migrate"
        try:
            body = load(MigrationIn, {"key": key, "from_version": source_no, "to_version": target_no,
                                      "mapping": chosen, "dry_run": dry_run})
            report = migration.migrate(current_user(), key, source_no, target_no, body["mapping"], None, dry_run)
        except AppError as exc:
            flash(text_of(exc), "error")
            status = exc.status
        else:
            moved = sum(1 for i in report if i["ok"])
            if dry_run:
                flash(_("试运行:%(ok)s 个事项可以迁移,%(bad)s 个不能迁移;尚未迁移任何事项。",
                        ok=moved, bad=len(report) - moved), "info")
            else:
                flash(_("已迁移 %(ok)s 个事项到 v%(v)s;%(bad)s 个未迁移。", ok=moved, v=target_no,
                        bad=len(report) - moved), "info")
    rows = mapping_rows(source, target, chosen)
    return render_template("admin/migrate.html", key=key, source=source, target=target, numbers=numbers,
                           rows=rows, report=report, dry_run=dry_run, chosen=chosen,
                           running=versions.running_by_definition()), status


@bp.get("/admin/processes/<key>/diff")
@login_required("admin", "auditor")
def diff_page(key: str):
    """Two versions side by side: elements added, removed, changed (scripts and durations)."""
    target = definitions.version(key, request.args.get("to", type=int))
    source = definitions.version(key, request.args.get("from", type=int) or max(target.version - 1, 1))
    numbers = list(range(definitions.version(key).version, 0, -1))
    return render_template("admin/diff.html", key=key, source=source, target=target, numbers=numbers,
                           diff=model_diff.diff(source.xml, target.xml, key), fields=FIELD_LABELS)
