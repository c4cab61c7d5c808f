"""The request lists (GET /requests and the /requests page share them): what the caller may
read, narrowed by the filters, newest first, and a count that stays cheap on a big history.

Order: (created_at, id) descending, which is exactly a backward scan of the indexes that end
in (created_at, id) (migration 0013), so a page reads about as many rows as it shows.
The count: exact up to ``COUNT_CAP``; beyond it the list says "more than COUNT_CAP" (``exact``
false) instead of counting a million rows on every page view. Twenty pages of fifty are
browsed; beyond that people filter (GitHub's search stops at 1,000 too)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import defer, joinedload

from app.cases import access, versions
from app.extensions import db
from app.models import Case, HumanTask, ProcessDefinition, User

COUNT_CAP = 1_000


# A list never shows the stored workflow, nor the definition's element table (8 kB of JSON the
# driver would otherwise decode once per row): only the definition's key and version.
LIST_CASE = (defer(Case.workflow_state),
             joinedload(Case.definition).load_only(ProcessDefinition.key, ProcessDefinition.version))


@dataclass
class Page:
    items: list
    total: int
    exact: bool  # False: there are more than ``total`` (= COUNT_CAP)


def requests_query(user: User, kind: str | None = None, status: str | None = None, process: str | None = None,
                   version: int | None = None, mine: bool = False):
    """A select of the cases ``user`` may read with the filters, newest first."""
    query = access.visible_cases(user).options(*LIST_CASE)
    if kind:
        query = query.where(Case.kind == kind)
    if status:
        query = query.where(Case.status == status)
    query = versions.of_version(query, process, version)
    if mine:
        query = query.where(Case.applicant_id == user.id)
    return query.order_by(Case.created_at.desc(), Case.id.desc())


def count_upto(query, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(rows of ``query``, exact): counted up to ``cap``, so at most cap + 1 rows are read; in the
    list's own order, so the count walks the same index as the page does."""
    n = db.session.scalar(select(func.count()).select_from(query.limit(cap + 1).subquery()))
    return (n, True) if n <= cap else (cap, False)


def page(query, number: int, per_page: int) -> Page:
    """One page of ``query`` and its (capped) count; no count when the first page holds all."""
    offset = (number - 1) * per_page
    items = db.session.scalars(query.offset(offset).limit(per_page)).unique().all()
    if offset == 0 and len(items) < per_page:
        return Page(items, len(items), True)
    total, exact = count_upto(query)
    return Page(items, total, exact)


def open_tasks_of(cases: list) -> dict[str, list[HumanTask]]:
    """case id -> its open tasks, oldest first: one query for a whole page of cases."""
    out: dict[str, list[HumanTask]] = {c.id: [] for c in cases}
    if out:
        for task in db.session.scalars(select(HumanTask).where(HumanTask.case_id.in_(list(out)),
                                                               HumanTask.state == "open")
                                       .order_by(HumanTask.created_at, HumanTask.id)):
            out[task.case_id].append(task)
    return out


def linked_of(cases: list) -> dict[str, list[Case]]:
    """case id -> the cases linked to it (app/api/present.py ``linked``), for a whole page in at
    most two queries instead of two per refused request."""
    out: dict[str, list[Case]] = {c.id: [] for c in cases}
    refused = [c for c in cases if c.kind == "share" and c.status == "refused"]
    about = {c.id: (c.input or {}).get("request") for c in cases if c.kind == "coordination"}
    if refused:
        by_id = {c.id: c for c in refused}
        for k in db.session.scalars(select(Case).options(*LIST_CASE).where(
                Case.kind == "coordination", Case.resource_code.in_({c.resource_code for c in refused}),
                Case.department_id.in_({c.department_id for c in refused}))):
            target = by_id.get((k.input or {}).get("request"))
            if target is not None and (target.resource_code, target.department_id) == (k.resource_code,
                                                                                         k.department_id):
                out[target.id].append(k)
    wanted = {i for i in about.values() if i}
    if wanted:
        found = {k.id: k for k in db.session.scalars(select(Case).options(*LIST_CASE).where(Case.id.in_(wanted)))}
        for case_id, target in about.items():
            if target in found:
                out[case_id].append(found[target])
    return out
