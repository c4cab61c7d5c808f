"""Read queries of the daily work, shared by the API and the pages: the inbox with its search,
filters, team view and paging, and what each row shows beside the task."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case as when, func, or_, select, union_all
from sqlalchemy.orm import aliased

from app.cases import access
from app.engine.clock import local_date
from app.extensions import db
from app.models import Case, Department, HumanTask, Resource, User
from app.services import timezone

ApplicantDept, TaskDept = aliased(Department), aliased(Department)
Assignee, Applicant = aliased(User), aliased(User)


@dataclass
class InboxRow:
    """One inbox line, read as columns (no ORM objects: a page is fifty of them): the task,
    and what tells its case apart (resource, applicant, channel, arrival)."""
    id: str
    task_key: str
    name: str
    case_id: str
    kind: str
    state: str
    role: str
    department: str | None  # the task's department code
    assignee: str | None  # username
    assignee_name: str | None
    created_at: datetime
    due_date: date | None
    resource_code: str | None
    case_input: dict | None
    case_created_at: datetime
    applicant_name: str
    resource_name: str | None
    applicant_department_name: str | None

    @property
    def green_channel(self) -> bool:
        return bool((self.case_input or {}).get("green_channel"))

    @property
    def received_on(self) -> date:
        """The day the request reached the agency: as recorded (open data), else its filing day."""
        recorded = (self.case_input or {}).get("submitted_on")
        return date.fromisoformat(recorded) if recorded else local_date(self.case_created_at, timezone())


ROW_COLUMNS = (HumanTask.id, HumanTask.task_key, HumanTask.name, HumanTask.case_id, HumanTask.kind, HumanTask.state,
               HumanTask.role, TaskDept.code, Assignee.username, Assignee.display_name, HumanTask.created_at,
               HumanTask.due_date, Case.resource_code, Case.input, Case.created_at, Applicant.display_name,
               Resource.name, ApplicantDept.name)


def _scope(user: User, scope: str | None) -> list:
    """The tasks in scope as disjoint conditions (see access.inbox_branches): ``department``,
    every open task of the caller's department (colleagues' too) and theirs elsewhere."""
    if scope == "department" and user.department_id is not None:
        here = HumanTask.department_id == user.department_id
        return [(HumanTask.state == "open") & here,
                (HumanTask.state == "open") & (HumanTask.assignee_id == user.id)
                & (HumanTask.department_id.is_(None) | ~here)]
    return access.inbox_branches(user)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _tasks(user: User, today: date, args: dict, *columns):
    """``columns`` of the open tasks in scope that pass the filters (``args`` as GET /tasks
    takes them), from the tasks alone: one select per scope branch, as a UNION ALL."""
    filters = _filters(user, today, args)
    branches = [select(*columns).where(branch, *filters) for branch in _scope(user, args.get("scope"))]
    return union_all(*branches) if len(branches) > 1 else branches[0]


def _filters(user: User, today: date, args: dict) -> list:
    """The conditions of the filters ``args`` names, on the tasks' own columns."""
    out = []
    if args.get("assigned") == "me":
        out.append(HumanTask.assignee_id == user.id)
    elif args.get("assigned") == "unassigned":
        out.append(HumanTask.assignee_id.is_(None))
    if args.get("kind"):
        out.append(HumanTask.kind == args["kind"])
    if args.get("request"):
        out.append(HumanTask.case_id == args["request"])
    if args.get("due_before"):
        out.append(HumanTask.due_date < args["due_before"])
    if args.get("overdue") is not None:
        out.append(_late(HumanTask, today) if args["overdue"] else ~_late(HumanTask, today))
    if args.get("resource"):
        out.append(HumanTask.resource_code == args["resource"])
    if args.get("q"):
        out.append(_search(args["q"].strip()))
    return out


def _search(text: str):
    """Resource code or name, applicant department, purpose: the catalog's matches first (two
    small tables), then the tasks' own copies of their case's facts, no case read."""
    pattern = _like(text)
    resources = db.session.scalars(select(Resource.code).where(or_(
        Resource.code.ilike(pattern, escape="\\"), Resource.name.ilike(pattern, escape="\\")))).all()
    departments = db.session.scalars(select(Department.id).where(Department.name.ilike(pattern, escape="\\"))).all()
    return or_(HumanTask.resource_code.ilike(pattern, escape="\\"), HumanTask.resource_code.in_(resources),
               HumanTask.applicant_department_id.in_(departments), HumanTask.purpose.ilike(pattern, escape="\\"))


def _late(task, today: date):
    return and_(task.due_date.is_not(None), task.due_date < today)


def _order(task, today: date) -> tuple:
    """Overdue first, then by due date (none last), then by arrival."""
    return when((_late(task, today), 0), else_=1), task.due_date.is_(None), task.due_date, task.created_at, task.id


def inbox(user: User, today: date, args: dict, offset: int = 0, limit: int | None = None):
    """A select of the ``InboxRow`` columns and the total, in inbox order.
    The page is cut from the tasks alone (``offset``, ``limit``) and only its rows are joined to
    their cases, so a page costs the department's open tasks, not their cases too; ``total``
    (every task that passes the filters) comes from the same pass, as a window count."""
    found = _tasks(user, today, args, HumanTask.id, HumanTask.due_date, HumanTask.created_at).subquery()
    page = (select(found.c.id, func.count().over().label("total"))
            .order_by(*_order(found.c, today)).offset(offset).limit(limit).subquery())
    return (select(*ROW_COLUMNS, page.c.total)
            .join(page, page.c.id == HumanTask.id)
            .join(Case, Case.id == HumanTask.case_id)
            .join(Applicant, Applicant.id == Case.applicant_id)
            .outerjoin(TaskDept, TaskDept.id == HumanTask.department_id)
            .outerjoin(Assignee, Assignee.id == HumanTask.assignee_id)
            .outerjoin(Resource, Resource.code == Case.resource_code)
            .outerjoin(ApplicantDept, ApplicantDept.id == Case.department_id)
            .order_by(*_order(HumanTask, today)))


def inbox_count(user: User, today: date, args: dict):
    return select(func.count()).select_from(_tasks(user, today, args, HumanTask.id).subquery())


def inbox_page(user: User, today: date, args: dict) -> tuple[list[InboxRow], int]:
    """One page of the inbox and the total count (counted apart only for a page past the end)."""
    per_page, page = args.get("per_page", 50), args.get("page", 1)
    found = db.session.execute(inbox(user, today, args, (page - 1) * per_page, per_page)).all()
    if found:
        return [InboxRow(*r[:-1]) for r in found], found[0][-1]
    return [], (0 if page == 1 else db.session.scalar(inbox_count(user, today, args)))
