"""Applicants' and citizens' pages: file each kind of request, follow it, answer a
supplement request, withdraw. Anyone who may read a case sees its page."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema
from sqlalchemy import select

from app import catalog
from app.api.schemas import MAX_PAGE, OpenDataRequestIn, PurchaseRequestIn, ShareRequestIn, SupplementIn
from app.api.schemas_regulatory import CoordinateIn, ObjectionIn
from app.cases import access, coordination, lists, objection, open_data, purchase, requests, share
from app.cases.history import sees_full_history
from app.cases.open_data import OPEN_TYPES
from app.errors import AppError
from app.extensions import db
from app.grants.views import of_case as grants_of
from app.models import Case, Resource, User
from app.models.case import KINDS, STATUSES
from app.web import bp, casework_view
from app.web.case_view import case_facts, clocks, history, open_tasks, outcome_facts
from app.web.deadlines import today
from app.web.errors import text_of
from app.web.forms import field_errors, load, trimmed
from app.web.labels import OPEN_TYPES as OPEN_TYPE_LABELS, SHARE_TYPES as SHARE_TYPE_LABELS, label
from app.web.pages.grants import rows as grant_rows
from app.web.session import current_user, login_required

PER_PAGE = 50
# kind -> the role that may file it (API.md "Requests")
FILERS = {"share": "applicant", "purchase": "applicant", "open_data": "citizen", "objection": "applicant"}


@bp.get("/requests")
@login_required()
def request_list():
    user = current_user()
    kind, status = request.args.get("kind"), request.args.get("status")
    kind, status = (kind if kind in KINDS else None), (status if status in STATUSES else None)
    process, version = request.args.get("process") or None, request.args.get("version", type=int)
    mine = request.args.get("mine") == "1"
    # the process page links its running cases here (process, version)
    query = lists.requests_query(user, kind, status, process, version, mine)
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    found = lists.page(query, page, PER_PAGE)
    return render_template("requests.html", cases=found.items, total=found.total, exact=found.exact, page=page,
                           per_page=PER_PAGE,
                           kind=kind, status=status, mine=mine, kinds=KINDS, statuses=STATUSES,
                           process=process, version=version,
                           can_file=[k for k, role in FILERS.items() if user.has_role(role)])


@bp.get("/requests/new")
@login_required("applicant", "citizen")
def new_request():
    user = current_user()
    return render_template("request_new.html", kinds=[k for k, role in FILERS.items() if user.has_role(role)])


def _resources(kind: str) -> list[Resource]:
    query = catalog.visible(current_user(), select(Resource)).order_by(Resource.code)
    if kind == "open_data":
        query = query.where(Resource.open_type.in_(OPEN_TYPES))
    return db.session.scalars(query).all()


def _option(kind: str, resource: Resource) -> tuple[str, str]:
    """A resource as the filer chooses it: name, code, how it is shared or opened, provider."""
    how = label(OPEN_TYPE_LABELS, resource.open_type) if kind == "open_data" else \
        label(SHARE_TYPE_LABELS, resource.effective_share_type(today()))
    return resource.code, f"{resource.name}({resource.code})— {how} · {resource.provider.name}"


def _form_page(kind: str, values=None, errors=None, status: int = 200):
    options = [_option(kind, r) for r in _resources(kind)]
    return render_template(f"request_{kind}.html", options=options, values=values or {},
                           errors=errors or {}), status


@bp.route("/requests/new/<kind>", methods=["GET", "POST"])
@login_required("applicant", "citizen")
def file_request(kind: str):
    """The API's schema validates the form; a refusal shows the form again, fields marked."""
    user = current_user()
    if kind not in FORMS:
        abort(404)
    if not user.has_role(FILERS[kind]):
        abort(403)
    if request.method == "GET":
        return _form_page(kind)
    form = FORMS[kind]
    try:
        case = form.start(user, load(form.schema, form.body()))
    except AppError as exc:
        db.session.rollback()
        if exc.code == "validation_error":
            flash(_("请检查标出的内容。"), "error")
            return _form_page(kind, request.form, field_errors(exc, form.renames, form.hints()), 422)
        flash(text_of(exc), "error")
        return _form_page(kind, request.form, {}, exc.status)
    flash(_("申请已提交。"), "info")
    return redirect(url_for("web.case_page", case_id=case.id))


@dataclass(frozen=True)
class FilingForm:
    """How one kind of request's form becomes the body of its API call, and that call."""
    schema: type[Schema]
    body: Callable[[], dict]
    start: Callable[[User, dict], Case]
    renames: dict[str, str] = field(default_factory=dict)
    hints: Callable[[], dict[str, str]] = dict


