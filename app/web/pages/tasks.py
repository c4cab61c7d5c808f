"""The approvers' pages: the inbox (overdue first), a task with its form, claim and complete."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.api.schemas_daily import InboxFilter, ReasonIn, ReassignIn
from app.cases import access, forms, handover, tasks, views
from app.errors import AppError
from app.extensions import db
from app.models import Case, HumanTask, Resource
from app.web import bp, labels, task_views
from app.web.deadlines import due, today
from app.web.forms import load, posted
from app.web.errors import text_of
from app.web.case_view import case_facts
from app.web.schema_form import data_from, field_errors, fields_of
from app.web.session import current_user, login_required

FIELD_CODES = ("validation_error", "reason_required")  # their details name form fields


PER_PAGE = 20


@bp.get("/inbox")
@login_required()
def inbox():
    """The API's inbox query (search, filters, team view, paging), overdue first."""
    user = current_user()
    args = {k: v for k, v in request.args.items() if k != "show"}
    show = request.args.get("show", "all")
    if show in ("mine", "unassigned"):
        args["assigned"] = "me" if show == "mine" else "unassigned"
    elif show == "team":
        args["scope"] = "department"
    args = load(InboxFilter(), {"per_page": str(PER_PAGE), **args})
    on = today()
    found, total = views.inbox_page(user, on, args)
    rows = [(row, due(row.due_date, on)) for row in found]
    pages = max(1, -(-total // args["per_page"]))
    resources = db.session.execute(select(Resource.code, Resource.name).order_by(Resource.code)).all()
    return render_template("inbox.html", rows=rows, show=show, args=args, total=total, pages=pages,
                           resources=resources)


def _may_act(user, task: HumanTask, case: Case) -> bool:
    """Show the claim button and the form: an open task the user may work, held by nobody else,
    of a case they did not file themselves."""
    return (task.state == "open" and access.can_work_task(user, task) and task.assignee_id in (None, user.id)
            and not access.is_own_case(user, task, case))


def _task_page(task: HumanTask, values: dict | None = None, errors: dict | None = None, status: int = 200,
               confirm: list | None = None):
    """The form is shown only to the one who claimed the task (claim before work)."""
    user = current_user()
    case = db.session.get(Case, task.case_id)
    schema = forms.form_for(forms.form_key(case.definition.elements, task.task_key))
    holds = task.state == "open" and task.assignee_id == user.id and access.can_work_task(user, task)
    return render_template("task.html", task=task, case=case, facts=case_facts(case),
                           task_due=due(task.due_date) if task.state == "open" else None,
                           can_work=_may_act(user, task, case), holds=holds,
                           held_by_other=task.assignee_id not in (None, user.id),
                           fields=fields_of(schema), values=values or {}, errors=errors or {},
                           confirm=confirm, done=task_views.completion(task) if task.state == "completed" else None,
                           colleagues=task_views.colleagues(task, user) if holds else [],
                           returnable=holds and handover.returnable(case, task)), status


@bp.get("/tasks/<task_id>")
@login_required()
def task_page(task_id: str):
    return _task_page(access.task_for_reading(current_user(), task_id))


@bp.post("/tasks/<task_id>/claim")
@login_required()
def claim(task_id: str):
    tasks.claim(current_user(), task_id)
    flash(_("已签收,请办理。"), "info")
    return redirect(url_for("web.task_page", task_id=task_id))


@bp.post("/tasks/<task_id>/unclaim")
@login_required()
def unclaim(task_id: str):
    tasks.unclaim(current_user(), task_id)
    flash(_("已退回,其他同事可以签收。"), "info")
    return redirect(url_for("web.inbox"))


@bp.post("/tasks/<task_id>/complete")
@login_required()
def complete(task_id: str):
    """Validated by the very schema the form was drawn from; a refusal is shown on the form.
    The first post shows what will be submitted; only ``confirm=1`` completes the task."""
    user = current_user()
    task = access.task_for_reading(user, task_id)
    form_key = forms.form_key(db.session.get(Case, task.case_id).definition.elements, task.task_key)
    schema = forms.form_for(form_key)
    data = data_from(request.form, schema)
    try:
        if request.form.get("confirm") != "1":
            if task.assignee_id is None:
                task = tasks.claim(user, task_id)  # the form's post claims it, as the API's complete does
            access.check_can_work(user, task)
            forms.validate(form_key, data)
            return _task_page(task, request.form, confirm=task_views.summary(data))
        case = tasks.complete(user, task_id, data)
    except AppError as exc:
        if exc.status != 422:
            raise
        db.session.rollback()
        flash(text_of(exc), "error")
        errors = field_errors(exc.details) if exc.code in FIELD_CODES else {}
        return _task_page(access.task_for_reading(user, task_id), request.form, errors, 422)
    flash(_("已办结「%(name)s」。", name=labels.step(task.task_key, task.name)), "info")
    return redirect(url_for("web.case_page", case_id=case.id))


@bp.post("/tasks/<task_id>/reassign")
@login_required()
def reassign(task_id: str):
    """转办 to a colleague, with the reason."""
    body = load(ReassignIn(), posted())
    task = handover.reassign(current_user(), task_id, body["to"], body["reason"])
    flash(_("已转办给 %(name)s。", name=task.assignee.display_name), "info")
    return redirect(url_for("web.inbox"))


@bp.post("/tasks/<task_id>/return")
@login_required()
def return_for_amendment(task_id: str):
    """退回修改: back to the applicant; the review clock pauses until they amend."""
    body = load(ReasonIn(), posted())
    case = handover.return_for_amendment(current_user(), task_id, body["reason"])
    flash(_("已退回申请单位修改,审核计时暂停。"), "info")
    return redirect(url_for("web.case_page", case_id=case.id))
