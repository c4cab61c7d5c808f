"""Grants (授权, Art. 21-22): which department may use which resource, for what purpose, on
which conditions, until when. One per granted share request."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.identity import Department
from app.models.types import UTCDateTime, new_id

# stored states; "expired" is derived when read (active and past expires_at), so no timer
# has to flip it and it can never be late
# "suspended": a change notice stopped or suspended the service it grants (Art. 23 ¶2)
STORED_STATES = ("active", "revoked", "suspended")
STATES = ("active", "expired", "revoked", "suspended")


class Grant(db.Model):
    __tablename__ = "grants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    resource_code: Mapped[str] = mapped_column(String(64), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)  # the using unit
    provider_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), unique=True)
    purpose: Mapped[str] = mapped_column(Text)
    conditions: Mapped[str | None] = mapped_column(Text)  # the provider's 答复意见 / conditions of use
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)  # first instant not valid
    state: Mapped[str] = mapped_column(String(16), default="active")  # active | revoked | suspended
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(64))
    revoked_reason: Mapped[str | None] = mapped_column(Text)

    department: Mapped[Department] = relationship(foreign_keys=[department_id], lazy="joined")
    provider: Mapped[Department] = relationship(foreign_keys=[provider_department_id], lazy="joined")
    case = relationship("Case", lazy="raise")  # orders the INSERT after a case filed in the same flush

    def state_at(self, now: datetime) -> str:
        """The state a reader sees at ``now``: an active grant past its expiry is expired."""
        if self.state == "active" and self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return self.state
