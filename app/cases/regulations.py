"""Which regulation version each deployed model encodes (``dsf:regulation`` in the model, parsed
at deploy into the process element's metadata), and which of them are past their validity — the
measures' own validity ended on 2026-11-20 (Art. 38), so their numbers may no longer hold."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import ProcessDefinition


def cited(definition: ProcessDefinition) -> list[dict]:
    """The regulations a model names (name, number, valid_from, valid_until, validity_source)."""
    return ((definition.elements or {}).get(definition.key) or {}).get("regulations") or []


def lapsed(definition: ProcessDefinition, today: date) -> list[dict]:
    """The regulations a model cites whose validity ended before ``today``."""
    return [r for r in cited(definition) if r.get("valid_until") and date.fromisoformat(r["valid_until"]) < today]


def lapsed_in_force(today: date) -> list[dict]:
    """For each process's latest version (the one new cases start on): each lapsed regulation."""
    newest = select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version")) \
        .group_by(ProcessDefinition.key).subquery()
    rows = db.session.scalars(select(ProcessDefinition).join(
        newest, (ProcessDefinition.key == newest.c.key) & (ProcessDefinition.version == newest.c.version))
        .order_by(ProcessDefinition.key))
    return [{"key": d.key, "process": d.name or d.key, "version": d.version, **r} for d in rows for r in lapsed(d, today)]
