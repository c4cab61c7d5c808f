"""Who may see and work what: role plus department, checked for every case and task."""
from __future__ import annotations

import functools

from sqlalchemy import Integer, bindparam, func, or_, select, union_all

from app.cases.lanes import APPLICANT_LANES
from app.errors import AppError, forbidden, not_found
from app.extensions import db
from app.models import Case, HumanTask, User

READ_ALL = ("admin", "auditor")


def visible_cases(user: User):
    """A select of the cases ``user`` may read."""
    ways = visibility(user)
    return select(Case) if ways is None else select(Case).where(or_(*ways))


def visibility(user: User) -> list | None:
    """The ways a case is ``user``'s to read, as conditions (any of them; None: every case),
    each of which an index serves: they filed it, their department filed or provides it, or
    their department has a task in it. For the last, the case's own two departments are tested
    by their columns, so only tasks of other departments are looked up (a small set)."""
    if user.has_role(*READ_ALL):
        return None
    ways = [Case.applicant_id == user.id]
    if user.department_id is not None:
        dept = user.department_id
        ways += [Case.department_id == dept, Case.provider_department_id == dept,
                 Case.id.in_(select(HumanTask.case_id).where(HumanTask.department_id == dept,
                                                             HumanTask.other_department))]
    return ways


def case_for_reading(user: User, case_id: str) -> Case:
    case = db.session.scalar(visible_cases(user).where(Case.id == case_id))
    if case is None:
        raise not_found(request=case_id)
    return case


def can_see_task(user: User, task: HumanTask) -> bool:
    return (user.has_role(*READ_ALL) or task.assignee_id == user.id
            or (user.department_id is not None and task.department_id == user.department_id))


def can_work_task(user: User, task: HumanTask) -> bool:
    if task.assignee_id == user.id:
        return True
    return (user.department_id is not None and task.department_id == user.department_id
            and user.has_role(task.role))


def task_for_reading(user: User, task_id: str) -> HumanTask:
    task = db.session.get(HumanTask, task_id)
    if task is None or not can_see_task(user, task):
        raise not_found(task=task_id)
    return task


def check_can_work(user: User, task: HumanTask) -> None:
    """404 when the caller may not even see the task, 403 when they see but may not work it."""
    if not can_see_task(user, task):
        raise not_found(task=task.id)
    if not can_work_task(user, task):
        raise forbidden(task=task.id, role=task.role)


def is_own_case(user: User, task: HumanTask, case: Case) -> bool:
    """Separation of duties: a task of a case ``user`` filed, outside the applicant's own lanes
    (those are the filer's own work, e.g. a supplement or a purchase's catalog registration)."""
    lane = (case.definition.elements or {}).get(task.task_key, {}).get("lane")
    return case.applicant_id == user.id and lane not in APPLICANT_LANES


def check_not_own_case(user: User, task: HumanTask, case: Case) -> None:
    """Nobody works a task of a case they filed: 403 ``own_case``."""
    if is_own_case(user, task, case):
        raise AppError("own_case", 403, {"task": task.id, "request": case.id})


# The caller in the inbox's statements, bound by ``inbox_params``.
USER_ID, DEPARTMENT_ID = bindparam("user_id", type_=Integer), bindparam("department_id", type_=Integer)


def inbox_branches(has_department: bool) -> list:
    """The open tasks the caller may work, as disjoint conditions, each read from one index
    alone: the department's open tasks in the caller's roles, unassigned or theirs
    (ix_human_tasks_inbox, which covers what the inbox filters and orders by), and tasks
    assigned to them elsewhere. A query over their UNION ALL reads no table rows to pick a page;
    one OR of them made PostgreSQL fetch every candidate's row (thousands of heap pages per
    inbox view). Bound by ``inbox_params`` (the statements using them are built once per shape:
    building one cost more than running it)."""
    mine = (HumanTask.state == "open") & (HumanTask.assignee_id == USER_ID)
    if not has_department:
        return [mine]
    in_lane = (HumanTask.department_id == DEPARTMENT_ID) & HumanTask.role.in_(bindparam("roles", expanding=True))
    # unassigned or mine, as one coalesce: one index range with a filter, not two bitmaps
    unassigned_or_mine = func.coalesce(HumanTask.assignee_id, USER_ID) == USER_ID
    return [(HumanTask.state == "open") & in_lane & unassigned_or_mine, mine & ~in_lane]


def inbox_params(user: User) -> dict:
    """The values of ``inbox_branches``' parameters for ``user``."""
    return {"user_id": user.id, "department_id": user.department_id, "roles": list(user.roles)}


def newest_in_inbox(user: User, limit: int) -> list:
    """The ``limit`` newest tasks of the caller's inbox (the notifications on every page), as rows
    of what a notification names (id, case_id, name, created_at, due_date): the newest of each
    branch from its own index, merged, instead of every candidate's row sorted."""
    return db.session.execute(_newest(user.department_id is not None), {**inbox_params(user), "limit": limit}).all()


@functools.lru_cache(maxsize=2)
def _newest(has_department: bool):
    limit = bindparam("limit", type_=Integer)
    newest = union_all(*[select(HumanTask.id, HumanTask.created_at).where(branch)
                         .order_by(HumanTask.created_at.desc()).limit(limit).subquery().select()
                         for branch in inbox_branches(has_department)]).subquery()
    ids = select(newest.c.id).order_by(newest.c.created_at.desc()).limit(limit)
    return select(HumanTask.id, HumanTask.case_id, HumanTask.name, HumanTask.created_at,
                  HumanTask.due_date).where(HumanTask.id.in_(ids)).order_by(HumanTask.created_at.desc())