def _share_body() -> dict:
    body = trimmed(("resource", "purpose", "legal_basis"))
    if request.form.get("green_channel") == "on":
        reason = request.form.get("green_reason", "").strip()
        body["green_channel"] = {"reason": reason} if reason else {}
    return body


FORMS = {
    "share": FilingForm(
        ShareRequestIn, _share_body,
        lambda user, b: share.start(user, b["resource"], b["purpose"], b["legal_basis"], b["green_channel"]),
        renames={"green_channel.reason": "green_reason"},
        hints=lambda: {"green_reason": _("申请绿色通道须说明理由")}),
    "open_data": FilingForm(
        OpenDataRequestIn, lambda: trimmed(("resource", "purpose", "description", "channel")),
        lambda user, b: open_data.start(user, b["resource"], b["purpose"], b["description"], b["channel"])),
    "purchase": FilingForm(
        PurchaseRequestIn, lambda: trimmed(("title", "supplier", "description", "purpose", "budget_yuan")),
        purchase.start, hints=lambda: {"budget_yuan": _("请填写金额,例如 120000.00")}),
    "objection": FilingForm(
        ObjectionIn, lambda: trimmed(("resource", "description")),
        lambda user, b: objection.start(user, b["resource"], b["description"])),
}


@bp.get("/requests/<case_id>")
@login_required()
def case_page(case_id: str, confirm_withdraw: bool = False):
    user = current_user()
    case = access.case_for_reading(user, case_id)
    tasks = open_tasks(case)
    supplement = next((t for t in tasks if t.task_key in ("applicant_supplement", "late_supplement")), None)
    full = sees_full_history(user, case)
    return render_template("case.html", case=case, facts=case_facts(case), outcome=outcome_facts(case),
                           clocks=clocks(case), tasks=tasks, history=casework_view.readable_actors(case, history(case, public=not full), user),
                           full_history=full, grants=grant_rows(user, grants_of(user, case.id)),
                           workable={t.id for t in tasks if access.can_work_task(user, t)},
                           is_applicant=case.applicant_id == user.id,
                           may_coordinate=(case.kind == "share" and case.status == "refused"
                                           and user.has_role("applicant") and user.department_id is not None
                                           and user.department_id == case.department_id),
                           supplement=supplement if case.applicant_id == user.id else None,
                           confirm_withdraw=confirm_withdraw, **casework_view.page_parts(case, user))


@bp.post("/requests/<case_id>/withdraw")
@login_required()
def withdraw(case_id: str):
    """Asks for a confirmation first; only ``confirm=1`` withdraws."""
    user = current_user()
    case = access.case_for_reading(user, case_id)
    if request.form.get("confirm") != "1":
        if case.applicant_id != user.id:
            abort(403)
        return case_page(case_id, confirm_withdraw=True)
    requests.withdraw(user, case_id)
    flash(_("申请已撤回。"), "info")
    return redirect(url_for("web.case_page", case_id=case_id))


@bp.post("/requests/<case_id>/coordinate")
@login_required("applicant")
def coordinate(case_id: str):
    """协调 (Art. 23 ¶1): the applicant department asks the authority to coordinate a refusal."""
    try:
        body = load(CoordinateIn, trimmed(("reason",)))
    except AppError as exc:
        flash(field_errors(exc, hints={"reason": _("请说明提请协调的理由。")})["reason"], "error")
        return redirect(url_for("web.case_page", case_id=case_id))
    coord = coordination.ask(current_user(), case_id, body["reason"])
    flash(_("已提请大数据主管部门协调。"), "info")
    return redirect(url_for("web.case_page", case_id=coord.id))


@bp.post("/requests/<case_id>/supplement")
@login_required()
def supplement(case_id: str):
    """补正 (政府信息公开条例 Art. 30): the applicant answers in their own words."""
    user = current_user()
    case = access.case_for_reading(user, case_id)
    if case.applicant_id != user.id:
        abort(403)
    try:
        body = load(SupplementIn, trimmed(("description", "good_reason")))  # good_reason: late only (Art. 30)
    except AppError as exc:
        flash(" ".join(field_errors(exc, hints={"description": _("请填写补正内容。")}).values()), "error")
        return redirect(url_for("web.case_page", case_id=case_id))
    done = open_data.supplement(user, case_id, body["description"], body.get("good_reason"))
    flash(_("补正材料已提交,答复期限自今日起重新计算。") if done.status == "pending"
          else _("逾期补正已提交,由行政机关审查理由是否正当。"), "info")
    return redirect(url_for("web.case_page", case_id=case_id))
