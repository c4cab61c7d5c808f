"""The catalog update obligation (目录动态调整, Art. 11): when a law changes or a unit's duties
do, the authority of the unit's region opens an obligation on it; its approvers file the
catalog changes (the ``catalog_change`` path) and close the obligation by naming them, within
15 working days (the model's number); late, the authority supervises and the duty stays open."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.cases.filing import open_case
from app.cases.uow import UnitOfWork
from app.catalog.commands import find_provider
from app.errors import conflict, forbidden, invalid
from app.extensions import db
from app.models import Case, Department, User

PROCESS_KEY = "catalog_update"
OBLIGED_KINDS = ("government", "public_service")  # 各级政务部门和公共服务企事业单位
UNFILED = ("refused", "withdrawn", "cancelled", "abandoned")  # a change that updates nothing


def start(user: User, department_code: str, reason: str) -> Case:
    """Only an authority of the unit's own region opens it; one open obligation per unit."""
    if user.department is None or user.department.kind != "authority":
        raise forbidden(reason="not an authority department")
    with UnitOfWork(user.username) as uow:
        unit = find_provider(department_code)  # 422 unknown_department
        if unit.kind not in OBLIGED_KINDS:
            raise invalid("catalog_update_target", {"department": unit.code, "kind": unit.kind})
        if unit.region != user.department.region:
            raise forbidden(department=unit.code, region=unit.region)
        _lock_unit(unit)
        if db.session.scalar(select(Case.id).where(Case.kind == "catalog_update", Case.status == "pending",
                                                   Case.provider_department_id == unit.id).limit(1)):
            raise conflict("catalog_update_open", {"department": unit.code})
        request = {"department": unit.code, "reason": reason}
        return open_case(uow, user, "catalog_update", PROCESS_KEY, request, {}, None, unit)


def _lock_unit(unit: Department) -> None:
    """Two authorities opening at once: the second waits and sees the first (PostgreSQL)."""
    db.session.execute(select(Department.id).where(Department.id == unit.id).with_for_update())


def check_changes(case: Case, data: dict, since: datetime) -> dict:
    """The named changes are catalog changes of the obliged unit, filed since the obligation
    arose, and not returned or withdrawn: what Art. 11 asks is an update actually filed."""
    ids = list(dict.fromkeys(data["changes"]))
    found = {c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_(ids)))}
    for case_id in ids:
        change = found.get(case_id)
        if change is None or change.kind != "catalog_change":
            problem = f"{case_id}: not a catalog change"
        elif change.provider_department_id != case.provider_department_id:
            problem = f"{case_id}: another unit's catalog"
        elif change.created_at < since:
            problem = f"{case_id}: filed before the obligation"
        elif change.status in UNFILED:
            problem = f"{case_id}: {change.status}"
        else:
            continue
        raise invalid("changes_not_filed", {"changes": problem}, problem=problem)
    return {**data, "changes": ids}
