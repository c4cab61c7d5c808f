"""A case as its pages show it: what was asked, its SLA clocks, open tasks and history."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.cases.history import events_of, public_timeline
from app.extensions import db
from app.models import Case, HumanTask, Resource
from app.web.deadlines import clock_view, today
from app.web.labels import (CHANNELS, DECISIONS, EVENTS, KINDS, NOTICE_ACTIONS, NOTICE_KINDS, OPEN_TYPES,
                             SHARE_TYPES, label, step)

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
    return facts + _catalog_facts(case.kind, data)


# a catalog change's or an emergency's fields -> their labels
_ENTRY = (("code", _l("编码")), ("name", _l("名称")), ("provider", _l("提供单位")), ("share_type", _l("共享属性")),
          ("share_conditions", _l("共享条件")), ("legal_basis", _l("法律依据")), ("open_type", _l("开放属性")),
          ("security_level", _l("安全级别")), ("update_cycle", _l("更新周期")), ("on_platform", _l("已汇聚")))


def _shown(key: str, value) -> str:
    if key == "share_type":
        return label(SHARE_TYPES, value)
    if key == "open_type":
        return label(OPEN_TYPES, value)
    if isinstance(value, bool):
        return str(_l("是") if value else _l("否"))
    return "—" if value in (None, "") else str(value)


def _catalog_facts(kind: str, data: dict) -> list[tuple[str, str]]:
    """What a catalog change proposes, or what an emergency reclassification asks for."""
    if kind == "catalog_change":
        change = data.get("change") or {}
        facts = [(str(_l("变更类型")), str(_l("新增资源") if data.get("new") else _l("变更目录条目")))]
        facts += [(str(_l("拟变更:%(field)s", field=name)), _shown(key, change[key]))
                  for key, name in _ENTRY if key in change]
        if data.get("security_review"):
            facts.append((str(_l("安全保密审查")), str(_l("需要(拟开放或放宽共享)"))))
        return facts + [(str(_l("事由")), str(data.get("reason") or "—"))]
    if kind == "emergency":
        return [(str(_l("临时共享属性")), _shown("share_type", data.get("share_type"))),
                (str(_l("截止日期")), str(data.get("until"))), (str(_l("事由")), str(data.get("reason")))]
    if kind == "change_notice":
        return [(str(_l("变更类型")), label(NOTICE_KINDS, data.get("kind"))),
                (str(_l("生效日")), str(data.get("effective_on"))),
                (str(_l("生效日起的授权")), label(NOTICE_ACTIONS, data.get("grants"))),
                (str(_l("告知的授权持有单位")), "、".join(data.get("holders") or []) or "—")]
    if kind == "catalog_update":
        return [(str(_l("承担更新义务的单位")), str(data.get("department"))), (str(_l("事由")), str(data.get("reason")))]
    return []


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


def element_name(case: Case, element: str | None) -> str:
    """The BPMN element's name in the case's own process version, else its id."""
    if not element:
        return ""
    return step(element, (case.definition.elements or {}).get(element, {}).get("name", element))


def history(case: Case, public: bool = False) -> list[dict]:
    """Events as lines of a history: when, who, what, where in the process, a short note;
    ``public``: the applicant's timeline (app/cases/history.py), the same rule as the API's."""
    events = events_of(case)
    rows = public_timeline(case, events) if public else \
        [{"seq": e.seq, "at": e.at, "actor": e.actor, "type": e.type, "element": e.element, "data": e.data}
         for e in events]
    return [{**row, "what": label(EVENTS, row["type"]), "where": element_name(case, row["element"]),
             "note": _note(row["type"], row["data"] or {})} for row in rows]


def _note(type_: str, data: dict) -> str:
    if type_ == "task_completed":
        form = data.get("data") or {}
        parts = [label(DECISIONS, form.get(k)) for k in ("decision", "action", "opinion", "reply_type") if form.get(k)]
        parts += [str(form[k]) for k in ("reason", "conditions", "resolution", "description") if form.get(k)]
        return ";".join(parts)
    if type_ == "case_decided":
        return label(DECISIONS, (data.get("outcome") or {}).get("decision")) or data.get("status", "")
    if type_ == "task_created" and data.get("due_date"):
        return str(_l("期限 %(date)s", date=data["due_date"]))
    if type_ == "deadline_recomputed":
        return f"{data.get('old_due_date')} → {data.get('new_due_date')}"
    return ""
