"""The catalog change (目录编制与变更, Art. 9-11, 25, 27): a provider proposes, the authority of
its region reviews and compiles (审核汇总), opening or loosening needs a security review first,
and approval publishes a new version of the entry — a case effect, in the same unit of work."""
from __future__ import annotations

from marshmallow import ValidationError

from app.api.schemas import ResourceIn, ResourcePatch
from app.catalog import commands
from app.catalog.rules import check_entry, needs_security_review
from app.catalog.views import get
from app.cases.filing import open_case
from app.cases.uow import UnitOfWork
from app.errors import forbidden, invalid
from app.models import Case, User

PROCESS_KEY = "catalog_change"


def _loaded(schema, change: dict) -> dict:
    try:
        return schema().load(change)
    except ValidationError as exc:
        raise invalid("validation_error", {"change": exc.messages}) from None


def _checked_change(resource_code: str | None, change: dict) -> tuple:
    """(resource or None, the change as the API's schemas load it, the entry before, after)."""
    if resource_code is None:
        fields = _loaded(ResourceIn, change)
        commands.check_code_free(fields["code"])
        return None, fields, None, fields
    resource = get(resource_code)
    fields = _loaded(ResourcePatch, change)
    if not fields:
        raise invalid("validation_error", {"change": "empty"})
    before = commands.fields_of(resource)
    return resource, fields, before, {**before, **fields}


def start(user: User, resource_code: str | None, change: dict, reason: str) -> Case:
    """File a change of an entry (``resource_code``) or a new entry (``change`` has its code
    and provider); only an approver of the provider department may. The rules are checked
    now and again at approval."""
    with UnitOfWork(user.username) as uow:
        resource, fields, before, after = _checked_change(resource_code, change)
        provider = resource.provider if resource else commands.find_provider(fields["provider"])
        if not (user.has_role("approver") and user.department_id == provider.id):
            raise forbidden(provider=provider.code)
        check_entry(after)
        request = {"resource": after["code"], "new": resource is None, "change": fields,
                   "reason": reason, "security_review": needs_security_review(before, after)}
        facts = {"catalog_version": before}
        return open_case(uow, user, "catalog_change", PROCESS_KEY, request, facts, resource, provider)


def publish(uow: UnitOfWork, case: Case) -> None:
    """Approved: the change becomes the entry's next version (or the new entry's first)."""
    request = case.input
    if request["new"]:
        commands.create(uow, request["change"], case=case, reason=request["reason"])
    else:
        commands.update(uow, get(request["resource"]), request["change"], case=case, reason=request["reason"])


def reviewed(uow: UnitOfWork, case: Case, data: dict) -> None:
    """catalog_review approved: published now unless a security review follows."""
    if data.get("decision") == "approve" and not case.input["security_review"]:
        publish(uow, case)


def security_reviewed(uow: UnitOfWork, case: Case, data: dict) -> None:
    if data.get("decision") == "approve":
        publish(uow, case)
