"""What the codes of the domain are called on a page (zh-CN message ids, English in the
catalog). One place, so every page names a status or a decision the same way."""
from __future__ import annotations

from flask_babel import get_locale, lazy_gettext as _l

KINDS = {"share": _l("共享申请"), "open_data": _l("依申请开放"), "purchase": _l("购买社会数据"),
         "catalog_change": _l("目录变更"), "emergency": _l("临时调整共享属性"),
         "objection": _l("数据校核异议"), "coordination": _l("共享争议协调"),
         "change_notice": _l("共享服务变更告知"), "catalog_update": _l("目录更新督办")}
STATUSES = {"pending": _l("办理中"), "granted": _l("已同意"), "refused": _l("不予同意"),
            "abandoned": _l("视为放弃申请"), "withdrawn": _l("已撤回"), "completed": _l("已办结"),
            "cancelled": _l("已终止")}
TASK_STATES = {"open": _l("待办理"), "completed": _l("已办结"), "cancelled": _l("已取消")}
SHARE_TYPES = {"unconditional": _l("无条件共享"), "conditional": _l("有条件共享"), "none": _l("不予共享")}
OPEN_TYPES = {"unconditional": _l("无条件开放"), "on_request": _l("依申请开放"), "closed": _l("不予开放")}
ROLES = {"applicant": _l("申请人(使用单位)"), "approver": _l("审核人(提供单位)"),
         "authority": _l("大数据主管部门"), "admin": _l("管理员"), "auditor": _l("审计员"),
         "citizen": _l("公民、法人和其他组织")}
DEPARTMENT_KINDS = {"authority": _l("大数据主管部门"), "government": _l("政务部门"),
                    "public_service": _l("公共服务单位")}
CHANNELS = {"online": _l("网络提交"), "in_person": _l("当面提交"), "post": _l("邮寄提交")}
CLOCK_STATES = {"running": _l("计时中"), "paused": _l("已暂停"), "met": _l("按期办结"),
                "breached": _l("已逾期"), "stopped": _l("已停止计时")}
NOTICE_KINDS = {"upgrade": _l("系统升级"), "change": _l("变更"), "stop": _l("停用")}  # change notices (Art. 23 ¶2)
NOTICE_ACTIONS = {"suspend": _l("生效日起暂停相关授权"), "carry_over": _l("生效日起相关授权继续有效")}
GRANT_STATES = {"active": _l("有效"), "expired": _l("已到期"), "revoked": _l("已撤销"), "suspended": _l("已暂停")}
SOURCES = {"official": _l("正式(国务院办公厅通知)"), "provisional": _l("暂定(按法定规则估算)")}
EVENTS = {
    "case_started": _l("提出申请"), "task_created": _l("生成待办"), "task_claimed": _l("签收"),
    "task_unclaimed": _l("退回签收"), "task_completed": _l("办理完成"), "task_cancelled": _l("待办取消"),
    "case_decided": _l("办结"), "case_withdrawn": _l("撤回申请"), "timer_fired": _l("期限届满"),
    "applicant_notified": _l("告知申请人"), "deadline_recomputed": _l("期限重新计算"),
    "resource_aggregated": _l("数据已汇聚"), "incident_raised": _l("作业故障"),
    "incident_retried": _l("故障重试"), "process_deployed": _l("部署流程"),
    "definition_deployed": _l("部署流程"),
    "grant_created": _l("授权生效"), "grant_revoked": _l("撤销授权"),
    "task_reassigned": _l("转办"), "comment_added": _l("留言"), "attachment_added": _l("上传附件"),
    "resource_reclassified": _l("临时调整共享属性"), "calendar_loaded": _l("载入节假日安排"),
    "department_changed": _l("部门变更"), "user_changed": _l("用户变更"), "password_changed": _l("修改密码"),
    "user_logged_in": _l("登录"), "login_failed": _l("登录失败"), "user_logged_out": _l("退出登录"),
    "resource_changed": _l("目录信息变更"),
    "party_notified": _l("书面告知第三方"),
    "grant_suspended": _l("授权暂停(变更告知生效)"), "grant_carried_over": _l("授权延续(变更告知生效)"),
    "case_cancelled": _l("管理员终止事项"), "case_migrated": _l("迁移流程版本"), "task_migrated": _l("待办迁移"),
}
# the models' user tasks by element id: their names in the page's language
STEPS = {
    "provider_review": _l("提供单位审核"), "green_review": _l("绿色通道审核"),
    "dispatch_feedback": _l("提供单位反馈"), "aggregation": _l("数据汇聚"),
    "coordinate_overdue": _l("逾期协调(第二十三条)"), "applicant_amendment": _l("退回修改"),
    "catalog_registration": _l("纳入本部门资源目录"), "confirm_receipt": _l("确认收到申请"),
    "purchase_review": _l("购买社会数据审批"), "applicant_supplement": _l("补正申请材料"),
    "extension_approval": _l("延期审批(政府信息公开工作机构负责人)"),
    "open_data_review": _l("依申请开放审核答复"), "third_party_opinion": _l("记录第三方意见"),
    "acknowledge_change": _l("确认收到变更告知"), "supervise_acknowledgement": _l("确认逾期督办"),
    "file_catalog_update": _l("提交目录更新并登记"), "supervise_catalog_update": _l("目录更新逾期督办"),
}
# what the applicant is told (the ``kind`` of a model's notify(), the element of its event)
NOTICES = {"supplement_requested": _l("告知补正"), "deadline_extended": _l("告知延长期限"),
           "returned_for_amendment": _l("退回修改")}
