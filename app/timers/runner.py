"""Acquire due timer jobs and fire them, any number of service processes at once.

Acquisition takes due, unlocked jobs with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL) and stamps
them with a lock owner and expiry, so a crashed process's jobs come back when the lock
expires. Firing goes through the same unit of work as a task completion (the case row lock
serialises the two). A failure retries with backoff, then becomes an incident.
"""
from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta

from sqlalchemy import or_, select

from app.cases.uow import UnitOfWork
from app.errors import AppError
from app.extensions import db
from app.models import Case, TimerJob
from app.services import clock, engine

log = logging.getLogger(__name__)
LOCK_SECONDS = 300
MAX_ATTEMPTS = 3
BACKOFF_SECONDS = 30
BATCH = 100
ACTOR = "system:timer"
FIRED, LOST, RELEASED = "fired", "lost", "released"


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def acquire(owner: str, limit: int = BATCH, exclude: frozenset = frozenset()) -> list[str]:
    """Lock up to ``limit`` due jobs for ``owner``; returns their ids (committed)."""
    now = clock().now()
    db.session.rollback()
    query = select(TimerJob).where(TimerJob.state == "waiting", TimerJob.due_at < now,
                                   or_(TimerJob.lock_expires_at.is_(None), TimerJob.lock_expires_at < now))
    if exclude:
        query = query.where(TimerJob.id.not_in(exclude))
    jobs = db.session.scalars(
        query.order_by(TimerJob.due_at).limit(limit).with_for_update(skip_locked=True, of=TimerJob)).all()
    for job in jobs:
        job.lock_owner, job.lock_expires_at = owner, now + timedelta(seconds=LOCK_SECONDS)
    ids = [job.id for job in jobs]
    db.session.commit()
    return ids


def fire(job_id: str, owner: str) -> str:
    """Fire one acquired job in its case's unit of work.

    Returns ``fired``, ``lost`` (no longer ours: done, taken over or cancelled meanwhile) or
    ``released`` (the engine does not consider it due yet; it is unlocked to come back).
    """
    with UnitOfWork(ACTOR) as uow:
        job = db.session.get(TimerJob, job_id)
        if job is None:
            return LOST
        case = uow.lock_case(job.case_id)
        db.session.refresh(job)
        if job.state != "waiting" or job.lock_owner != owner:
            return LOST
        workflow = uow.workflow_of(case)
        uow.record(case, "timer_fired", job.element, {"job": job.id, "due_at": job.due_at.isoformat()})
        engine().fire_due_timers(workflow, uow.ctx)
        uow.save(case, workflow)
        if job.state == "waiting":  # not yet due by the engine's reckoning: let it come back
            job.lock_owner = job.lock_expires_at = None
            return RELEASED
    return FIRED


def record_failure(job_id: str, error: str) -> None:
    """Count the attempt; back off exponentially, and after MAX_ATTEMPTS raise an incident.
    A command of its own (the failed one was rolled back), so the incident's event is chained
    at commit like every other write."""
    db.session.rollback()
    with UnitOfWork(ACTOR) as uow:
        job = db.session.get(TimerJob, job_id, populate_existing=True)
        job.attempts += 1
        job.last_error = error[:2000]
        job.lock_owner = None
        if job.attempts >= MAX_ATTEMPTS:
            job.state, job.lock_expires_at = "incident", None
            uow.record(db.session.get(Case, job.case_id), "incident_raised", job.element,
                       {"job": job.id, "attempts": job.attempts, "error": job.last_error})
        else:
            job.lock_expires_at = uow.now + backoff(job.attempts)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 60 s after the first failure, then 120 s, 240 s, ..."""
    return timedelta(seconds=BACKOFF_SECONDS * 2 ** attempts)


def describe(exc: Exception) -> str:
    """What an operator reads in ``last_error``."""
    if not isinstance(exc, AppError):
        return repr(exc)
    parts = [f"{exc.code}:", exc.params.get("problem"), str(exc.details) if exc.details else None]
    return " ".join(p for p in parts if p)


def run_due(owner: str | None = None, limit: int | None = None) -> int:
    """Fire every job due now; returns how many fired."""
    owner = owner or default_owner()
    fired, released = 0, set()
    while limit is None or fired < limit:
        ids = acquire(owner, BATCH if limit is None else min(BATCH, limit - fired), frozenset(released))
        if not ids:
            break
        for job_id in ids:
            try:
                outcome = fire(job_id, owner)
            except AppError as exc:
                record_failure(job_id, describe(exc))
                continue
            except Exception as exc:  # a bug in a model or in us: keep the loop alive, record it
                log.exception("timer %s failed", job_id)
                record_failure(job_id, describe(exc))
                continue
            fired += outcome == FIRED
            if outcome == RELEASED:
                released.add(job_id)
    return fired
