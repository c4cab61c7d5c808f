"""The written decision (告知书 / 答复书) of a decided request, as a PDF in Chinese: made with
ReportLab and the CJK TrueType font Debian ships (fonts-wqy-microhei), from what the case
recorded — the request, the decision and its text, reasons, conditions, the legal basis, the
remedies open to the applicant and the date of the decision."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from flask import current_app
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from sqlalchemy import select

from app.engine.clock import local_date
from app.extensions import db
from app.models import AuditEvent, Case, Department, HumanTask, Resource
from app.services import timezone

FONT = "DSF-CJK"
DEFAULT_FONT_FILE = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
TITLES = {"share": "公共数据共享申请答复书", "open_data": "公共数据依申请开放答复告知书",
          "purchase": "购买社会数据审批决定书"}
STATUS = {"granted": "同意", "refused": "不予同意", "abandoned": "视为放弃申请", "completed": "已办结"}
DECISIONS = {"approve": "同意", "refuse": "不同意", "direct": "无条件共享,平台直接获取",
             "not_shared": "不予共享(目录所列依据)", "cannot": "无法满足需求", "green_channel": "绿色通道同意共享",
             "reply": "答复", "no_supplement": "逾期未补正"}
REPLY_TYPES = {"already_public": "已主动公开", "disclosed": "予以公开", "partially_disclosed": "部分公开",
               "not_disclosed": "不予公开", "not_exist": "信息不存在", "not_our_agency": "非本机关负责",
               "duplicate": "重复申请", "special_law": "适用其他法律规定"}
REMEDIES = {
    "open_data": "如对本答复不服,可以自收到本答复之日起六十日内依法向东营市人民政府申请行政复议,"
                 "或者自收到本答复之日起六个月内依法向人民法院提起行政诉讼"
                 "(《中华人民共和国行政复议法》《中华人民共和国行政诉讼法》)。",
    "share": "如对本答复有异议,可以提请大数据主管部门协调处理(《东营市公共数据管理办法》第二十三条)。",
    "purchase": "如对本决定有异议,可以向本级大数据主管部门提出复核。",
}
DECIDED = ("granted", "refused", "abandoned", "completed")


@dataclass
class Letter:
    title: str
    agency: str
    lines: list[tuple[str, str]]
    remedies: str
    decided_on: date


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        path = current_app.config.get("DSF_CJK_FONT") or DEFAULT_FONT_FILE  # one font per process
        pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
    return FONT


def _events(case: Case, *types: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                            AuditEvent.type.in_(types))
                                   .order_by(AuditEvent.seq)))


def _agency(case: Case) -> str:
    """The department that decided: the one whose task was completed last, else the provider."""
    dept_id = db.session.scalar(select(HumanTask.department_id).where(
        HumanTask.case_id == case.id, HumanTask.state == "completed", HumanTask.department_id.is_not(None),
        HumanTask.department_id != case.department_id).order_by(HumanTask.completed_at.desc()).limit(1))
    dept = db.session.get(Department, dept_id or case.provider_department_id) if (
        dept_id or case.provider_department_id) else None
    return dept.name if dept else "东营市大数据局"


def _legal_bases(case: Case, resource: Resource | None) -> list[str]:
    bases = [c["legal_basis"] for c in case.sla or [] if c.get("legal_basis")]
    outcome = case.outcome or {}
    if outcome.get("decision") == "not_shared" and resource is not None and resource.legal_basis:
        bases.insert(0, resource.legal_basis)
    if case.kind == "open_data":
        bases.append("《中华人民共和国政府信息公开条例》")
    return list(dict.fromkeys(bases)) or ["《东营市公共数据管理办法》"]


def letter_of(case: Case) -> Letter:
    """What the letter says, from the case's own records (its outcome and audit events)."""
    outcome = case.outcome or {}
    data = case.input or {}
    resource = db.session.scalar(select(Resource).where(Resource.code == case.resource_code)) \
        if case.resource_code else None
    decided = _events(case, "case_decided")
    decided_on = local_date((decided[-1] if decided else None).at if decided else case.updated_at, timezone())
    replies = [e.data.get("data") or {} for e in _events(case, "task_completed")]
    content = next((r["content"] for r in reversed(replies) if r.get("content")), None)
    applicant = case.department.name if case.department else case.applicant.display_name
    lines = [("申请编号", case.id), ("申请人", applicant),
             ("申请日期", local_date(case.created_at, timezone()).strftime("%Y年%m月%d日"))]
    if resource is not None:
        lines.append(("申请的数据", f"{resource.name}({resource.code})"))
    lines += [(label, str(data[key])) for key, label in (("title", "采购项目"), ("purpose", "用途"),
                                                         ("description", "申请内容"), ("legal_basis", "申请依据"))
              if data.get(key)]
    lines.append(("决定", STATUS.get(case.status, case.status) + (
        f"({DECISIONS.get(outcome['decision'], outcome['decision'])})" if outcome.get("decision") else "")))
    if outcome.get("reply_type"):
        lines.append(("答复类型", REPLY_TYPES.get(outcome["reply_type"], outcome["reply_type"])))
    if content:
        lines.append(("答复内容", content))
    if outcome.get("reason"):
        lines.append(("理由", outcome["reason"]))
    if outcome.get("conditions"):
        lines.append(("使用条件", outcome["conditions"]))
    lines.append(("法律依据", ";".join(_legal_bases(case, resource))))
    return Letter(TITLES.get(case.kind, "答复书"), _agency(case), lines, REMEDIES.get(case.kind, ""), decided_on)


def render(letter: Letter) -> bytes:
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=26, alignment=1, spaceAfter=6)
    right = ParagraphStyle("right", parent=body, alignment=2)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=letter.title, author=letter.agency)
    flow = [Paragraph(escape(letter.title), title), Paragraph(escape(letter.agency), right), Spacer(1, 6 * mm)]
    flow += [Paragraph(f"{escape(name)}:{escape(value)}", body) for name, value in letter.lines]
    if letter.remedies:
        flow += [Spacer(1, 4 * mm), Paragraph("救济途径:" + escape(letter.remedies), body)]
    flow += [Spacer(1, 10 * mm), Paragraph(escape(letter.agency), right),
             Paragraph(letter.decided_on.strftime("%Y年%m月%d日"), right)]
    doc.build(flow)
    return out.getvalue()
