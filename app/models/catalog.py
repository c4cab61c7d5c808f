"""The public-data resource catalog (公共数据资源目录, Art. 9-11, 20, 26)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.identity import Department
from app.models.types import UTCDateTime

SHARE_TYPES = ("unconditional", "conditional", "none")
OPEN_TYPES = ("unconditional", "on_request", "closed")


class Resource(db.Model):
    __tablename__ = "resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    provider_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    share_type: Mapped[str] = mapped_column(String(16))
    share_conditions: Mapped[str | None] = mapped_column(Text)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    open_type: Mapped[str] = mapped_column(String(16), default="closed")
    security_level: Mapped[str | None] = mapped_column(String(32))
    update_cycle: Mapped[str | None] = mapped_column(String(32))
    on_platform: Mapped[bool] = mapped_column(Boolean, default=True)
    # Art. 20 ¶3 emergency reclassification: a temporary share type until a date.
    emergency_share_type: Mapped[str | None] = mapped_column(String(16))
    emergency_until: Mapped[date | None] = mapped_column(Date)
    emergency_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    provider: Mapped[Department] = relationship(lazy="joined")

    def effective_share_type(self, today: date) -> str:
        """The share type in force on ``today``: an unexpired emergency one decides."""
        if self.emergency_share_type and self.emergency_until and today <= self.emergency_until:
            return self.emergency_share_type
        return self.share_type


# The published fields of an entry, as each version records them (provider by code).
VERSION_FIELDS = ("code", "name", "provider", "share_type", "share_conditions", "legal_basis", "open_type",
                  "security_level", "update_cycle", "on_platform")


class ResourceVersion(db.Model):
    """One published state of a catalog entry (Art. 10, 11): creation is version 1, every
    approved change (or audited administrator edit) the next; never updated."""
    __tablename__ = "resource_versions"
    __table_args__ = (UniqueConstraint("resource_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True)
    fields: Mapped[dict] = mapped_column(JSON)
