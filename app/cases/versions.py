"""Read queries on process versions for administrators: how many cases still run on each."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Case, HumanTask, ProcessDefinition


def running_by_definition() -> dict[int, int]:
    """Definition id -> number of its open (pending) cases; one grouped query."""
    rows = db.session.execute(select(Case.process_definition_id, func.count())
                              .where(Case.status == "pending").group_by(Case.process_definition_id))
    return dict(rows.all())


def waiting_at(definition_id: int) -> dict[str, int]:
    """Element -> open user tasks of the pending cases on a version (where they wait)."""
    rows = db.session.execute(select(HumanTask.task_key, func.count()).join(Case, Case.id == HumanTask.case_id)
                              .where(Case.process_definition_id == definition_id, Case.status == "pending",
                                     HumanTask.state == "open").group_by(HumanTask.task_key))
    return dict(rows.all())


def of_version(key: str | None = None, number: int | None = None):
    """The condition on cases of process ``key`` and/or its version ``number`` (None: no
    condition); the case lists of the API and of the pages both filter with it."""
    if key is None and number is None:
        return None
    definitions = select(ProcessDefinition.id)
    if key is not None:
        definitions = definitions.where(ProcessDefinition.key == key)
    if number is not None:
        definitions = definitions.where(ProcessDefinition.version == number)
    return Case.process_definition_id.in_(definitions.scalar_subquery())