"""Incidents: timer jobs that failed MAX_ATTEMPTS times and wait for an operator, and tasks
no one can work (``no_handler``), kept as incident rows of the same table so admins see both.

Retrying puts the job back to ``waiting`` with its attempts reset, so the runner fires it at
its next tick (its due time has passed) with the full retry budget again.
"""
from __future__ import annotations

from sqlalchemy import select

from app.cases.uow import UnitOfWork
from app.errors import conflict, invalid, not_found
from app.extensions import db
from app.models import Case, TimerJob
from app.models.types import new_id


def open_incidents():
    """The query for timer jobs in state ``incident``, oldest due first."""
    return select(TimerJob).where(TimerJob.state == "incident").order_by(TimerJob.due_at, TimerJob.id)


def retry(job_id: str, actor: str) -> TimerJob:
    """Re-queue an incident (404 unknown, 409 not an incident); audited on its case."""
    with UnitOfWork(actor) as uow:
        job = db.session.get(TimerJob, job_id, with_for_update=True, populate_existing=True)
        if job is None:
            raise not_found(incident=job_id)
        if job.state != "incident":
            raise conflict("not_incident", {"incident": job_id, "state": job.state}, state=job.state)
        uow.record(db.session.get(Case, job.case_id), "incident_retried", job.element,
                   {"job": job.id, "attempts": job.attempts, "last_error": job.last_error})
        job.state, job.attempts = "waiting", 0
        job.lock_owner = job.lock_expires_at = None
    return job


def unworkable(uow, case: Case, lane: str | None, department_code: str | None = None) -> str | None:
    """Why no one can work a task in ``lane`` of ``case`` (None: someone can): the lane has
    no department for this case, or that department has no active user with the lane's role."""
    from app.cases.lanes import LANE_ROLES, PERSONAL_LANES

    if lane is None or lane in PERSONAL_LANES:
        return None
    department = uow.department(department_code or case.lanes.get(lane))
    if department is None:
        return f"no department for lane {lane}"
    role = LANE_ROLES.get(lane, "admin")
    if not any(u.has_role(role) and not u.disabled for u in uow.users_of(department)):
        return f"no active user with role {role} in {department.code} for lane {lane}"
    return None


def check_handler(uow, case: Case, spiff_task_id: str, element: str, lane: str | None, new: bool,
                  department_code: str | None = None) -> None:
    """A task nobody can work: refused at filing (422 ``no_handler`` naming the lane), raised
    as an incident (GET /incidents) when a running case reaches it, so an admin sees it. A task
    per party named in the case's data (a grant holder) is an incident even at filing: one party
    with nobody to act must not stop the filer's duty towards the others (Art. 23 ¶2)."""
    from app.cases.lanes import DATA_LANES

    problem = unworkable(uow, case, lane, department_code)
    if problem is None:
        return
    if new and lane not in DATA_LANES:
        raise invalid("no_handler", {"lane": lane, "element": element, "problem": problem}, lane=lane)
    job = TimerJob(id=new_id(), case_id=case.id, spiff_task_id=spiff_task_id, element=element, due_at=uow.now,
                   state="incident", attempts=0, last_error=f"no_handler: {problem}")
    db.session.add(job)
    uow.record(case, "incident_raised", element, {"job": job.id, "lane": lane, "error": job.last_error})
