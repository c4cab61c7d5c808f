"""Verifying the hash chain: every event recomputed in seq order, the head checked last.

A changed row fails its own hash; a deleted row leaves a gap in ``seq`` (and a broken link);
an inserted row either takes a seq nobody expected or carries a ``prev_hash`` that is not its
predecessor's hash; a truncated tail or a forged extra event disagrees with the chain-head
row. The first such seq is reported.

Rows are streamed as plain tuples in batches (a server-side cursor on PostgreSQL), never as
ORM objects and never all at once, so a log of millions of events verifies in constant
memory. Rewriting the whole chain *and* the head is outside what a hash chain alone can
detect: anchor ``last_hash`` somewhere else (a printed report, a notary) for that.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import timezone

from sqlalchemy import DateTime, Text, cast, select, type_coerce

from app.audit.log import GENESIS, chain_hash, event_body
from app.extensions import db
from app.models import AuditEvent, ChainHead

BATCH = 5000
_COLUMNS = (AuditEvent.seq, AuditEvent.case_id, AuditEvent.at, AuditEvent.actor, AuditEvent.type,
            AuditEvent.element, AuditEvent.data, AuditEvent.prev_hash, AuditEvent.hash)
# PostgreSQL: the time as a plain timestamptz and the data as its JSON text, converted below;
# the ORM column types would run two Python type processors per row (half of verify's time)
_RAW_COLUMNS = (AuditEvent.seq, AuditEvent.case_id, type_coerce(AuditEvent.at, DateTime(timezone=True)),
                AuditEvent.actor, AuditEvent.type, AuditEvent.element, cast(AuditEvent.data, Text),
                AuditEvent.prev_hash, AuditEvent.hash)
UTC = timezone.utc


@dataclass
class Verdict:
    ok: bool
    events: int
    first_bad_seq: int | None
    problem: str | None = None  # missing_event | unexpected_seq | broken_link | hash_mismatch | head_mismatch

    def to_dict(self) -> dict:
        return asdict(self)


class _Chain:
    """Walks the events in seq order and remembers the first place the chain breaks."""

    def __init__(self):
        self.count = 0
        self.last_seq = 0
        self.last_hash = GENESIS
        self.bad: tuple[int, str] | None = None

    def feed(self, row) -> None:
        seq, case_id, at, actor, type_, element, data, prev_hash, digest = row
        self.count += 1
        if self.bad is None:
            expected = self.last_seq + 1
            if seq != expected:
                self.bad = (expected, "missing_event" if seq > expected else "unexpected_seq")
            elif prev_hash != self.last_hash:
                self.bad = (seq, "broken_link")
            elif chain_hash(prev_hash, event_body(seq, case_id, at, actor, type_, element, data)) != digest:
                self.bad = (seq, "hash_mismatch")
        self.last_seq, self.last_hash = seq, digest

    def finish(self, head_seq: int, head_hash: str) -> Verdict:
        if self.bad is None and (head_seq, head_hash) != (self.last_seq, self.last_hash):
            # a truncated tail names the first missing event; extra rows the first the head lacks
            self.bad = (min(head_seq, self.last_seq) + (head_seq != self.last_seq), "head_mismatch")
        if self.bad is None:
            return Verdict(True, self.count, None)
        return Verdict(False, self.count, *self.bad)


def stream_rows(conn, batch: int = BATCH):
    """Every event as a plain row in seq order, ``batch`` rows at a time (a server-side
    cursor on PostgreSQL): (seq, case_id, at in UTC, actor, type, element, data, prev, hash)."""
    raw = conn.dialect.name == "postgresql"
    query = select(*(_RAW_COLUMNS if raw else _COLUMNS)).order_by(AuditEvent.seq)
    result = conn.execute(query, execution_options={"yield_per": batch})
    loads = json.loads
    for part in result.partitions():
        if not raw:
            yield from part
            continue
        for seq, case_id, at, actor, type_, element, data, prev_hash, digest in part:
            yield seq, case_id, at.astimezone(UTC), actor, type_, element, loads(data), prev_hash, digest


@contextmanager
def snapshot():
    """A connection that sees one instant of the log whatever commits meanwhile (the head and
    the rows must agree). PostgreSQL: a separate REPEATABLE READ connection, rolled back.
    SQLite: the session's own connection, whose transaction is already serializable (a
    second connection would wait for the write lock this request's transaction holds)."""
    if db.engine.dialect.name != "postgresql":
        yield db.session.connection()
        return
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        try:
            yield conn
        finally:
            conn.rollback()


def verify(batch: int = BATCH) -> Verdict:
    """Check the whole chain; reads only, on a snapshot of the log."""
    with snapshot() as conn:
        head_seq, head_hash = conn.execute(
            select(ChainHead.last_seq, ChainHead.last_hash).where(ChainHead.id == 1)).one()
        chain = _Chain()
        feed = chain.feed
        for row in stream_rows(conn, batch):
            feed(row)
    return chain.finish(head_seq, head_hash)
