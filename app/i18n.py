"""User-facing messages: zh-CN by default, English when the client asks (Accept-Language)."""
from flask import has_request_context, request

MESSAGES: dict[str, tuple[str, str]] = {
    # code: (zh-CN, en)
    "malformed_json": ("请求体不是合法的 JSON 对象", "The request body is not a valid JSON object"),
    "validation_error": ("提交的数据不符合要求", "The submitted data is invalid"),
    "unauthorized": ("未登录或登录已过期", "Not logged in, or the session has expired"),
    "bad_credentials": ("用户名或密码错误", "Wrong username or password"),
    "too_many_attempts": ("登录失败次数过多,请 {retry_after} 秒后再试", "Too many failed logins; try again in {retry_after} seconds"),
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
    # -- grants
    "own_case": ("不得办理本人提出的申请事项(职责分离)", "You cannot work on a request you filed yourself (separation of duties)"),
    "grant_not_active": ("该授权已不在有效状态(当前状态:{state})", "The grant is no longer active (state: {state})"),
    # -- identity
    "weak_password": ("密码强度不足:至少 {min_length} 位,且不能是常见密码或与用户名相同",
                      "The password is too weak: at least {min_length} characters, not a common password, "
                      "not the username"),
    "last_admin": ("不能停用最后一位在用的管理员,也不能取消其管理员角色",
                   "The last active administrator cannot be disabled or lose the admin role"),
    "wrong_old_password": ("当前密码不正确", "The current password is wrong"),
    "account_disabled": ("该账户已停用,请联系管理员", "This account is disabled; contact an administrator"),
    # -- catalog
    "use_catalog_change": ("目录条目须通过目录变更申请修改,经主管部门审核后发布",
                           "Catalog entries change through a catalog change, reviewed by the authority before publication"),
    "not_loosening": ("临时调整只能放宽共享属性(不予共享→有条件/无条件共享,有条件→无条件共享)",
                      "An emergency reclassification may only loosen the share type"),
    "emergency_until_past": ("临时调整的截止日期不能早于今天", "The end date of an emergency reclassification cannot be in the past"),
    "emergency_too_long": ("临时调整最长 {days} 天", "An emergency reclassification lasts at most {days} days"),
    "emergency_self_approval": ("临时调整须由提出人以外的市大数据主管部门人员批准",
                                "An emergency reclassification must be approved by someone other than who asked for it"),
    # -- daily
    "not_a_colleague": ("{user} 不是本单位可办理该任务的同事", "{user} is not a colleague who may work this task"),
    "not_returnable": ("该任务不能退回修改", "This task cannot be returned for amendment"),
    "returned_once": ("每件申请只能退回修改一次", "A request can be returned for amendment only once"),
    "not_returned": ("该申请没有待修改的退回", "This request is not awaiting an amendment"),
    "notify_returned_for_amendment": ("您的申请被退回修改:{reason}", "Your request was returned for amendment: {reason}"),
    "notify_task_reassigned": ("转办给您的待办:{name}", "A task was handed over to you: {name}"),
    "not_decided": ("申请尚未办结,没有书面决定", "The request has not been decided yet: no written decision"),
    "file_too_large": ("文件不能超过 {limit_mib} MiB", "The file may be at most {limit_mib} MiB"),
    "file_type": ("只接受以下类型的文件(按内容识别):{accepted}", "Only these file types are accepted (by content): {accepted}"),
    # -- hardening
    "engine_limit": ("流程超出运行限制:{problem}", "The process went past a limit: {problem}"),
    "no_handler": ("环节「{lane}」无人可办理(未配置部门或无相应角色的在岗人员)",
                   "No one can work the lane \"{lane}\" (no department, or no active user with its role)"),
    # -- regulatory
    "purchase_government_only": ("只有政务部门可以报批购买社会数据(办法第十三条)",
                                 "Only government departments may file a social-data purchase (Art. 13)"),
    "receipt_day_too_late": ("收到之日不得晚于确认期限 {latest}", "The day of receipt cannot be later than the confirmation deadline {latest}"),
    "extension_too_late": ("答复期限({due_date})已届满,不能再延长;逾期记录保留",
                           "The reply deadline ({due_date}) has passed: it can no longer be extended, the breach stays"),
    "notify_receipt_overdue": ("行政机关未在 {due_date} 前确认收到您的申请,已转大数据主管部门督办",
                               "The agency did not confirm receipt of your application by {due_date}; the authority has been alerted"),
    "notify_reply_overdue": ("答复期限 {due_date} 已届满,已转大数据主管部门督办",
                             "The reply deadline {due_date} has passed; the authority has been alerted"),
    "objection_government_only": ("只有政务部门可以提出数据校核异议", "Only government departments may file a data-quality objection"),
    "objection_own_resource": ("不能对本单位提供的数据提出异议", "A unit cannot object to data it provides itself"),
    "not_refused": ("只有被拒绝的共享申请可以提请协调", "Only a refused share request can be taken to coordination"),
    "already_coordinated": ("该申请已提请过协调", "This request has already been taken to coordination"),
    "notify_objection_verified": ("提供单位已完成校核({result}):{explanation}", "The provider has verified the data ({result}): {explanation}"),
    "notify_review_reopened": ("经协调,提供单位须在 {due_date} 前重新答复:{reason}",
                               "After coordination the provider must answer again by {due_date}: {reason}"),
    "notify_longer_period": ("因申请明显超过合理范围,答复期限延长 {days} 个工作日至 {due_date}:{reason}",
                             "Your application exceeds a reasonable scope: the reply is due {days} working days later, on {due_date}: {reason}"),
    # -- change notices (Art. 23 ¶2) and catalog update obligations (Art. 11)
    "notice_too_late": ("须提前 10 个工作日告知:生效日最早为 {earliest}",
                        "Notice must be given 10 working days ahead: the earliest effective day is {earliest}"),
    "stop_suspends_grants": ("停用共享服务时,相关授权只能暂停,不能延续",
                             "When a shared service stops, its grants are suspended, not carried over"),
    "catalog_update_target": ("目录更新义务只能交由政务部门或公共服务单位承担",
                              "A catalog update obligation can only be placed on a government or public-service unit"),
    "catalog_update_open": ("该单位已有未办结的目录更新义务", "The unit already has an open catalog update obligation"),
    "changes_not_filed": ("所列目录变更须为本单位在本义务产生后提交的变更:{problem}",
                          "The listed catalog changes must be your unit's, filed after the obligation arose: {problem}"),
    "purchase_registration_change": ("须以本单位新增目录条目的目录变更登记所购数据",
                                     "Register the bought data by filing a new entry of your own catalog"),

    # -- admin
    "invalid_mapping": ("映射无效:{element} → {target}({problem})",
                        "Invalid mapping: {element} -> {target} ({problem})"),
    "migration_unmapped": ("事项停在环节 {element},新版本中没有同名环节,也未指定映射",
                           "The case waits at {element}, which the new version lacks and the mapping does not map"),
    "migration_removed": ("事项已经过的环节 {element} 在新版本中已删除,也未指定映射",
                          "The case passed {element}, which the new version removed and the mapping does not map"),
    "migration_other_type": ("事项停在环节 {element},它在新版本中的对应环节类型不同",
                             "The case waits at {element}, whose counterpart in the new version is of another type"),
    "migration_other_form": ("事项停在环节 {element},它在新版本中的对应环节使用不同的表单",
                             "The case waits at {element}, whose counterpart in the new version asks for another form"),
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
