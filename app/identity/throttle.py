"""Login throttling per (username, client address): growing delays, never a lockout.

After MAX_FAILURES failed tries for a username from one address, each further try from that
address must wait FIRST_DELAY, then twice as long after each new failure, up to MAX_DELAY.
Another address is counted apart, so an attacker cannot lock a user out. The count is
forgotten after FAILURE_WINDOW of quiet past the last wait, and on a successful login.
The row is written under a lock (an atomic insert-if-absent, then ``SELECT … FOR UPDATE``),
so racing failures are all counted.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from app.errors import AppError
from app.extensions import db
from app.models import LoginThrottle

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)


def delay_after(failures: int) -> timedelta | None:
    """The wait after the ``failures``-th failure in a row (None below the threshold)."""
    if failures < MAX_FAILURES:
        return None
    return min(FIRST_DELAY * 2 ** min(failures - MAX_FAILURES, 20), MAX_DELAY)


def _row(username: str, address: str, lock: bool = False) -> LoginThrottle | None:
    query = select(LoginThrottle).where(LoginThrottle.username == username, LoginThrottle.address == address)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def refuse_if_waiting(username: str, address: str, now: datetime, lock: bool = False) -> None:
    """429 ``too_many_attempts`` with the seconds left while (username, address) must wait."""
    row = _row(username, address, lock)
    if row is not None and row.retry_at is not None and row.retry_at > now:
        seconds = math.ceil((row.retry_at - now).total_seconds())
        raise AppError("too_many_attempts", 429, {"retry_after": seconds})


def _insert_if_absent(username: str, address: str, now: datetime) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(LoginThrottle).values(username=username, address=address, failures=0,
                                                    last_failure_at=now)
                       .on_conflict_do_nothing(index_elements=["username", "address"]))


def _forget_stale(now: datetime) -> None:
    """Drop rows quiet for longer than any wait plus the window (they would count from zero
    anyway), so guessed names do not pile up; rows locked by a racing login are skipped."""
    stale = db.session.scalars(select(LoginThrottle.id)
                               .where(LoginThrottle.last_failure_at < now - FAILURE_WINDOW - MAX_DELAY)
                               .with_for_update(skip_locked=True)).all()
    if stale:
        db.session.execute(delete(LoginThrottle).where(LoginThrottle.id.in_(stale)))


def record_failure(uow, username: str, address: str) -> LoginThrottle:
    """Count one failure for (username, address) and set the wait it earns."""
    _forget_stale(uow.now)
    _insert_if_absent(username, address, uow.now)
    row = _row(username, address, lock=True)
    wait = (row.retry_at - row.last_failure_at) if row.retry_at else timedelta(0)
    if row.failures and uow.now - row.last_failure_at > FAILURE_WINDOW + wait:
        row.failures = 0  # quiet long enough: start counting afresh
    row.failures += 1
    row.last_failure_at = uow.now
    delay = delay_after(row.failures)
    row.retry_at = uow.now + delay if delay else None
    return row


def clear(username: str, address: str) -> None:
    """A successful login from ``address`` forgets its failures (other addresses keep theirs)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.username == username,
                                                   LoginThrottle.address == address))
