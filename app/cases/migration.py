"""Moving running cases from one version of a model to another (administrators).

Each case moves in its own unit of work: a case that cannot move (an element it waits at has
no counterpart in the new version) is reported and left as it was, the others still move.
The engine step is app/engine/lifecycle.py ``migrate``; the replay runs that very step at the
recorded ``case_migrated`` event. After the move the usual projection re-derives the rows:
an open task keeps its row, renamed to its new element (``task_migrated``), timers and due
dates follow the clocks.

Deadlines: an SLA clock already started keeps the working days it started with (the
obligation was set under the old version, and its timer waits on it); the new version's
durations apply to every clock started after the move.
"""
from __future__ import annotations

from sqlalchemy import select

from app.cases import definitions
from app.cases.forms import form_key
from app.cases.uow import UnitOfWork
from app.engine import lifecycle
from app.errors import AppError, invalid
from app.extensions import db
from app.i18n import message
from app.models import Case, ProcessDefinition, User
from app.services import engine

MAX_CASES = 500  # cases one request moves (each in its own transaction); run it again for the rest


def migrate(admin: User, key: str, from_version: int, to_version: int, mapping: dict,
            case_ids: list[str] | None, dry_run: bool) -> list[dict]:
    """``[{"case", "ok", "waiting", "problems"}]``, one per case, in the order asked (else the
    oldest ``MAX_CASES`` pending on ``from_version``)."""
    source, target = definitions.version(key, from_version), definitions.version(key, to_version)
    check_mapping(source, target, mapping)
    if case_ids is None:
        case_ids = list(db.session.scalars(select(Case.id).where(
            Case.process_definition_id == source.id, Case.status == "pending")
            .order_by(Case.created_at, Case.id).limit(MAX_CASES)))
    db.session.rollback()  # end the read transaction: each case gets its own
    return [_one(admin, case_id, source, target, mapping, dry_run) for case_id in dict.fromkeys(case_ids)]


def check_mapping(source: ProcessDefinition, target: ProcessDefinition, mapping: dict) -> None:
    """Each old element exists in ``source``, each new one in ``target``, of the same type;
    else 422 ``invalid_mapping``."""
    for old, new in mapping.items():
        before, after = source.elements.get(old), target.elements.get(new)
        problem = ("not_in_source" if before is None else "not_in_target" if after is None
                   else "other_type" if before["type"] != after["type"] else None)
        if problem:
            raise invalid("invalid_mapping", {"element": old, "target": new, "problem": problem},
                          element=old, target=new)


def _one(admin: User, case_id: str, source, target, mapping: dict, dry_run: bool) -> dict:
    item = {"case": case_id, "ok": False, "waiting": [], "problems": []}
    try:
        with UnitOfWork(admin.username) as uow:
            case = uow.lock_case(case_id)
            if case.process_definition_id != source.id or case.status != "pending":
                code = "migration_not_pending" if case.status != "pending" else "migration_other_version"
                item["problems"].append(_problem(code, None, version=case.definition.version))
                return item
            workflow = uow.workflow_of(case)
            item["waiting"] = lifecycle.waiting_elements(workflow)
            found = lifecycle.migration_problems(workflow, uow.spec_of(target), mapping)
            found += _other_types(item["waiting"], source, target, mapping)
            if found:
                item["problems"] = [_problem(f"migration_{p['code']}", p["element"]) for p in found]
                return item
            moved = lifecycle.migrate(engine(), workflow, uow.spec_of(target), mapping, uow.ctx)
            item["ok"] = True
            if dry_run:
                return item
            case.definition = target
            uow.record(case, "case_migrated", None, {"key": source.key, "from_version": source.version,
                                                     "to_version": target.version, "mapping": dict(mapping),
                                                     "waiting": item["waiting"]})
            uow.save(case, moved)
    except AppError as exc:
        item["ok"] = False
        item["problems"].append({"code": exc.code, "element": (exc.details or {}).get("element"),
                                 "message": message(exc.code, **{**(exc.details or {}), **exc.params})})
    return item


def _other_types(waiting: list[str], source, target, mapping: dict) -> list[dict]:
    """A waiting element whose counterpart is of another type (a user task become a script
    task), or a user task whose counterpart asks for another form, would be run, or never run,
    or completed with data its model does not expect, by surprise: reported, not moved."""
    problems = []
    for element in waiting:
        new = mapping.get(element, element)
        before, after = source.elements.get(element), target.elements.get(new)
        if before and after and before.get("type") != after.get("type"):
            problems.append({"code": "other_type", "element": element})
        elif before and after and before.get("type") == "userTask" and \
                form_key(source.elements, element) != form_key(target.elements, new):
            problems.append({"code": "other_form", "element": element})
    return problems


def _problem(code: str, element: str | None, **params) -> dict:
    return {"code": code, "element": element, "message": message(code, element=element, **params)}
