"""BPMN lanes name who works a task: a lane id maps to a role and, per case, a department."""
from __future__ import annotations

from sqlalchemy import bindparam, select

from app.extensions import db
from app.models import Department

# lane id -> role that works the tasks in it
LANE_ROLES = {
    "provider": "approver",            # 数据提供单位
    "provider_authority": "authority",  # 提供单位所在地大数据主管部门 (coordination, Art. 23)
    "applicant": "applicant",          # 数据使用单位
    "applicant_authority": "authority",  # 申请单位本级大数据主管部门 (Art. 13)
    "city_authority": "authority",      # 市大数据主管部门 (green channel, Art. 23)
    "requester": "citizen",            # the applicant in person (公民、法人和其他组织)
    "holders": "applicant",            # a grant holder (数据使用单位), one task per department
}
PERSONAL_LANES = {"requester"}
# lanes whose department is not fixed per case but named by each task instance's own data
# (the multi-instance input item ``holder``, app/engine/runner.py PARTY_VARIABLE)
DATA_LANES = {"holders"}  # tasks assigned to the case's applicant, not to a department
# the filer's own work (e.g. a purchase's catalog registration, a supplement): exempt from the
# separation of duties that keeps a filer from deciding their own case
APPLICANT_LANES = {"applicant", "requester"}


_AUTHORITIES = select(Department).where(Department.kind == "authority", Department.region.in_(
    bindparam("regions", expanding=True))).order_by(Department.id.desc())  # built once: every filing asks


def authorities_of(*regions: str) -> dict[str, Department]:
    """The big-data authority of each region (each region has its own), in one query."""
    rows = db.session.scalars(_AUTHORITIES, {"regions": list(set(regions))})
    return {dept.region: dept for dept in rows}  # the oldest authority of a region wins


def case_lanes(applicant_dept: Department | None, provider_dept: Department | None,
               city_region: str) -> dict:
    """Lane id -> department code for one case, fixed when it starts."""
    parties = {"provider": provider_dept, "applicant": applicant_dept}
    authorities = authorities_of(city_region, *(d.region for d in parties.values() if d is not None))
    lanes = {"city_authority": authorities[city_region].code} if city_region in authorities else {}
    for lane, dept in parties.items():
        if dept is None:
            continue
        lanes[lane] = dept.code
        if dept.region in authorities:
            lanes[f"{lane}_authority"] = authorities[dept.region].code
    return lanes
