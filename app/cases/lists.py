"""The request lists (GET /requests and the /requests page share them): what the caller may
read, narrowed by the filters, newest first, and a count that stays cheap on a big history.

Order: (created_at, id) descending. Each way a case is the caller's to read (access.visibility:
filed by them, filed or provided by their department, a task of their department in it) has
an index ending in (created_at, id) (migrations 0013, 0014): a page takes the newest of each
way from its own index and merges them, so it reads about as many index entries as it shows
per way, not every case the department may not read on the way there.
The count: exact up to ``COUNT_CAP``; beyond it the list says "more than COUNT_CAP" (``exact``
false) instead of counting a million rows on every page view. Twenty pages of fifty are
browsed; beyond that people filter (GitHub's search stops at 1,000 too)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, union
from sqlalchemy.orm import defer, joinedload, lazyload

from app.cases import access, versions
from app.extensions import db
from app.models import Case, HumanTask, ProcessDefinition, User

COUNT_CAP = 1_000


# A list never shows the stored workflow, nor the definition's element table (8 kB of JSON the
# driver would otherwise decode once per row): only the definition's key and version.
# Nor the applicant's department (a list names the applicant and the case's own department).
LIST_CASE = (defer(Case.workflow_state),
             joinedload(Case.definition).load_only(ProcessDefinition.key, ProcessDefinition.version),
             joinedload(Case.applicant).lazyload(User.department))
NEWEST = (Case.created_at.desc(), Case.id.desc())


@dataclass
class Page:
    items: list
    total: int
    exact: bool  # False: there are more than ``total`` (= COUNT_CAP)


@dataclass
class RequestQuery:
    """The cases a caller may read (``ways``, any of them; None: all) that pass ``filters``."""
    ways: list | None
    filters: list

    def newest(self, limit: int):
        """A select of (id, created_at) of the ``limit`` newest: per way from its own index,
        merged (UNION: a case may be the caller's in two ways)."""
        parts = [select(Case.id, Case.created_at).where(*way, *self.filters).order_by(*NEWEST).limit(limit)
                 for way in ([[]] if self.ways is None else [[w] for w in self.ways])]
        if len(parts) == 1:
            return parts[0]
        merged = union(*[part.subquery().select() for part in parts]).subquery()
        return (select(merged.c.id, merged.c.created_at).order_by(merged.c.created_at.desc(), merged.c.id.desc())
                .limit(limit))

    def page_select(self, offset: int, limit: int):
        """A select of the cases of one page, newest first."""
        ids = self.newest(offset + limit).subquery()
        on_page = select(ids.c.id).order_by(ids.c.created_at.desc(), ids.c.id.desc()).offset(offset).limit(limit)
        return select(Case).options(*LIST_CASE).where(Case.id.in_(on_page)).order_by(*NEWEST)

    def count_select(self, cap: int = COUNT_CAP):
        """A select of how many there are, counted up to ``cap`` + 1."""
        return select(func.count()).select_from(self.newest(cap + 1).subquery())


def requests_query(user: User, kind: str | None = None, status: str | None = None, process: str | None = None,
                   version: int | None = None, mine: bool = False) -> RequestQuery:
    """The cases ``user`` may read with the filters."""
    filters = [Case.kind == kind if kind else None, Case.status == status if status else None,
               versions.of_version(process, version), Case.applicant_id == user.id if mine else None]
    return RequestQuery(access.visibility(user), [f for f in filters if f is not None])


def count_upto(query: RequestQuery, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(matching cases, exact): counted up to ``cap``, so at most cap + 1 are read per way."""
    n = db.session.scalar(query.count_select(cap))
    return (n, True) if n <= cap else (cap, False)


def page(query: RequestQuery, number: int, per_page: int) -> Page:
    """One page of ``query`` and its (capped) count; no count when the first page holds all."""
    offset = (number - 1) * per_page
    items = db.session.scalars(query.page_select(offset, per_page)).unique().all()
    if offset == 0 and len(items) < per_page:
        return Page(items, len(items), True)
    total, exact = count_upto(query)
    return Page(items, total, exact)


def open_tasks_of(cases: list) -> dict[str, list[HumanTask]]:
    """case id -> its open tasks, oldest first: one query for a whole page of cases."""
    out: dict[str, list[HumanTask]] = {c.id: [] for c in cases}
    if out:
        for task in db.session.scalars(select(HumanTask).options(lazyload(HumanTask.assignee))  # not listed
                                       .where(HumanTask.case_id.in_(list(out)), HumanTask.state == "open")
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
