"""Data-quality objections (数据校核, Art. 18): a using unit that doubts or finds an error in
shared data tells the provider, who verifies and corrects or explains; the objector accepts
or asks the authority to coordinate (Art. 23 ¶1)."""
from __future__ import annotations

from app.cases.filing import open_case
from app.cases.share import find_resource
from app.cases.uow import UnitOfWork
from app.errors import forbidden, invalid
from app.models import Case, User

PROCESS_KEY = "objection"


def start(user: User, resource_code: str, description: str) -> Case:
    if user.department is None:
        raise forbidden(reason="no department")
    if user.department.kind != "government":  # API.md: an applicant of a government department
        raise invalid("objection_government_only", {"department": user.department.code,
                                                    "kind": user.department.kind})
    with UnitOfWork(user.username) as uow:
        resource = find_resource(resource_code)
        if resource.provider_id == user.department_id:
            raise invalid("objection_own_resource", {"resource": resource.code})
        request = {"resource": resource.code, "description": description}
        return open_case(uow, user, "objection", PROCESS_KEY, request, {"provider": resource.provider.code},
                         resource, resource.provider)
