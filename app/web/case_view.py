"""A case as its pages show it: what was asked, its SLA clocks, open tasks and history."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Case, HumanTask, Resource
from app.web.deadlines import clock_view, today
from app.web.labels import CHANNELS, DECISIONS, EVENTS, KINDS, label, step

# request field -> its label, in the order a reader wants them
_INPUT = (("title", _l("采购项目")), ("supplier", _l("供应商")), ("budget_yuan", _l("预算(元)")),
          ("purpose", _l("用途")), ("legal_basis", _l("依据")), ("description", _l("申请内容描述")),
          ("green_reason", _l("绿色通道理由")), ("submitted_on", _l("提交日期")))


def case_facts(case: Case) -> list[tuple[str, str]]:
    """(label, value) pairs of what the applicant filed."""
    data = case.input or {}
    facts = [(str(_l("事项类型")), label(KINDS, case.kind)),
             (str(_l("申请人")), case.applicant.display_name),
             (str(_l("申请单位")), case.department.name if case.department else "—")]
    if case.resource_code:
        resource = db.session.scalar(select(Resource).where(Resource.code == case.resource_code))
        facts.append((str(_l("数据资源")), f"{resource.name}({resource.code})" if resource else case.resource_code))
        if resource is not None:
            facts.append((str(_l("提供单位")), resource.provider.name))
    if data.get("channel"):
        facts.append((str(_l("提交方式")), label(CHANNELS, data["channel"])))
    if data.get("green_channel"):
        facts.append((str(_l("绿色通道")), str(_l("已申请"))))
    facts += [(str(name), str(data[key])) for key, name in _INPUT if data.get(key) not in (None, "")]
    return facts


def outcome_facts(case: Case) -> list[tuple[str, str]]:
    outcome = case.outcome or {}
    names = (("decision", _l("决定")), ("reply_type", _l("答复类型")), ("conditions", _l("使用条件")),
             ("reason", _l("理由")))
    return [(str(name), label(DECISIONS, outcome[key]) if key in ("decision", "reply_type") else str(outcome[key]))
            for key, name in names if outcome.get(key)]


def clocks(case: Case) -> list[dict]:
    """A closed case's clocks are shown stopped, whatever they were counting."""
    on = today()
    return [clock_view(c, on, closed=case.status != "pending") for c in case.sla or []]


def open_tasks(case: Case) -> list[HumanTask]:
    return db.session.scalars(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == "open")
                              .order_by(HumanTask.created_at)).all()


def events(case: Case) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)
                              .order_by(AuditEvent.seq)).all()


def element_name(case: Case, element: str | None) -> str:
    """The BPMN element's name in the case's own process version, else its id."""
    if not element:
        return ""
    return step(element, (case.definition.elements or {}).get(element, {}).get("name", element))


def history(case: Case) -> list[dict]:
    """Events as lines of a history: when, who, what, where in the process, a short note."""
    return [{"seq": e.seq, "at": e.at, "actor": e.actor, "type": e.type, "what": label(EVENTS, e.type),
             "element": e.element, "where": element_name(case, e.element), "note": _note(e)}
            for e in events(case)]


def _note(event: AuditEvent) -> str:
    data = event.data or {}
    if event.type == "task_completed":
        form = data.get("data") or {}
        parts = [label(DECISIONS, form.get(k)) for k in ("decision", "action", "opinion", "reply_type") if form.get(k)]
        parts += [str(form[k]) for k in ("reason", "conditions", "resolution", "description") if form.get(k)]
        return ";".join(parts)
    if event.type == "case_decided":
        return label(DECISIONS, (data.get("outcome") or {}).get("decision")) or data.get("status", "")
    if event.type == "task_created" and data.get("due_date"):
        return str(_l("期限 %(date)s", date=data["due_date"]))
    if event.type == "deadline_recomputed":
        return f"{data.get('old_due_date')} → {data.get('new_due_date')}"
    return ""
