"""Appending events to the one hash chain of the deployment.

Each event's hash is SHA-256 over the previous hash and the event's canonical JSON. Appends
take the chain-head row lock inside the command's transaction, so concurrent commands still
produce one unbroken chain; the lock is taken last (after the case lock) to keep lock order.
"""
from __future__ import annotations

import functools
import hashlib
import json
from datetime import datetime

from sqlalchemy import bindparam, insert, select, text, update

from app.extensions import db
from app.models import AuditEvent, ChainHead

GENESIS = "0" * 64
_EVENTS, _HEAD = AuditEvent.__table__, ChainHead.__table__
_LOCK_HEAD = select(_HEAD.c.last_seq, _HEAD.c.last_hash).where(_HEAD.c.id == 1).with_for_update()
_NEW_HEAD = update(_HEAD).where(_HEAD.c.id == 1).values(last_seq=bindparam("head_seq"),
                                                        last_hash=bindparam("head_hash"))


def canonical(event: dict) -> str:
    """The exact text that is hashed: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def event_body(seq: int, case_id: str | None, at: datetime, actor: str, type_: str,
               element: str | None, data: dict) -> dict:
    return {"seq": seq, "case_id": case_id, "at": at.isoformat(), "actor": actor, "type": type_,
            "element": element, "data": data}


def chain_hash(prev_hash: str, body: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(body)).encode("utf-8")).hexdigest()


# PostgreSQL takes the events and the new chain head in one INSERT (the head's UPDATE as its
# CTE) up to this many events; a bigger batch (a deadline storm's) goes in SQLAlchemy's batches.
ONE_STATEMENT_EVENTS = 200


def append_many(pending: list[tuple]) -> list[AuditEvent]:
    """Append ``(case_id, actor, type, element, data, at)`` events in order, under one lock of
    the chain head taken just before commit, so the lock is held as briefly as possible.

    Reading the head flushes the command's rows first (the events refer to its case). The
    events are written as plain rows, not through the ORM's unit of work: they are never
    changed again. The events returned are not in the session (mail reads them)."""
    seq, prev = db.session.execute(_LOCK_HEAD).one()
    rows = []
    for case_id, actor, type_, element, data, at in pending:
        seq += 1
        data = json.loads(canonical(data))  # store exactly what is hashed (JSON-native values)
        digest = chain_hash(prev, event_body(seq, case_id, at, actor, type_, element, data))
        rows.append({"seq": seq, "case_id": case_id, "at": at, "actor": actor, "type": type_, "element": element,
                     "data": data, "prev_hash": prev, "hash": digest})
        prev = digest
    _write(rows, seq, prev)
    return [AuditEvent(**row) for row in rows]


def _write(rows: list[dict], last_seq: int, last_hash: str) -> None:
    head = {"head_seq": last_seq, "head_hash": last_hash}
    if db.session.get_bind().dialect.name == "postgresql" and len(rows) <= ONE_STATEMENT_EVENTS:
        params = {f"{name}_{i}": value for i, row in enumerate(rows) for name, value in row.items()}
        db.session.execute(_events_with_head(len(rows)), {**params, **head})
        return
    db.session.execute(insert(_EVENTS), rows)
    db.session.execute(_NEW_HEAD, head)


@functools.lru_cache(maxsize=ONE_STATEMENT_EVENTS)
def _events_with_head(n: int):
    """INSERT of ``n`` events (parameters ``<column>_<i>``) with the head's UPDATE as its CTE,
    built once per count. Written as text: SQLAlchemy compiles a multi-row INSERT construct
    anew on every execution (it never caches one), which cost more than the round trip saved."""
    columns = list(_EVENTS.columns)
    rows = ", ".join("(" + ", ".join(f":{c.name}_{i}" for c in columns) + ")" for i in range(n))
    sql = (f"WITH new_head AS (UPDATE {_HEAD.name} SET last_seq = :head_seq, last_hash = :head_hash WHERE id = 1) "
           f"INSERT INTO {_EVENTS.name} ({', '.join(c.name for c in columns)}) VALUES {rows}")
    return text(sql).bindparams(*[bindparam(f"{c.name}_{i}", type_=c.type) for i in range(n) for c in columns],
                                bindparam("head_seq", type_=_HEAD.c.last_seq.type),
                                bindparam("head_hash", type_=_HEAD.c.last_hash.type))


def to_dict(event: AuditEvent) -> dict:
    return {"seq": event.seq, "at": event.at.isoformat(), "actor": event.actor, "type": event.type,
            "element": event.element, "data": event.data, "hash": event.hash,
            "prev_hash": event.prev_hash}
