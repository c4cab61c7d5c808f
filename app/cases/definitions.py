"""Deploying BPMN models: checked, versioned per process key, audited."""
from __future__ import annotations

from sqlalchemy import bindparam, func, select

from app.cases import forms
from app.cases.lanes import LANE_ROLES
from app.cases.uow import UnitOfWork
from app.engine.deploy import BpmnInvalid, check_model, checksum
from app.errors import AppError, not_found
from app.extensions import db
from app.models import ProcessDefinition
from app.services import engine


def check(xml: bytes) -> list:
    """Every deploy check, nothing stored (the BPMN editor validates before it deploys);
    the executable processes found, or 400 ``invalid_bpmn``."""
    try:
        processes = check_model(xml, LANE_ROLES, engine().limits)
        for proc in processes:
            for element in forms.unknown_forms(proc.elements):
                raise BpmnInvalid(f"dsf:form '{proc.elements[element]['form']}' names no form "
                                  f"(known: {', '.join(sorted(forms.FORMS))})", element)
        return processes
    except BpmnInvalid as exc:
        raise AppError("invalid_bpmn", 400, exc.details, problem=exc.problem) from None


def deploy(xml: bytes, actor: str, note: str | None = None) -> list[ProcessDefinition]:
    """The deploy command: its own unit of work, committed with its audit events."""
    with UnitOfWork(actor) as uow:
        return deploy_in(uow, xml, note)


def deploy_in(uow: UnitOfWork, xml: bytes, note: str | None = None) -> list[ProcessDefinition]:
    """A new version of every executable process in ``xml``, deployed by ``uow.actor`` and
    audited (``definition_deployed``: key, version, checksum, deployer, change note); 400
    ``invalid_bpmn`` if unsafe."""
    processes = check(xml)
    text = xml.decode("utf-8")
    created = []
    for proc in processes:
        latest = db.session.scalar(select(func.max(ProcessDefinition.version))
                                   .where(ProcessDefinition.key == proc.key)) or 0
        definition = ProcessDefinition(key=proc.key, version=latest + 1, name=proc.name, xml=text,
                                       checksum=checksum(xml), elements=proc.elements,
                                       deployed_at=uow.now, deployed_by=uow.actor, note=note)
        db.session.add(definition)
        created.append(definition)
        uow.record(None, "definition_deployed", definition.key,
                   {"key": definition.key, "version": definition.version,
                    "checksum": definition.checksum, "deployed_by": uow.actor,
                    **({"note": note} if note else {})})
    return created


def version(key: str, number: int | None = None) -> ProcessDefinition:
    """Version ``number`` of process ``key`` (the latest when None); 404 when there is none."""
    query = select(ProcessDefinition).where(ProcessDefinition.key == key)
    query = query.where(ProcessDefinition.version == number) if number else \
        query.order_by(ProcessDefinition.version.desc())
    found = db.session.scalars(query.limit(1)).first()
    if found is None:
        raise not_found(key=key, version=number)
    return found


_LATEST = select(ProcessDefinition).where(ProcessDefinition.key == bindparam("key")) \
    .order_by(ProcessDefinition.version.desc()).limit(1)  # built once: every filing asks


def latest(key: str) -> ProcessDefinition:
    definition = db.session.scalar(_LATEST, {"key": key})
    if definition is None:
        raise AppError("no_process", 409, {"key": key}, key=key)
    return definition


def deploy_directory(path: str, deployed_by: str = "system") -> list[ProcessDefinition]:
    """Deploy each ``*.bpmn`` whose content differs from its latest version (idempotent), all
    in one unit of work run as ``deployed_by``."""
    import pathlib

    created = []
    with UnitOfWork(deployed_by) as uow:
        for file in sorted(pathlib.Path(path).glob("*.bpmn")):
            xml = file.read_bytes()
            known = db.session.scalar(select(ProcessDefinition.id).where(
                ProcessDefinition.checksum == checksum(xml)).limit(1))
            if known is None:
                created += deploy_in(uow, xml)
    return created
