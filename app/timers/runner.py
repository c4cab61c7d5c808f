"""Acquire due timer jobs and fire them, any number of service processes at once.

Acquisition takes due, unlocked jobs with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL) and stamps
them with a lock owner and expiry, so a crashed process's jobs come back when the lock
expires. Firing goes through the same unit of work as a task completion (the case row lock
serialises the two). A failure retries with backoff, then becomes an incident.

Every working day's deadlines expire at the same instant, so ``run_due`` fires acquired jobs
in batches: one transaction per batch (``app.cases.uow.Batch``), the batch's cases locked in
one statement in id order, each firing its own engine step under a savepoint (a failing case
undoes only its own step and is retried or raised as an incident on its own), and the batch's
audit events appended under one chain-head lock. Should a whole batch fail (its commit), its
jobs are fired one by one.
"""
from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta

from sqlalchemy import or_, select

from app.cases.uow import Batch, UnitOfWork
from app.errors import AppError
from app.extensions import db
from app.models import Case, TimerJob
from app.services import clock, engine

log = logging.getLogger(__name__)
LOCK_SECONDS = 300
MAX_ATTEMPTS = 3
BACKOFF_SECONDS = 30
BATCH = 100  # jobs acquired at a time
FIRE_BATCH = 50  # firings per transaction: their cases stay locked until it commits
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
        return _fire_locked(uow, job, case, owner)


def fire_batch(job_ids: list[str], owner: str) -> tuple[dict[str, str], dict[str, str]]:
    """Fire acquired jobs in one transaction, each in its own step (see the module's note):
    first without savepoints; if a step fails, the batch is redone with one per step.

    Returns the outcome of every job that went through (``fired``, ``lost``, ``released``)
    and the error of every job whose step failed; the caller records those failures.
    """
    try:
        return _fire_batch(job_ids, owner, isolated=False)
    except _Spoiled:
        return _fire_batch(job_ids, owner, isolated=True)


class _Spoiled(Exception):
    """A step of a batch without savepoints failed: the batch was rolled back."""


def _fire_batch(job_ids: list[str], owner: str, isolated: bool) -> tuple[dict[str, str], dict[str, str]]:
    outcomes: dict[str, str] = {}
    failures: dict[str, str] = {}
    with Batch(ACTOR, isolated=isolated) as batch:
        case_ids = select(TimerJob.case_id).where(TimerJob.id.in_(job_ids)).scalar_subquery()
        cases = {case.id: case for case in db.session.scalars(
            select(Case).where(Case.id.in_(case_ids)).order_by(Case.id).with_for_update(of=Case)
            .execution_options(populate_existing=True))}
        jobs = db.session.scalars(select(TimerJob).where(TimerJob.id.in_(job_ids))
                                  .execution_options(populate_existing=True)).all()
        batch.preload(list(cases))
        seen: set[str] = set()
        for job in sorted(jobs, key=lambda j: (j.case_id, j.id)):
            if job.case_id in seen:  # a second job of a case: its projection reads the first's rows
                db.session.flush()
            seen.add(job.case_id)
            try:
                with batch.step() as uow:
                    outcomes[job.id] = _fire_locked(uow, job, cases[job.case_id], owner)
            except Exception as exc:
                if batch.spoiled:
                    raise _Spoiled() from exc
                if not isinstance(exc, AppError):  # a bug in a model or in us: the others go on
                    log.exception("timer %s failed", job.id)
                failures[job.id] = describe(exc)
    for job_id in job_ids:
        if job_id not in outcomes and job_id not in failures:
            outcomes[job_id] = LOST  # gone meanwhile
    return outcomes, failures


def _fire_locked(uow: UnitOfWork, job: TimerJob, case: Case, owner: str) -> str:
    """Fire ``job`` of ``case`` (locked, ``job`` read after the lock) in ``uow``."""
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
    """Fire every job due now, a batch per transaction; returns how many fired."""
    owner = owner or default_owner()
    fired, released = 0, set()
    while limit is None or fired < limit:
        ids = acquire(owner, BATCH if limit is None else min(BATCH, limit - fired), frozenset(released))
        if not ids:
            break
        outcomes = {}
        for start in range(0, len(ids), FIRE_BATCH):
            outcomes.update(_fire_chunk(ids[start:start + FIRE_BATCH], owner))
        fired += sum(outcome == FIRED for outcome in outcomes.values())
        released.update(job_id for job_id, outcome in outcomes.items() if outcome == RELEASED)
    return fired


def _fire_chunk(job_ids: list[str], owner: str) -> dict[str, str]:
    """One batch; its failed steps counted as attempts. Should the batch itself fail, each
    job is fired alone, so one job cannot hold back the others."""
    try:
        outcomes, failures = fire_batch(job_ids, owner)
    except Exception:
        log.exception("timer batch of %d failed; firing them one by one", len(job_ids))
        db.session.rollback()
        return {job_id: _fire_alone(job_id, owner) for job_id in job_ids}
    for job_id, error in failures.items():
        record_failure(job_id, error)
    return outcomes


def _fire_alone(job_id: str, owner: str) -> str | None:
    """``fire`` with its failure recorded (None then)."""
    try:
        return fire(job_id, owner)
    except AppError as exc:
        record_failure(job_id, describe(exc))
    except Exception as exc:  # a bug in a model or in us: keep the loop alive, record it
        log.exception("timer %s failed", job_id)
        record_failure(job_id, describe(exc))
    return None
