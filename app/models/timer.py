"""Timer jobs: due workflow timers, acquired cluster-safely by any service process."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, new_id


class TimerJob(db.Model):
    __tablename__ = "timer_jobs"
    __table_args__ = (Index("ix_timer_jobs_due", "state", "due_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    element: Mapped[str] = mapped_column(String(128))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(16), default="waiting")  # waiting|done|cancelled|incident
    lock_owner: Mapped[str | None] = mapped_column(String(128))
    lock_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    case = relationship("Case", lazy="raise")  # orders the INSERTs after the case's in one flush
