"""BPMN lanes name who works a task: a lane id maps to a role and, per case, a department."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Department

# lane id -> role that works the tasks in it
LANE_ROLES = {
    "provider": "approver",            # 数据提供单位
    "provider_authority": "authority",  # 提供单位所在地大数据主管部门 (coordination, Art. 23)
    "applicant": "applicant",          # 数据使用单位
    "applicant_authority": "authority",  # 申请单位本级大数据主管部门 (Art. 13)
}


def authority_of(region: str) -> Department | None:
    """The big-data authority of a region (each region has its own)."""
    return db.session.scalar(select(Department).where(Department.kind == "authority",
                                                      Department.region == region)
                             .order_by(Department.id))


def case_lanes(applicant_dept: Department | None, provider_dept: Department | None) -> dict:
    """Lane id -> department code for one case, fixed when it starts."""
    lanes = {}
    if provider_dept is not None:
        lanes["provider"] = provider_dept.code
        auth = authority_of(provider_dept.region)
        if auth is not None:
            lanes["provider_authority"] = auth.code
    if applicant_dept is not None:
        lanes["applicant"] = applicant_dept.code
        auth = authority_of(applicant_dept.region)
        if auth is not None:
            lanes["applicant_authority"] = auth.code
    return lanes
