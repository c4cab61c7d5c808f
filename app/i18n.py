"""User-facing messages: zh-CN by default, English when the client asks (Accept-Language)."""
from flask import has_request_context, request

MESSAGES: dict[str, tuple[str, str]] = {
    # code: (zh-CN, en)
    "malformed_json": ("请求体不是合法的 JSON 对象", "The request body is not a valid JSON object"),
    "validation_error": ("提交的数据不符合要求", "The submitted data is invalid"),
    "unauthorized": ("未登录或登录已过期", "Not logged in, or the session has expired"),
    "bad_credentials": ("用户名或密码错误", "Wrong username or password"),
    "too_many_attempts": ("登录失败次数过多,请 {minutes} 分钟后再试", "Too many failed logins; try again in {minutes} minutes"),
    "forbidden": ("无权执行此操作", "You are not allowed to do this"),
    "not_found": ("对象不存在或不可见", "Not found, or not visible to you"),
    "method_not_allowed": ("不支持该请求方法", "Method not allowed"),
    "too_large": ("请求体过大(上限 {limit} 字节)", "The request body is too large (limit {limit} bytes)"),
    "unsupported_media_type": ("不支持的内容类型", "Unsupported content type"),
    "conflict": ("操作冲突,请刷新后重试", "Conflicting change; reload and try again"),
    "concurrent_change": ("该事项刚被他人修改,请刷新后重试", "The case was changed by someone else; reload and try again"),
    "username_taken": ("用户名已被占用", "The username is already taken"),
    "code_taken": ("编码已存在", "The code already exists"),
    "unknown_department": ("部门不存在:{value}", "Unknown department: {value}"),
    "unknown_resource": ("目录资源不存在:{value}", "Unknown catalog resource: {value}"),
    "conditions_required": ("有条件共享的资源必须填写共享条件和依据", "A conditional resource needs share conditions and a legal basis"),
    "legal_basis_required": ("不予共享的资源必须填写法律依据", "A resource that is not shared needs a legal basis"),
    "unknown_role": ("未知角色:{role}", "Unknown role: {role}"),
    "department_required": ("该角色必须属于某个部门", "These roles need a department"),
    "task_not_open": ("该任务已办结", "The task is already completed"),
    "task_claimed": ("该任务已被 {assignee} 签收", "The task is held by {assignee}"),
    "reason_required": ("拒绝或否定答复必须说明理由", "A refusal or negative answer needs a reason"),
    "invalid_bpmn": ("流程模型无效:{problem}", "Invalid BPMN model: {problem}"),
    "no_process": ("尚未部署流程:{key}", "No process deployed for {key}"),
    "engine_error": ("流程执行出错:{problem}", "The process failed: {problem}"),
    "clock_disabled": ("测试时钟未启用", "The testing clock is not enabled"),
    "not_applicant": ("只有申请人可以执行此操作", "Only the applicant can do this"),
    "not_pending": ("该事项已办结", "The case is already closed"),
    "internal_error": ("服务器内部错误,已记录", "Internal server error; it has been logged"),
    "invalid_calendar": ("节假日安排无效:{problem}", "Invalid holiday schedule: {problem}"),
    "year_out_of_range": ("{problem}", "The working-day calendar covers the years 2000-2099 only"),
    "not_incident": ("该作业不是待处理的故障(当前状态:{state})", "The job is not an open incident (state: {state})"),
    "resource_not_own": ("只能登记本单位目录中的资源", "Only a resource of your own department's catalog can be registered"),
    "bad_receipt_day": ("收到申请之日须在提交之日与今天之间", "The receipt day must be between the day submitted and today"),
    "supplement_once": ("补正只能一次性告知", "A supplement can be requested only once"),
    "supplement_too_late": ("补正须在收到申请之日起 7 个工作日内一次性告知(截至 {until})",
                            "A supplement must be requested within 7 working days of receipt (until {until})"),
    "extension_once": ("答复期限只能延长一次", "The reply deadline can be extended only once"),
    "extension_self_approval": ("延期须由申请延期者以外的负责人批准", "An extension must be approved by someone other than who asked for it"),
    "resource_not_open": ("该资源不开放", "This resource is not open to the public"),
    "no_supplement_asked": ("当前没有待补正的事项", "No supplement is being asked for"),
    "notify_decision": ("您的申请已办结:{status}", "Your request has been decided: {status_en}"),
    "notify_supplement_requested": ("请于 {due_date} 前补正申请材料:{items}",
                                    "Please supplement your application by {due_date}: {items}"),
    "notify_deadline_extended": ("答复期限已延长 {days} 个工作日,新的期限为 {due_date}",
                                 "The reply deadline was extended by {days} working days, to {due_date}"),
    "notify_new_task": ("新的待办:{name}", "New task: {name}"),
    "notify_deadline_near": ("待办「{name}」将于 {due_date} 到期", "Task \"{name}\" is due on {due_date}"),
    "not_implemented_yet": ("该功能尚未开放:{what}", "Not available yet: {what}"),
    "export_filter_required": ("请指定事项编号(case)或日期范围(from/to)",
                               "Give a request id (case) or a date range (from/to)"),
    "bad_date_range": ("开始日期不能晚于结束日期", "The start date must not be after the end date"),
    # -- admin
    "invalid_mapping": ("映射无效:{element} → {target}({problem})",
                        "Invalid mapping: {element} -> {target} ({problem})"),
    "migration_unmapped": ("事项停在环节 {element},新版本中没有同名环节,也未指定映射",
                           "The case waits at {element}, which the new version lacks and the mapping does not map"),
    "migration_removed": ("事项已经过的环节 {element} 在新版本中已删除,也未指定映射",
                          "The case passed {element}, which the new version removed and the mapping does not map"),
    "migration_other_type": ("事项停在环节 {element},它在新版本中的对应环节类型不同",
                             "The case waits at {element}, whose counterpart in the new version is of another type"),
    "migration_not_pending": ("该事项已办结,不能迁移", "The case is closed and cannot move"),
    "migration_other_version": ("该事项运行在第 {version} 版,不是迁移的源版本",
                                "The case runs on version {version}, not on the version to migrate from"),
}


LANG_COOKIE = "dsf_lang"  # set by the pages' language switch: "zh_CN" or "en"


def wants_english() -> bool:
    """True when the client prefers English: the language the user chose on the pages (a
    cookie), else Accept-Language; Chinese by default."""
    if not has_request_context():
        return False
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in ("zh_CN", "en"):
        return chosen == "en"
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"], default="zh-CN")
    return best == "en"


def message(code: str, /, **params) -> str:
    """The message for ``code`` in the caller's language, with ``params`` filled in
    (positional-only: a parameter may itself be called ``code``)."""
    zh, en = MESSAGES.get(code, (code, code))
    text = en if wants_english() else zh
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text
