"""Catalog rules (PRODUCT.md "The catalog", §5 "Catalog governance"): what each share type
requires, who may edit, what counts as loosening, what needs a security review."""
from __future__ import annotations

from datetime import date, timedelta

from app.errors import invalid
from app.models import Resource, User

# Looser to the right: the order in which a change gives more people the data.
SHARE_RANK = {"none": 0, "conditional": 1, "unconditional": 2}
OPEN_RANK = {"closed": 0, "on_request": 1, "unconditional": 2}


def check_rules(share_type: str, share_conditions: str | None, legal_basis: str | None) -> None:
    """Art. 20 ¶2: conditional sharing needs 申请条件 and a basis; refusing needs a legal basis."""
    if share_type == "conditional" and not (share_conditions and legal_basis):
        raise invalid("conditions_required", {"share_conditions": share_conditions,
                                              "legal_basis": legal_basis})
    if share_type == "none" and not legal_basis:
        raise invalid("legal_basis_required", {"legal_basis": legal_basis})


def check_entry(fields: dict) -> None:
    check_rules(fields["share_type"], fields.get("share_conditions"), fields.get("legal_basis"))


def may_edit(user: User, provider_id: int) -> bool:
    """Who may propose changes to a provider's entries (the admin edits directly)."""
    return user.has_role("admin") or (user.has_role("approver") and user.department_id == provider_id)


def needs_security_review(before: dict | None, after: dict) -> bool:
    """Art. 27: data about to be opened (open type leaving 不予开放, or opened further) or
    shared more loosely is reviewed for security and secrecy first. A new entry counts from
    nothing: opened at all, or shared unconditionally."""
    if before is None:
        return after["open_type"] != "closed" or after["share_type"] == "unconditional"
    return (OPEN_RANK[after["open_type"]] > OPEN_RANK[before["open_type"]]
            or SHARE_RANK[after["share_type"]] > SHARE_RANK[before["share_type"]])


def check_emergency(resource: Resource, share_type: str, until: date, today: date, max_days: int) -> None:
    """Art. 20 ¶3: only loosening (none → conditional/unconditional, conditional →
    unconditional), and for a limited time: not past, at most ``max_days`` ahead."""
    if SHARE_RANK[share_type] <= SHARE_RANK[resource.share_type]:
        raise invalid("not_loosening", {"share_type": share_type, "catalog_share_type": resource.share_type})
    if until < today:
        raise invalid("emergency_until_past", {"until": until.isoformat(), "today": today.isoformat()})
    latest = today + timedelta(days=max_days)
    if until > latest:
        raise invalid("emergency_too_long", {"until": until.isoformat(), "latest": latest.isoformat()},
                      days=max_days)
