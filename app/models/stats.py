"""Supervision statistics kept up to date incrementally (app/sla/rollup.py), so the dashboard
reads a few hundred rows instead of every case of the city's history."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class SlaRollup(db.Model):
    """Totals of closed facts (completed tasks that had a due date, stopped SLA clocks) of every
    case marked: per ``scope`` (department id, path kind, clock name, answer days by clock name)."""

    __tablename__ = "sla_rollup"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    on_time: Mapped[int] = mapped_column(BigInteger, default=0)
    late: Mapped[int] = mapped_column(BigInteger, default=0)
    days_sum: Mapped[int] = mapped_column(BigInteger, default=0)
    days_n: Mapped[int] = mapped_column(BigInteger, default=0)


class SlaCaseMark(db.Model):
    """What one case contributed to ``sla_rollup`` when it was last marked, so a change to the
    case replaces its contribution exactly."""

    __tablename__ = "sla_case_marks"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    closed: Mapped[dict] = mapped_column(JSON, default=dict)  # "scope\tkey" -> [on_time, late, days_sum, days_n]


class SlaOpenClock(db.Model):
    """An SLA clock not yet stopped, of a marked case: whether it is late depends on the day it
    is read, so it is judged when read, not rolled up."""

    __tablename__ = "sla_open_clocks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16))
    breached: Mapped[bool] = mapped_column(Boolean)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    provider_department_id: Mapped[int | None] = mapped_column(Integer)
    resource_code: Mapped[str | None] = mapped_column(String(64))


class SlaOpenClockDay(db.Model):
    """``sla_open_clocks`` counted by what judging them needs (path, clock, case status, clock
    state, breach, due date), as of the last refresh: the dashboard's tallies of open clocks read
    these few hundred rows, not every open clock of the city."""

    __tablename__ = "sla_open_clock_days"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), primary_key=True)
    breached: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    due_date: Mapped[date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)


class SlaRollupState(db.Model):
    """One row: every case updated before ``through`` is marked."""

    __tablename__ = "sla_rollup_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    through: Mapped[datetime | None] = mapped_column(UTCDateTime())
