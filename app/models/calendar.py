"""Holiday schedules loaded by an administrator (they override the shipped/estimated ones)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class CalendarYear(db.Model):
    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    holidays: Mapped[list] = mapped_column(JSON)
    workdays: Mapped[list] = mapped_column(JSON)
    source_ref: Mapped[str] = mapped_column(Text)
    # one-off days off outside the statutory festivals (also listed in ``holidays``)
    special_holidays: Mapped[list] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    # bumped on every load, so caches notice a year re-loaded at the same instant
    revision: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    loaded_by: Mapped[str] = mapped_column(String(64))
