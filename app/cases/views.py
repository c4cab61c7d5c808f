"""Read queries of the daily work, shared by the API and the pages: the inbox with its search,
filters, team view and paging, and what each row shows beside the task."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, Integer, and_, bindparam, case as when, func, or_, select, union_all
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


# The inbox's statements are built once per shape (which scope, which filters are set) with
# bind parameters for every value: building one cost more than running it (1 ms a view).
# Parameters: those of access.inbox_params, ``today`` and each set filter's own name.
TODAY = bindparam("today", type_=Date)


@dataclass(frozen=True)
class _Shape:
    department_scope: bool  # scope=department: every open task of the caller's department
    has_department: bool
    assigned: str | None  # "me", "unassigned"
    overdue: bool | None
    set_filters: tuple  # names of the value filters set: kind, request, due_before, resource, q


VALUE_FILTERS = ("kind", "request", "due_before", "resource", "q")


def _shape(user: User, args: dict) -> _Shape:
    has_department = user.department_id is not None
    return _Shape(department_scope=args.get("scope") == "department" and has_department,
                  has_department=has_department, assigned=args.get("assigned") or None,
                  overdue=args.get("overdue"), set_filters=tuple(f for f in VALUE_FILTERS if args.get(f)))


def _params(user: User, today: date, args: dict) -> dict:
    params = {**access.inbox_params(user), "today": today}
    params.update({f: args[f] for f in VALUE_FILTERS if args.get(f) and f != "q"})
    if args.get("q"):
        params.update(_search_params(args["q"].strip()))
    return params


def _scope(shape: _Shape) -> list:
    """The tasks in scope as disjoint conditions (see access.inbox_branches): ``department``,
    every open task of the caller's department (colleagues' too) and theirs elsewhere."""
    if shape.department_scope:
        here = HumanTask.department_id == access.DEPARTMENT_ID
        return [(HumanTask.state == "open") & here,
                (HumanTask.state == "open") & (HumanTask.assignee_id == access.USER_ID)
                & (HumanTask.department_id.is_(None) | ~here)]
    return access.inbox_branches(shape.has_department)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _tasks(shape: _Shape, *columns):
    """``columns`` of the open tasks in scope that pass the filters, from the tasks alone: one
    select per scope branch, as a UNION ALL."""
    filters = _filters(shape)
    branches = [select(*columns).where(branch, *filters) for branch in _scope(shape)]
    return union_all(*branches) if len(branches) > 1 else branches[0]


def _filters(shape: _Shape) -> list:
    """The conditions of the filters set, on the tasks' own columns."""
    out = []
    if shape.assigned == "me":
        out.append(HumanTask.assignee_id == access.USER_ID)
    elif shape.assigned == "unassigned":
        out.append(HumanTask.assignee_id.is_(None))
    value_filters = {"kind": HumanTask.kind == bindparam("kind"),
                     "request": HumanTask.case_id == bindparam("request"),
                     "due_before": HumanTask.due_date < bindparam("due_before", type_=Date),
                     "resource": HumanTask.resource_code == bindparam("resource")}
    out += [value_filters[f] for f in shape.set_filters if f in value_filters]
    if shape.overdue is not None:
        out.append(_late(HumanTask, TODAY) if shape.overdue else ~_late(HumanTask, TODAY))
    if "q" in shape.set_filters:
        out.append(_SEARCH)
    return out


# Resource code or name, applicant department, purpose: the catalog's matches first (two small
# tables, ``_search_params``), then the tasks' own copies of their case's facts, no case read.
_PATTERN = bindparam("pattern")
_SEARCH = or_(HumanTask.resource_code.ilike(_PATTERN, escape="\\"),
              HumanTask.resource_code.in_(bindparam("q_resources", expanding=True)),
              HumanTask.applicant_department_id.in_(bindparam("q_departments", expanding=True)),
              HumanTask.purpose.ilike(_PATTERN, escape="\\"))
_RESOURCES_LIKE = select(Resource.code).where(or_(Resource.code.ilike(_PATTERN, escape="\\"),
                                                  Resource.name.ilike(_PATTERN, escape="\\")))
_DEPARTMENTS_LIKE = select(Department.id).where(Department.name.ilike(_PATTERN, escape="\\"))


def _search_params(text: str) -> dict:
    pattern = {"pattern": _like(text)}
    return {**pattern, "q_resources": db.session.scalars(_RESOURCES_LIKE, pattern).all(),
            "q_departments": db.session.scalars(_DEPARTMENTS_LIKE, pattern).all()}


def _late(task, today):
    return and_(task.due_date.is_not(None), task.due_date < today)


def _order(task, today) -> tuple:
    """Overdue first, then by due date (none last), then by arrival."""
    return when((_late(task, today), 0), else_=1), task.due_date.is_(None), task.due_date, task.created_at, task.id


def inbox(user: User, today: date, args: dict, offset: int = 0, limit: int | None = None):
    """A select of the ``InboxRow`` columns and the total, in inbox order, and its parameters.
    The page is cut from the tasks alone (``offset``, ``limit``) and only its rows are joined to
    their cases, so a page costs the department's open tasks, not their cases too; ``total``
    (every task that passes the filters) comes from the same pass, as a window count."""
    return _inbox(_shape(user, args), limit is not None), \
        {**_params(user, today, args), "offset": offset, "limit": limit}


@functools.lru_cache(maxsize=256)
def _inbox(shape: _Shape, limited: bool):
    found = _tasks(shape, HumanTask.id, HumanTask.due_date, HumanTask.created_at).subquery()
    page = select(found.c.id, func.count().over().label("total")).order_by(*_order(found.c, TODAY)) \
        .offset(bindparam("offset", type_=Integer))
    if limited:
        page = page.limit(bindparam("limit", type_=Integer))
    page = page.subquery()
    return (select(*ROW_COLUMNS, page.c.total)
            .join(page, page.c.id == HumanTask.id)
            .join(Case, Case.id == HumanTask.case_id)
            .join(Applicant, Applicant.id == Case.applicant_id)
            .outerjoin(TaskDept, TaskDept.id == HumanTask.department_id)
            .outerjoin(Assignee, Assignee.id == HumanTask.assignee_id)
            .outerjoin(Resource, Resource.code == Case.resource_code)
            .outerjoin(ApplicantDept, ApplicantDept.id == Case.department_id)
            .order_by(*_order(HumanTask, TODAY)))


def inbox_count(user: User, today: date, args: dict):
    """A select of the number of tasks that pass the filters, and its parameters."""
    return _inbox_count(_shape(user, args)), _params(user, today, args)


@functools.lru_cache(maxsize=256)
def _inbox_count(shape: _Shape):
    return select(func.count()).select_from(_tasks(shape, HumanTask.id).subquery())


def inbox_page(user: User, today: date, args: dict) -> tuple[list[InboxRow], int]:
    """One page of the inbox and the total count (counted apart only for a page past the end)."""
    per_page, page = args.get("per_page", 50), args.get("page", 1)
    stmt, params = inbox(user, today, args, (page - 1) * per_page, per_page)
    found = db.session.execute(stmt, params).all()
    if found:
        return [InboxRow(*r[:-1]) for r in found], found[0][-1]
    if page == 1:
        return [], 0
    # the page's own parameters (paging ones unused): a search's catalog matches are not looked up again
    return [], db.session.scalar(_inbox_count(_shape(user, args)), params)
