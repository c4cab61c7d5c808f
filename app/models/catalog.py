"""The public-data resource catalog (公共数据资源目录, Art. 9-11, 20, 26)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
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
