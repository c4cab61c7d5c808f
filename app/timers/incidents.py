"""Incidents: timer jobs that failed MAX_ATTEMPTS times and wait for an operator.

Retrying puts the job back to ``waiting`` with its attempts reset, so the runner fires it at
its next tick (its due time has passed) with the full retry budget again.
"""
from __future__ import annotations

from sqlalchemy import select

from app.cases.uow import UnitOfWork
from app.errors import conflict, not_found
from app.extensions import db
from app.models import Case, TimerJob


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
