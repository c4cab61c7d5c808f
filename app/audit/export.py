"""Exporting audit events for auditors: one case or a date range, as CSV or JSON.

Events are streamed in seq order in batches and written out chunk by chunk, so a range of
any size never sits in memory. CSV starts with a UTF-8 byte-order mark so that Excel shows
the Chinese text; ``data`` is the event's canonical JSON (the exact text that was hashed),
so an exported file can be re-verified line by line against ``hash`` and ``prev_hash``.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.audit.log import canonical
from app.extensions import db
from app.models import AuditEvent

BATCH = 2000
BOM = "\ufeff"
COLUMNS = ("seq", "at", "at_local", "case_id", "actor", "type", "element", "data", "prev_hash", "hash")
_SELECT = (AuditEvent.seq, AuditEvent.at, AuditEvent.case_id, AuditEvent.actor, AuditEvent.type,
           AuditEvent.element, AuditEvent.data, AuditEvent.prev_hash, AuditEvent.hash)


def query(case_id: str | None, first: date | None, last: date | None, tz: str):
    """The events of one case and/or those whose time falls on ``first``..``last`` (inclusive,
    dates in the service time zone), in seq order."""
    stmt = select(*_SELECT).order_by(AuditEvent.seq)
    if case_id is not None:
        stmt = stmt.where(AuditEvent.case_id == case_id)
    if first is not None:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(first, time.min, ZoneInfo(tz)))
    if last is not None:
        stmt = stmt.where(AuditEvent.at < datetime.combine(last + timedelta(days=1), time.min, ZoneInfo(tz)))
    return stmt


def events(stmt, batch: int | None = None):
    """Event dicts, fetched ``batch`` rows at a time (server-side cursor on PostgreSQL)."""
    result = db.session.execute(stmt, execution_options={"yield_per": batch or BATCH})
    for part in result.partitions():
        for seq, at, case_id, actor, type_, element, data, prev_hash, digest in part:
            yield {"seq": seq, "at": at.isoformat(), "case_id": case_id, "actor": actor, "type": type_,
                   "element": element, "data": data, "prev_hash": prev_hash, "hash": digest}


def csv_chunks(items, tz: str, rows_per_chunk: int = 500):
    """CSV text: BOM, header row, one row per event."""
    zone = ZoneInfo(tz)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(COLUMNS)
    for n, event in enumerate(items, 1):
        local = datetime.fromisoformat(event["at"]).astimezone(zone).isoformat()
        writer.writerow([event["seq"], event["at"], local, event["case_id"] or "", _cell(event["actor"]),
                         _cell(event["type"]), _cell(event["element"] or ""), canonical(event["data"]),
                         event["prev_hash"], event["hash"]])
        if n % rows_per_chunk == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _cell(text: str) -> str:
    """A spreadsheet runs a cell starting with = + - @ (or tab, CR) as a formula: such text is
    prefixed with a single quote. ``data`` (JSON, always starting with ``{``) is never touched,
    so the hash re-verification of an exported file is unaffected."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def json_chunks(items, events_per_chunk: int = 500):
    """``{"events": [...]}``, written as it is read."""
    yield '{"events":['
    parts = []
    for n, event in enumerate(items):
        parts.append(("," if n else "") + json.dumps(event, ensure_ascii=False, separators=(",", ":")))
        if len(parts) >= events_per_chunk:
            yield "".join(parts)
            parts = []
    yield "".join(parts) + "]}"


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
