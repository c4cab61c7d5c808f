"""A case (request) and the serialized workflow behind it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.identity import Department, User
from app.models.process import ProcessDefinition
from app.models.types import UTCDateTime, new_id

KINDS = ("share", "open_data", "purchase", "catalog_change", "emergency", "objection", "coordination",
         "change_notice", "catalog_update")
STATUSES = ("pending", "granted", "refused", "abandoned", "withdrawn", "completed", "cancelled")


LIST_FILTERS = ["status", "kind", "process_definition_id"]  # what the request lists filter by


class Case(db.Model):
    __tablename__ = "cases"
    # the request lists: narrowed by visibility or status, ordered by (created_at, id) descending
    # (PostgreSQL: the newest-first scan reads visibility and filters from the index alone)
    __table_args__ = (Index("ix_cases_created", "created_at", "id", postgresql_include=[
                          "applicant_id", "department_id", "provider_department_id", "status", "kind"]),
                      Index("ix_cases_status_created", "status", "created_at", "id"),
                      # one per way a case is a caller's to read (app/cases/lists.py), covering the filters
                      Index("ix_cases_applicant_created", "applicant_id", "created_at", "id",
                            postgresql_include=LIST_FILTERS),
                      Index("ix_cases_department_created", "department_id", "created_at", "id",
                            postgresql_include=LIST_FILTERS),
                      Index("ix_cases_provider_created", "provider_department_id", "created_at", "id",
                            postgresql_include=LIST_FILTERS),
                      Index("ix_cases_updated", "updated_at"))  # what changed since the statistics' refresh

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    outcome: Mapped[dict | None] = mapped_column(JSON)
    resource_code: Mapped[str | None] = mapped_column(String(64), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    provider_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    # lane id -> department code, fixed when the case starts (who works which lane).
    lanes: Mapped[dict] = mapped_column(JSON, default=dict)
    input: Mapped[dict] = mapped_column(JSON, default=dict)
    sla: Mapped[list] = mapped_column(JSON, default=list)
    process_definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"))
    workflow_state: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    applicant: Mapped[User] = relationship(lazy="joined")
    department: Mapped[Department | None] = relationship(foreign_keys=[department_id], lazy="joined")
    definition: Mapped[ProcessDefinition] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    # Not a column: the open task rows as the last command in this session projected them, so
    # the answer to that command is presented without reading them again (None: not known).
    projected_open_tasks = None
