"""Auditors' pages: every case, its timeline on the diagram event by event, the replay of a
case and the verification of the hash chain. Replay and verify write nothing."""
from __future__ import annotations

from flask import Response, render_template, request
from sqlalchemy import func, select

from app.audit.replay import replay
from app.audit.verify import verify
from app.cases import access
from app.extensions import db
from app.models import Case
from app.web import bp
from app.web.case_view import case_facts, clocks, outcome_facts
from app.web.session import current_user, login_required
from app.web.timeline import as_json, path, steps

AUDITORS = ("auditor", "admin")
PER_PAGE = 50


def _index(verdict=None, status: int = 200):
    page = max(request.args.get("page", 1, type=int), 1)
    total = db.session.scalar(select(func.count()).select_from(Case))
    cases = db.session.scalars(select(Case).order_by(Case.created_at.desc(), Case.id)
                               .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return render_template("audit/index.html", cases=cases, total=total, page=page, per_page=PER_PAGE,
                           verdict=verdict), status


@bp.get("/audit")
@login_required(*AUDITORS)
def audit_index():
    return _index()


@bp.post("/audit/verify")
@login_required(*AUDITORS)
def audit_verify():
    """Recompute the whole hash chain: names the first changed, deleted or inserted event."""
    return _index(verify())


def _case_page(case: Case, result=None, verdict=None):
    lines = steps(case)
    return render_template("audit/case.html", case=case, facts=case_facts(case), outcome=outcome_facts(case),
                           clocks=clocks(case), lines=lines, steps_json=as_json(lines), path=path(case), result=result,
                           verdict=verdict)


@bp.get("/audit/requests/<case_id>")
@login_required(*AUDITORS)
def audit_case(case_id: str):
    return _case_page(access.case_for_reading(current_user(), case_id))


@bp.post("/audit/requests/<case_id>/replay")
@login_required(*AUDITORS)
def audit_replay(case_id: str):
    """Re-execute the case's BPMN version from its events and compare with what is stored."""
    case = access.case_for_reading(current_user(), case_id)
    result = replay(case)
    return _case_page(access.case_for_reading(current_user(), case_id), result=result)


@bp.post("/audit/requests/<case_id>/verify")
@login_required(*AUDITORS)
def audit_case_verify(case_id: str):
    verdict = verify()
    return _case_page(access.case_for_reading(current_user(), case_id), verdict=verdict)


@bp.get("/audit/requests/<case_id>/diagram.xml")
@login_required(*AUDITORS)
def audit_diagram(case_id: str):
    """The BPMN of the version the case runs on (not the latest)."""
    case = access.case_for_reading(current_user(), case_id)
    return Response(case.definition.xml, mimetype="application/xml")
