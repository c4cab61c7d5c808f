"""Human tasks: the projection the inbox reads (never the serialized workflow)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.case import Case
from app.models.identity import Department, User
from app.models.types import UTCDateTime, new_id


INBOX_COVERS = ["assignee_id", "created_at", "id", "kind", "case_id", "resource_code", "applicant_department_id"]


class HumanTask(db.Model):
    __tablename__ = "human_tasks"
    # the inbox: a department's open tasks of a role, covering what the inbox filters and orders
    # by (PostgreSQL picks a page from the index alone, app/cases/access.py inbox_branches)
    __table_args__ = (Index("ix_human_tasks_inbox", "state", "department_id", "role", "due_date",
                            postgresql_include=INBOX_COVERS),
                      Index("ix_human_tasks_assignee_state", "assignee_id", "state"),  # my open tasks
                      # who may see a case beyond its own two departments (app/cases/access.py)
                      Index("ix_human_tasks_other_department", "department_id", "case_id",
                            postgresql_where=text("other_department"), sqlite_where=text("other_department")))

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(String(36), unique=True)
    task_key: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    role: Mapped[str] = mapped_column(String(32))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | completed | cancelled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_date: Mapped[date | None] = mapped_column(Date)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # the task's department is neither the case's applicant department nor its provider (e.g.
    # the city authority's coordination): the one way a department reads a case not its own
    other_department: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # what the inbox filters and searches by, copied from the case (app/cases/projection.py keeps
    # them current), so a search reads the tasks in scope, not their cases too
    resource_code: Mapped[str | None] = mapped_column(String(64))
    applicant_department_id: Mapped[int | None] = mapped_column(Integer)
    purpose: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(lazy="raise")
    department: Mapped[Department | None] = relationship(lazy="joined")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="joined")
