"""Before/after records for governed data (catalog, users, departments, deployments).

Commands that change such data append one audit event whose ``data`` holds the fields that
changed, before and after, so an auditor can see why a grant was possible at a given time.
Secrets (passwords, tokens, hashes) are never recorded: list only public fields.
"""
from __future__ import annotations


def snapshot(obj, fields: tuple[str, ...]) -> dict:
    """The named attributes of ``obj`` as JSON-ready values (dates as ISO text)."""
    out = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def diff(before: dict | None, after: dict | None) -> dict:
    """``{"before": {...}, "after": {...}}`` limited to the fields that differ; a creation
    has ``before`` None and a deletion ``after`` None."""
    if before is None or after is None:
        return {"before": before, "after": after}
    changed = [k for k in after if before.get(k) != after.get(k)]
    return {"before": {k: before.get(k) for k in changed}, "after": {k: after[k] for k in changed}}


def record_change(uow, type_: str, element: str, before: dict | None, after: dict | None,
                  **extra) -> None:
    """Append a ``type_`` event (case-less) for ``element`` (a code or username) with its diff;
    ``extra`` (e.g. ``reason``) is kept beside it."""
    uow.record(None, type_, element, {**diff(before, after), **extra})