# task form fields (app/cases/forms.py) and their choices
FIELDS = {
    "decision": _l("决定"), "reason": _l("理由"), "conditions": _l("使用条件(答复意见)"),
    "note": _l("备注"), "done": _l("已完成汇聚"), "resource": _l("登记的资源编码"),
    "received_on": _l("收到申请之日"), "action": _l("处理方式"), "reply_type": _l("答复类型"),
    "content": _l("答复内容"), "agency": _l("负责该信息的机关"), "items": _l("需补正的事项"),
    "third_party": _l("第三方"), "supplement_days": _l("补正期限(工作日)"),
    "extension_days": _l("延长期限(工作日;延期不超过 20)"), "opinion": _l("第三方意见"),
    "description": _l("补正内容"), "resolution": _l("协调结果"), "purpose": _l("用途"),
    "legal_basis": _l("依据"),
    "proper_channel": _l("应通过的渠道"), "good_reason": _l("逾期的正当理由"),
    "result": _l("校核结果"), "explanation": _l("更正情况或说明"), "finding": _l("协调结论"),
    "conclusion": _l("协调结论"),
    "acknowledged": _l("已收到告知"), "measures": _l("拟采取的应对措施"),
    "changes": _l("已提交的目录变更(事项编号,每行一个)"), "catalog_update_done": _l("目录更新已提交"),
}
CHOICES = {
    "approve": _l("同意"), "refuse": _l("不同意"), "return": _l("退回"), "can_aggregate": _l("能够满足(可汇聚)"),
    "cannot": _l("无法满足"), "agree": _l("同意公开"), "disagree": _l("不同意公开"),
    "reply": _l("答复"), "request_supplement": _l("一次性告知补正"),
    "consult_third_party": _l("征求第三方意见"), "request_extension": _l("申请延长答复期限"),
    "already_public": _l("已主动公开"), "disclosed": _l("予以公开"),
    "partially_disclosed": _l("部分公开"), "not_disclosed": _l("不予公开"), "not_exist": _l("信息不存在"),
    "not_our_agency": _l("非本机关负责"), "duplicate": _l("重复申请"), "special_law": _l("适用其他法律规定"),
    "consult_agency": _l("征求其他机关意见"), "longer_period": _l("确定延迟答复的合理期限"),
    "not_processed": _l("不予处理(申请明显超过合理范围)"), "no_new_processing": _l("需加工分析,不予提供"),
    "not_gior": _l("不属于政府信息公开申请"), "accept": _l("理由正当,重新受理"),
    "corrected": _l("已更正"), "no_error": _l("经核实无误"), "coordinate": _l("提请协调"),
    "verification_upheld": _l("维持校核结果"), "correction_ordered": _l("责成更正"),
    "uphold": _l("维持不予共享"), "reopen": _l("推翻,由提供单位重新答复"),
}
DECISIONS = {**CHOICES, "return": _l("退回修改"), "direct": _l("直接获取"), "not_shared": _l("不予共享类"),
             "green_channel": _l("绿色通道同意"), "no_supplement": _l("逾期未补正")}
DECISIONS = {**CHOICES, "direct": _l("直接获取"), "not_shared": _l("不予共享类"),
             "green_channel": _l("绿色通道同意"), "no_supplement": _l("逾期未补正"),
             "green_refused": _l("绿色通道不同意共享"), "reopened": _l("重新受理"),
             "late_supplement_refused": _l("逾期补正理由不正当"),
             "coordination_upheld": _l("协调维持不予共享"),
             "suspend": _l("授权暂停"), "carry_over": _l("授权延续"), "notice_too_late": _l("告知过晚"),
             "updated": _l("目录已更新")}


_TEXTS: dict[tuple[str, int], str] = {}


def _text(lazy) -> str:
    """A label in the page's language, translated once per language: a list page shows a
    hundred labels, and each translation through flask-babel costs more than the row."""
    if isinstance(lazy, str):
        return lazy
    key = (str(get_locale()), id(lazy))  # the tables' lazy strings live as long as the module
    if key not in _TEXTS:
        _TEXTS[key] = str(lazy)
    return _TEXTS[key]


def step(key: str, name: str) -> str:
    """A task's step name: translated when the element is known, else the model's own name."""
    if key in STEPS:
        return _text(STEPS[key])
    return _text(NOTICES[key]) if key in NOTICES else name


def label(table: dict, code) -> str:
    """The label of ``code``, or the code itself when it has none (a new value shows up)."""
    return _text(table.get(code, str(code))) if code is not None else ""
