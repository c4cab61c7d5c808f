"""Appending events to the one hash chain of the deployment.

Each event's hash is SHA-256 over the previous hash and the event's canonical JSON. Appends
take the chain-head row lock inside the command's transaction, so concurrent commands still
produce one unbroken chain; the lock is taken last (after the case lock) to keep lock order.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, ChainHead

GENESIS = "0" * 64


def canonical(event: dict) -> str:
    """The exact text that is hashed: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def event_body(seq: int, case_id: str | None, at: datetime, actor: str, type_: str,
               element: str | None, data: dict) -> dict:
    return {"seq": seq, "case_id": case_id, "at": at.isoformat(), "actor": actor, "type": type_,
            "element": element, "data": data}


def chain_hash(prev_hash: str, body: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(body)).encode("utf-8")).hexdigest()


def append(case_id: str | None, actor: str, type_: str, element: str | None, data: dict,
           at: datetime) -> AuditEvent:
    """Append one event in the current transaction (caller commits)."""
    return append_many([(case_id, actor, type_, element, data, at)])[0]


def append_many(pending: list[tuple]) -> list[AuditEvent]:
    """Append ``(case_id, actor, type, element, data, at)`` events in order, under one lock of
    the chain head taken just before commit, so the lock is held as briefly as possible."""
    head = db.session.execute(select(ChainHead).where(ChainHead.id == 1).with_for_update()).scalar_one()
    seq, prev = head.last_seq, head.last_hash
    events = []
    for case_id, actor, type_, element, data, at in pending:
        seq += 1
        data = json.loads(canonical(data))  # store exactly what is hashed (JSON-native values)
        digest = chain_hash(prev, event_body(seq, case_id, at, actor, type_, element, data))
        events.append(AuditEvent(seq=seq, case_id=case_id, at=at, actor=actor, type=type_,
                                 element=element, data=data, prev_hash=prev, hash=digest))
        prev = digest
    db.session.add_all(events)
    head.last_seq, head.last_hash = seq, prev
    return events


def to_dict(event: AuditEvent) -> dict:
    return {"seq": event.seq, "at": event.at.isoformat(), "actor": event.actor, "type": event.type,
            "element": event.element, "data": event.data, "hash": event.hash,
            "prev_hash": event.prev_hash}
