"""Purchasing social data (购买社会数据, Art. 13): approved by the authority of the buyer's own
region (本级大数据主管部门); once bought, the data is registered in the buyer's catalog."""
from __future__ import annotations

from app.cases.filing import open_case
from app.cases.uow import UnitOfWork
from app.errors import forbidden, invalid
from app.models import Case, User

PROCESS_KEY = "purchase_request"


def start(user: User, request: dict) -> Case:
    if user.department is None:
        raise forbidden(reason="no department")
    if user.department.kind != "government":  # Art. 13: 各级政务部门, not public-service units
        raise invalid("purchase_government_only", {"department": user.department.code,
                                                   "kind": user.department.kind})
    with UnitOfWork(user.username) as uow:
        request = {**request, "budget_yuan": str(request["budget_yuan"])}  # JSON-native in the workflow
        return open_case(uow, user, "purchase", PROCESS_KEY, request)
