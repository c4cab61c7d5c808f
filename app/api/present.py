"""Turning rows into the JSON shapes of API.md (one place, so every endpoint agrees)."""
from __future__ import annotations

from datetime import date

from flask import Response, jsonify
from sqlalchemy import select

from app.cases import lists
from app.cases.forms import form_for, form_key
from app.extensions import db
from app.models import Case, HumanTask, Resource, User
from app.services import today


def listed(payload: dict) -> Response:
    """A list answer as it is: the functions here already build the documented shapes, so the
    long lists (GET /tasks, GET /requests) skip a second, field-by-field pass through their
    response schema (a fifth of such a request's time). The schema still documents the answer;
    tests/test_api_shapes.py holds these shapes to it."""
    return jsonify(payload)


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def user(u: User) -> dict:
    return {"username": u.username, "display_name": u.display_name, "department": u.department_code,
            "roles": list(u.roles), "email": u.email, "disabled": u.disabled}


def resource(r: Resource) -> dict:
    emergency = None
    if r.emergency_share_type:
        emergency = {"share_type": r.emergency_share_type, "until": iso(r.emergency_until),
                     "reason": r.emergency_reason}
    return {"code": r.code, "name": r.name, "provider": r.provider.code, "share_type": r.share_type,
            "share_conditions": r.share_conditions, "legal_basis": r.legal_basis,
            "open_type": r.open_type, "security_level": r.security_level,
            "update_cycle": r.update_cycle, "on_platform": r.on_platform, "emergency": emergency,
            "effective_share_type": r.effective_share_type(today())}


def resource_version(v) -> dict:
    return {"version": v.version, "at": iso(v.at), "by": v.by, "case_id": v.case_id, "fields": v.fields}


def sla(clock_value: dict, today: date) -> dict:
    """A stored clock, with a running one past its due date shown as breached."""
    out = dict(clock_value)
    if out["state"] == "running" and today > date.fromisoformat(out["due_date"]):
        out["state"] = "breached"
    return out


def task(t: HumanTask, with_form: bool = False) -> dict:
    out = _task(t.id, t.task_key, t.name, t.case_id, t.kind, t.state, t.department.code if t.department else None,
                t.role, t.assignee.username if t.assignee else None, t.created_at, t.due_date, today())
    if with_form:
        out["form"] = form_for(form_key(db.session.get(Case, t.case_id).definition.elements, t.task_key))
    return out


def _task(id_, task_key, name, case_id, kind, state, department, role, assignee, created_at, due_date,
          today: date) -> dict:
    return {"id": id_, "task_key": task_key, "name": name, "request_id": case_id, "kind": kind, "state": state,
            "department": department, "role": role, "assignee": assignee, "created_at": iso(created_at),
            "due_date": iso(due_date), "overdue": bool(state == "open" and due_date and today > due_date)}


def inbox_row(row, today: date) -> dict:
    """An inbox item (app/cases/views.py InboxRow): the task and what tells it apart (resource,
    applicant, channel, arrival)."""
    return {**_task(row.id, row.task_key, row.name, row.case_id, row.kind, row.state, row.department, row.role,
                    row.assignee, row.created_at, row.due_date, today),
            "resource_name": row.resource_name, "applicant_department_name": row.applicant_department_name,
            "green_channel": row.green_channel, "received_on": row.received_on.isoformat()}


def case(c: Case, open_tasks: list[HumanTask] | None = None, linked_cases: list[Case] | None = None,
         on: date | None = None) -> dict:
    """``open_tasks``: the case's open tasks when the caller loaded them already (a list);
    else those the command that changed the case projected, else read. ``linked_cases``: its
    linked cases when the caller loaded them, ``on`` the day a list page judges clocks by."""
    on = on or today()
    if open_tasks is None and c.projected_open_tasks is not None:
        open_tasks = sorted(c.projected_open_tasks, key=lambda t: t.created_at)
    if open_tasks is None:
        open_tasks = db.session.scalars(select(HumanTask).where(HumanTask.case_id == c.id,
                                                                HumanTask.state == "open")
                                        .order_by(HumanTask.created_at)).all()
    return {
        "id": c.id, "kind": c.kind, "status": c.status, "outcome": c.outcome,
        "resource": c.resource_code, "applicant": c.applicant.username,
        "department": c.department.code if c.department else None,
        "purpose": (c.input or {}).get("purpose"),
        "created_at": iso(c.created_at), "updated_at": iso(c.updated_at),
        "process": {"key": c.definition.key, "version": c.definition.version, "instance_id": c.id},
        "open_tasks": [{"id": t.id, "task_key": t.task_key, "name": t.name,
                        "department": t.department.code if t.department else None,
                        "due_date": iso(t.due_date)} for t in open_tasks],
        "sla": [sla(s, on) for s in c.sla or []],
        "linked": [{"id": k.id, "kind": k.kind, "status": k.status}
                   for k in (lists.linked_of([c])[c.id] if linked_cases is None else linked_cases)],
    }
