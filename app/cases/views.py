"""Read queries of the daily work, shared by the API and the pages: the inbox with its search,
filters, team view and paging, and what each row shows beside the task."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case as when, func, or_, select
from sqlalchemy.orm import aliased, lazyload, load_only

from app.cases import access
from app.engine.clock import local_date
from app.extensions import db
from app.models import Case, Department, HumanTask, Resource, User
from app.services import timezone

ApplicantDept = aliased(Department)


@dataclass
class InboxRow:
    task: HumanTask
    case: Case
    resource_name: str | None
    applicant_department_name: str | None

    @property
    def green_channel(self) -> bool:
        return bool((self.case.input or {}).get("green_channel"))

    @property
    def received_on(self) -> date:
        """The day the request reached the agency: as recorded (open data), else its filing day."""
        recorded = (self.case.input or {}).get("submitted_on")
        return date.fromisoformat(recorded) if recorded else local_date(self.case.created_at, timezone())


# What an inbox row shows of its case (InboxRow, app/api/present.py inbox_row, inbox.html): no
# stored workflow, SLA, lanes or outcome, and not the process definition, whose element table
# (8 kB of JSON) the driver would otherwise decode once per row.
ROW_CASE = (load_only(Case.id, Case.kind, Case.status, Case.resource_code, Case.applicant_id, Case.department_id,
                      Case.input, Case.created_at), lazyload(Case.definition), lazyload(Case.department))


def _scope(user: User, scope: str | None):
    """``department``: every open task of the caller's department (colleagues' too)."""
    if scope == "department" and user.department_id is not None:
        return select(HumanTask).where(HumanTask.state == "open",
                                       or_(HumanTask.department_id == user.department_id,
                                           HumanTask.assignee_id == user.id))
    return access.inbox(user)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _tasks(user: User, today: date, args: dict):
    """A select of the open tasks in scope that pass the filters (``args`` as GET /tasks takes
    them), from the tasks alone."""
    query = _scope(user, args.get("scope"))
    if args.get("assigned") == "me":
        query = query.where(HumanTask.assignee_id == user.id)
    elif args.get("assigned") == "unassigned":
        query = query.where(HumanTask.assignee_id.is_(None))
    if args.get("kind"):
        query = query.where(HumanTask.kind == args["kind"])
    if args.get("request"):
        query = query.where(HumanTask.case_id == args["request"])
    if args.get("due_before"):
        query = query.where(HumanTask.due_date < args["due_before"])
    if args.get("overdue") is not None:
        query = query.where(_late(HumanTask, today) if args["overdue"] else ~_late(HumanTask, today))
    if args.get("resource"):
        query = query.where(HumanTask.resource_code == args["resource"])
    if args.get("q"):
        # resource code or name, applicant department, purpose: the catalog's matches first (two
        # small tables), then the tasks' own copies of their case's facts, no case read
        pattern = _like(args["q"].strip())
        resources = db.session.scalars(select(Resource.code).where(or_(
            Resource.code.ilike(pattern, escape="\\"), Resource.name.ilike(pattern, escape="\\")))).all()
        departments = db.session.scalars(select(Department.id).where(
            Department.name.ilike(pattern, escape="\\"))).all()
        query = query.where(or_(HumanTask.resource_code.ilike(pattern, escape="\\"),
                                HumanTask.resource_code.in_(resources),
                                HumanTask.applicant_department_id.in_(departments),
                                HumanTask.purpose.ilike(pattern, escape="\\")))
    return query


def _late(task, today: date):
    return and_(task.due_date.is_not(None), task.due_date < today)


def _order(task, today: date) -> tuple:
    """Overdue first, then by due date (none last), then by arrival."""
    return when((_late(task, today), 0), else_=1), task.due_date.is_(None), task.due_date, task.created_at, task.id


def inbox(user: User, today: date, args: dict, offset: int = 0, limit: int | None = None):
    """A select of (task, case, resource name, applicant department name, total), in inbox order.
    The page is cut from the tasks alone (``offset``, ``limit``) and only its rows are joined to
    their cases, so a page costs the department's open tasks, not their cases too; ``total``
    (every task that passes the filters) comes from the same pass, as a window count."""
    page = (_tasks(user, today, args).with_only_columns(HumanTask.id, func.count().over().label("total"))
            .order_by(*_order(HumanTask, today)).offset(offset).limit(limit).subquery())
    return (select(HumanTask, Case, Resource.name, ApplicantDept.name, page.c.total)
            .join(page, page.c.id == HumanTask.id)
            .join(Case, Case.id == HumanTask.case_id)
            .outerjoin(Resource, Resource.code == Case.resource_code)
            .outerjoin(ApplicantDept, ApplicantDept.id == Case.department_id)
            .options(*ROW_CASE)
            .order_by(*_order(HumanTask, today)))


def inbox_count(user: User, today: date, args: dict):
    return select(func.count()).select_from(_tasks(user, today, args).with_only_columns(HumanTask.id).subquery())


def inbox_page(user: User, today: date, args: dict) -> tuple[list[InboxRow], int]:
    """One page of the inbox and the total count (counted apart only for a page past the end)."""
    per_page, page = args.get("per_page", 50), args.get("page", 1)
    found = db.session.execute(inbox(user, today, args, (page - 1) * per_page, per_page)).all()
    if found:
        return [InboxRow(*r[:4]) for r in found], found[0][4]
    return [], (0 if page == 1 else db.session.scalar(inbox_count(user, today, args)))
