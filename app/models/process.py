"""Deployed BPMN process definitions, versioned per process key."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class ProcessDefinition(db.Model):
    __tablename__ = "process_definitions"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_process_key_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), index=True)
    version: Mapped[int]
    name: Mapped[str | None] = mapped_column(String(200))
    xml: Mapped[str] = mapped_column(Text, deferred=True)  # loaded only to parse a new version
    checksum: Mapped[str] = mapped_column(String(64))
    # element id -> {"name", "lane"}: what the projections need without re-parsing the XML.
    elements: Mapped[dict] = mapped_column(JSON, default=dict)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deployed_by: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)  # what changed and why, as the deployer said
