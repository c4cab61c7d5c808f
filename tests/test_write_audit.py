"""One door for writes, checked route by route (issue 9, "Done when").

WRITES lists every mutating route of the app, API and pages, with who calls it, how, and the
audit event types the call must append; NOT_WRITES lists the mutating routes that append none,
each with its reason. ``test_every_mutating_route_is_in_exactly_one_table`` keeps the tables
complete: a new route without an entry fails it.

``test_the_walk`` makes every call of both tables in order on the demo data with bpmn/
deployed (a case is filed before its task is claimed, and so on), as the named users — the API
with their tokens, the pages through their logged-in sessions with the CSRF token — and after
each call reads what was appended to the hash chain. The events must be exactly the ones
named, **in order**: a command's own event comes first (the unit of work attaches the
calendar years it counted with to it, app/cases/uow.py), then the events of the projection in
the order the engine produced them, so the order is part of what a replay relies on. Every
appended event must name the caller as its actor. Each NOT_WRITES route is called too and
must append nothing and add or remove no row of any table (nor may a WRITES variant named with
no events). At the end the whole chain verifies (app/audit/verify.py).

A route appears in WRITES as often as the walk needs it (a task's ``complete`` for several
kinds of task, a form's preview and its confirmation); variants that rightly append nothing
(a migration's dry run, a withdrawal not yet confirmed) are WRITES entries with no events.
"""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import update

from app.audit.verify import verify
from app.extensions import db
from app.models import TimerJob
from tests.conftest import ROOT
from tests.write_audit_support import NoWrite, Upload, Walk, Write, describe, mutating_routes

PDF = Upload("公函.pdf", b"%PDF-1.4\n%%EOF\n")
NEW_PASSWORD = "Walk-Table-2026-xq"
SHARE = {"resource": "GA-HJ-001", "purpose": "核验不动产登记人户籍"}
APPROVE = {"decision": "approve", "conditions": "仅限核验户籍"}
OPEN_DATA = {"resource": "SCJG-XY-002", "purpose": "信用核查", "description": "某企业近三年信用监管信息",
             "channel": "online"}
SUPPLEMENT_ASKED = {"action": "request_supplement", "items": "请写明企业名称", "supplement_days": 10}
PURCHASE = {"title": "卫星影像", "supplier": "某测绘公司", "description": "全市高分影像", "purpose": "国土调查",
            "budget_yuan": "120000.00"}
OBJECTION = {"resource": "GA-HJ-001", "description": "地址字段错误"}
ZDRY_ENTRY = {"name": "重点人员管控信息", "share_type": "none", "share_conditions": "",
              "legal_basis": "《中华人民共和国保守国家秘密法》第二十九条", "open_type": "closed",
              "security_level": "一般", "update_cycle": "每日", "on_platform": "on"}
GS_ENTRY = {"name": "居民用水信息", "share_type": "unconditional", "share_conditions": "",
            "legal_basis": "", "open_type": "closed", "security_level": "一般", "update_cycle": "每日"}
EMERGENCY = {"share_type": "unconditional", "until": "2026-03-10", "reason": "防汛应急"}


def _bpmn(name: str) -> bytes:
    return (ROOT / "bpmn" / name).read_bytes()


def _year_2027(walk) -> dict:
    """The statutory estimate of 2027, loaded as the official schedule."""
    year = walk.api.ok("GET", "/calendar/years/2027", "admin")
    return {"holidays": year["holidays"], "workdays": year["workdays"], "source_ref": "国办发明电〔2026〕1号"}


def _year_2028_form(walk) -> dict:
    year = walk.api.ok("GET", "/calendar/years/2028", "admin")
    return {"holidays": " ".join(year["holidays"]), "workdays": " ".join(year["workdays"]),
            "source_ref": "国办发明电〔2027〕1号"}


def _incident(alias: str):
    """A timer job of the case failed after its retries (what the runner marks; no route does)."""
    def setup(walk):
        job_id = walk.resolve(f"{{job:{alias}}}")
        db.session.execute(update(TimerJob).where(TimerJob.id == job_id)
                           .values(state="incident", attempts=3, last_error="engine_error: 模拟故障"))
        db.session.commit()
    return setup


def _verification_overdue(walk) -> None:
    """Travel to Tue 2026-03-10 (the sessions of the walk expire: this comes last)."""
    walk.app.extensions["dsf_clock"].advance(days=8)


A = "/api/v1"
# what the commands append, named once (the order is the order of the chain)
FILED = ("case_started", "task_created")  # a case filed, its first task created
REFUSED_AT_FILING = ("case_started", "case_decided")  # a 不予共享 resource: refused by the model at once
NEXT_STEP = ("task_completed", "task_created")
RETURNED = ("task_completed", "task_created", "applicant_notified")  # 退回修改: the applicant amends
SUPPLEMENT_REQUESTED = RETURNED  # 补正: the citizen is told what to supply
GRANTED = ("task_completed", "case_decided", "grant_created")
PUBLISHED = ("task_completed", "resource_changed", "case_decided")  # a catalog change or emergency approved
WITHDRAWN = ("case_withdrawn", "task_cancelled")
CANCELLED = ("case_cancelled", "task_cancelled")

# Every call that must append audit events, in the order the walk makes them.
WORK: list[Write] = [
    # -- identity (API) ---------------------------------------------------------------------
    Write("POST /api/v1/auth/login", None, A + "/auth/login", ("user_logged_in",),
          body={"username": "auditor", "password": "demo-pass-2026"}, actor="auditor"),
    Write("POST /api/v1/auth/login", None, A + "/auth/login", ("login_failed",), status=401,
          body={"username": "auditor", "password": "wrong-password"}, actor="anonymous"),
    Write("POST /api/v1/auth/register", None, A + "/auth/register", ("user_changed",), status=201,
          body={"username": "walk_reg", "password": NEW_PASSWORD, "display_name": "自助注册市民"}, actor="walk_reg"),
    Write("POST /api/v1/departments", "admin", A + "/departments", ("department_changed",),
          body={"code": "KL-WALK", "name": "垦利区测试局", "kind": "government", "region": "垦利区"}),
    Write("PATCH /api/v1/departments/<code>", "admin", A + "/departments/KL-WALK", ("department_changed",),
          body={"name": "垦利区测试局(改)"}),
    Write("POST /api/v1/users", "admin", A + "/users", ("user_changed",),
          body={"username": "walk_api", "password": NEW_PASSWORD, "display_name": "测试审核员",
                "department": "KL-WALK", "roles": ["approver"]}),
    Write("PATCH /api/v1/users/<username>", "admin", A + "/users/walk_api", ("user_changed",),
          body={"roles": ["approver", "admin"]}),  # granting the admin role is audited ("Why")
    Write("POST /api/v1/users/<username>/password", "admin", A + "/users/walk_api/password", ("password_changed",),
          status=204, body={"password": NEW_PASSWORD + "-1"}),
    # -- identity (pages) -------------------------------------------------------------------
    Write("POST /login", None, "/login", ("user_logged_in",), status=302,
          body={"username": "auditor", "password": "demo-pass-2026"}, actor="auditor"),
    Write("POST /login", None, "/login", ("login_failed",), status=401,
          body={"username": "auditor", "password": "wrong-password"}, actor="anonymous"),
    Write("POST /admin/departments", "admin", "/admin/departments", ("department_changed",),
          body={"code": "KL-WALK2", "name": "垦利区测试二局", "kind": "government", "region": "垦利区"}),
    Write("POST /admin/departments/<code>", "admin", "/admin/departments/KL-WALK2", ("department_changed",),
          body={"name": "垦利区测试二局(改)", "kind": "government", "region": "垦利区"}),
    Write("POST /admin/users", "admin", "/admin/users", ("user_changed",),
          body={"username": "walk_page", "password": NEW_PASSWORD, "display_name": "页面用户",
                "department": "KL-WALK2", "roles": "applicant"}),
    Write("POST /admin/users/<username>", "admin", "/admin/users/walk_page", ("user_changed",),
          body={"display_name": "页面用户(改)", "department": "KL-WALK2", "roles": "applicant", "email": ""}),
    Write("POST /admin/users/<username>/password", "admin", "/admin/users/walk_page/password", ("password_changed",),
          body={"password": NEW_PASSWORD + "-2"}),
    # -- calendar ---------------------------------------------------------------------------
    Write("PUT /api/v1/calendar/years/<int:year>", "admin", A + "/calendar/years/2027", ("calendar_loaded",),
          body=_year_2027),
    Write("POST /admin/calendar/<int:year>", "admin", "/admin/calendar/2028", ("calendar_loaded",), status=200,
          body=_year_2028_form),
    # -- the catalog: the admin's direct edits ------------------------------------------------
    Write("POST /api/v1/resources", "admin", A + "/resources", ("resource_changed",), status=201,
          body={"code": "GA-WALK-1", "name": "测试资源", "provider": "DY-GA", "share_type": "conditional",
                "share_conditions": "仅限测试", "legal_basis": "《测试条例》第一条", "reason": "新增"}),
    Write("PATCH /api/v1/resources/<code>", "admin", A + "/resources/SCJG-QY-001", ("resource_changed",),
          body={"update_cycle": "每周", "reason": "更新频率调整"}),
    Write("POST /admin/catalog", "admin", "/admin/catalog", ("resource_changed",),
          body={"code": "GA-WALK-2", "provider": "DY-GA", **ZDRY_ENTRY, "name": "页面新增资源",
                "reason": "新增"}),
    Write("POST /admin/catalog/<code>", "admin", "/admin/catalog/GS-YS-001", ("resource_changed",),
          body={**GS_ENTRY, "name": "居民用水量信息", "reason": "规范名称"}),
    # -- the catalog: proposals and emergencies are cases -------------------------------------
    Write("POST /api/v1/catalog-changes", "ga_wang", A + "/catalog-changes", FILED, status=201, keep="change",
          body={"resource": "GA-HJ-001", "change": {"update_cycle": "每周"}, "reason": "调整更新频率"}),
    Write("POST /api/v1/tasks/<task_id>/complete", "dsj_li", A + "/tasks/{task:change:catalog_review}/complete", PUBLISHED,
          body={"decision": "approve"}),
    Write("POST /admin/catalog", "ga_wang", "/admin/catalog", FILED, keep="page_new_entry",
          body={"code": "GA-WALK-3", "provider": "DY-GA", **ZDRY_ENTRY, "name": "拟新增资源", "reason": "编制目录"}),
    Write("POST /admin/catalog/<code>", "ga_wang", "/admin/catalog/GA-ZDRY-002", FILED, keep="page_change",
          body={**ZDRY_ENTRY, "update_cycle": "每月", "reason": "调整更新频率"}),
    Write("POST /api/v1/resources/<code>/emergency", "kl_dsj_zhao", A + "/resources/GA-ZDRY-002/emergency", FILED,
          status=201, keep="emergency", body=EMERGENCY),
    Write("POST /admin/catalog/<code>/emergency", "ga_wang", "/admin/catalog/GA-HJ-001/emergency", FILED,
          keep="page_emergency", body=EMERGENCY),
    # -- a share request through the API: claim, hand over, return, amend, decide, revoke --------
    Write("POST /api/v1/share-requests", "zrzy_sun", A + "/share-requests", FILED, status=201, keep="api_share",
          body=SHARE),
    Write("POST /api/v1/tasks/<task_id>/claim", "ga_wang", A + "/tasks/{task:api_share:provider_review}/claim",
          ("task_claimed",)),
    Write("POST /api/v1/tasks/<task_id>/unclaim", "ga_wang", A + "/tasks/{task:api_share:provider_review}/unclaim",
          ("task_unclaimed",)),
    Write("POST /api/v1/tasks/<task_id>/claim", "ga_wang", A + "/tasks/{task:api_share:provider_review}/claim",
          ("task_claimed",)),
    Write("POST /api/v1/tasks/<task_id>/reassign", "ga_wang", A + "/tasks/{task:api_share:provider_review}/reassign",
          ("task_reassigned",), body={"to": "ga_chen", "reason": "出差"}),
    Write("POST /api/v1/tasks/<task_id>/return", "ga_chen", A + "/tasks/{task:api_share:provider_review}/return",
          RETURNED, body={"reason": "请写明具体用途"}),
    Write("POST /api/v1/requests/<case_id>/amend", "zrzy_sun", A + "/requests/{case:api_share}/amend", NEXT_STEP,
          body={"purpose": "核验不动产登记人户籍信息", "note": "已补充用途"}),
    Write("POST /api/v1/requests/<case_id>/comments", "zrzy_sun", A + "/requests/{case:api_share}/comments",
          ("comment_added",), status=201, body={"text": "请尽快办理"}),
    Write("POST /api/v1/requests/<case_id>/attachments", "zrzy_sun", A + "/requests/{case:api_share}/attachments",
          ("attachment_added",), status=201, body={"file": PDF}),
    Write("POST /api/v1/tasks/<task_id>/complete", "ga_chen", A + "/tasks/{task:api_share:provider_review}/complete",
          GRANTED, body=APPROVE),
    # the provider gives notice of a change while the grant is active: its holder acknowledges (Art. 23 ¶2)
    Write("POST /api/v1/change-notices", "ga_wang", A + "/change-notices", FILED, status=201,
          keep="change_notice", body={"resource": "GA-HJ-001", "kind": "change", "effective_on": "2026-04-01",
                                      "description": "户籍接口字段调整", "grants": "carry_over"}),
    Write("POST /api/v1/notifications/read", "zrzy_sun", A + "/notifications/read", ("notifications_read",),
          body={"ids": "all"}),
    Write("POST /api/v1/grants/<grant_id>/revoke", "ga_wang", A + "/grants/{grant:api_share}/revoke",
          ("grant_revoked",), body={"reason": "用途已完成"}),
    # -- the same on the pages -----------------------------------------------------------------
    Write("POST /requests/new/<kind>", "zrzy_sun", "/requests/new/share", FILED, keep="page_share", body=SHARE),
    Write("POST /tasks/<task_id>/claim", "ga_wang", "/tasks/{task:page_share:provider_review}/claim",
          ("task_claimed",)),
    Write("POST /tasks/<task_id>/unclaim", "ga_wang", "/tasks/{task:page_share:provider_review}/unclaim",
          ("task_unclaimed",)),
    Write("POST /tasks/<task_id>/claim", "ga_wang", "/tasks/{task:page_share:provider_review}/claim",
          ("task_claimed",)),
    Write("POST /tasks/<task_id>/reassign", "ga_wang", "/tasks/{task:page_share:provider_review}/reassign", ("task_reassigned",),
          body={"to": "ga_chen", "reason": "出差"}),
    Write("POST /tasks/<task_id>/return", "ga_chen", "/tasks/{task:page_share:provider_review}/return", RETURNED,
          body={"reason": "请写明具体用途"}),
    Write("POST /requests/<case_id>/amend", "zrzy_sun", "/requests/{case:page_share}/amend", NEXT_STEP,
          body={"purpose": "核验不动产登记人户籍信息", "note": "已补充用途"}),
    Write("POST /requests/<case_id>/comments", "ga_wang", "/requests/{case:page_share}/comments", ("comment_added",),
          body={"text": "内部核实中", "internal": "on"}),
    Write("POST /requests/<case_id>/attachments", "zrzy_sun", "/requests/{case:page_share}/attachments",
          ("attachment_added",), body={"file": PDF}),
    Write("POST /tasks/<task_id>/complete", "ga_wang", "/tasks/{task:page_share:provider_review}/complete", ("task_claimed",),
          status=200, body=APPROVE),  # the preview claims an unclaimed task, as the API's complete does
    Write("POST /tasks/<task_id>/complete", "ga_wang", "/tasks/{task:page_share:provider_review}/complete", GRANTED,
          body={**APPROVE, "confirm": "1"}),
    Write("POST /notifications/read", "zrzy_sun", "/notifications/read", ("notifications_read",)),
    Write("POST /grants/<grant_id>/revoke", "ga_wang", "/grants/{grant:page_share}/revoke", ("grant_revoked",),
          body={"reason": "用途已完成"}),
    # -- withdrawals and cancellations ---------------------------------------------------------
    Write("POST /api/v1/share-requests", "zrzy_sun", A + "/share-requests", FILED, status=201, keep="withdrawn",
          body=SHARE),
    Write("POST /api/v1/requests/<case_id>/withdraw", "zrzy_sun", A + "/requests/{case:withdrawn}/withdraw",
          WITHDRAWN),
    Write("POST /api/v1/share-requests", "zrzy_sun", A + "/share-requests", FILED, status=201, keep="page_withdrawn",
          body=SHARE),
    Write("POST /requests/<case_id>/withdraw", "zrzy_sun", "/requests/{case:page_withdrawn}/withdraw", (),
          status=200),  # asks for a confirmation: nothing yet
    Write("POST /requests/<case_id>/withdraw", "zrzy_sun", "/requests/{case:page_withdrawn}/withdraw", WITHDRAWN,
          body={"confirm": "1"}),
    Write("POST /api/v1/share-requests", "zrzy_sun", A + "/share-requests", FILED, status=201, keep="cancelled",
          body=SHARE),
    Write("POST /api/v1/requests/<case_id>/cancel", "admin", A + "/requests/{case:cancelled}/cancel", CANCELLED,
          body={"reason": "重复提交"}),
    Write("POST /api/v1/share-requests", "zrzy_sun", A + "/share-requests", FILED, status=201, keep="page_cancelled",
          body=SHARE),
    Write("POST /requests/<case_id>/cancel", "admin", "/requests/{case:page_cancelled}/cancel", CANCELLED,
          body={"reason": "重复提交"}),
    # -- open data (citizens): receipt, a supplement asked and answered --------------------------
    Write("POST /api/v1/open-data-requests", "citizen_he", A + "/open-data-requests", FILED, status=201,
          keep="open_data", body=OPEN_DATA),
    Write("POST /api/v1/tasks/<task_id>/complete", "scjg_liu", A + "/tasks/{task:open_data:confirm_receipt}/complete",
          NEXT_STEP, body={}),
    Write("POST /api/v1/tasks/<task_id>/complete", "scjg_liu", A + "/tasks/{task:open_data:open_data_review}/complete",
          SUPPLEMENT_REQUESTED, body=SUPPLEMENT_ASKED),
    Write("POST /api/v1/requests/<case_id>/supplement", "citizen_he", A + "/requests/{case:open_data}/supplement", NEXT_STEP,
          body={"description": "某某有限公司"}),
    Write("POST /requests/new/<kind>", "citizen_he", "/requests/new/open_data", FILED, keep="page_open_data",
          body=OPEN_DATA),
    Write("POST /tasks/<task_id>/complete", "scjg_liu", "/tasks/{task:page_open_data:confirm_receipt}/complete", ("task_claimed",),
          status=200),
    Write("POST /tasks/<task_id>/complete", "scjg_liu", "/tasks/{task:page_open_data:confirm_receipt}/complete", NEXT_STEP,
          body={"confirm": "1"}),
    Write("POST /tasks/<task_id>/complete", "scjg_liu", "/tasks/{task:page_open_data:open_data_review}/complete", ("task_claimed",),
          status=200, body=SUPPLEMENT_ASKED),
    Write("POST /tasks/<task_id>/complete", "scjg_liu", "/tasks/{task:page_open_data:open_data_review}/complete", SUPPLEMENT_REQUESTED,
          body={**SUPPLEMENT_ASKED, "confirm": "1"}),
    Write("POST /requests/<case_id>/supplement", "citizen_he", "/requests/{case:page_open_data}/supplement", NEXT_STEP,
          body={"description": "某某有限公司"}),
    # -- purchases, objections, coordination of a refusal --------------------------------------
    Write("POST /api/v1/purchase-requests", "zrzy_sun", A + "/purchase-requests", FILED, status=201, keep="purchase",
          body=PURCHASE),
    Write("POST /requests/new/<kind>", "zrzy_sun", "/requests/new/purchase", FILED, keep="page_purchase",
          body=PURCHASE),
    Write("POST /api/v1/objections", "zrzy_sun", A + "/objections", FILED, status=201, keep="objection",
          body=OBJECTION),
    Write("POST /requests/new/<kind>", "zrzy_sun", "/requests/new/objection", FILED, keep="page_objection",
          body=OBJECTION),
    Write("POST /api/v1/share-requests", "zrzy_sun", A + "/share-requests", REFUSED_AT_FILING, status=201, keep="refused",
          body={"resource": "GA-ZDRY-002", "purpose": "核查重点人员"}),
    Write("POST /api/v1/requests/<case_id>/coordinate", "zrzy_sun", A + "/requests/{case:refused}/coordinate", FILED,
          body={"reason": "属于法定职责"}),
    Write("POST /api/v1/share-requests", "zrzy_sun", A + "/share-requests", REFUSED_AT_FILING, status=201, keep="page_refused",
          body={"resource": "GA-ZDRY-002", "purpose": "核查重点人员"}),
    Write("POST /requests/<case_id>/coordinate", "zrzy_sun", "/requests/{case:page_refused}/coordinate", FILED,
          body={"reason": "属于法定职责"}),
    # -- obligations: catalog updates (Art. 11), change notices to grant holders (Art. 23 ¶2) -------
    Write("POST /api/v1/catalog-updates", "dsj_li", A + "/catalog-updates", FILED, status=201,
          keep="catalog_update", body={"department": "DY-GA", "reason": "《户口登记条例》修订,数据项调整"}),
    Write("POST /catalog-updates/new", "dsj_li", "/catalog-updates/new", FILED, keep="page_catalog_update",
          body={"department": "DY-GS", "reason": "职能调整"}),
    Write("POST /change-notices/new", "scjg_liu", "/change-notices/new", ("case_started",), keep="page_change_notice",
          body={"resource": "SCJG-QY-001", "kind": "upgrade", "effective_on": "2026-04-01",
                "description": "接口升级", "grants": "carry_over"}),
    # -- the emergency is decided by the city authority ------------------------------------------
    Write("POST /tasks/<task_id>/complete", "dsj_li", "/tasks/{task:emergency:emergency_review}/complete", PUBLISHED,
          body={"decision": "approve", "confirm": "1"}),
    # -- process versions and migrations ---------------------------------------------------------
    Write("POST /api/v1/share-requests", "zrzy_sun", A + "/share-requests", FILED, status=201, keep="migrated",
          body=SHARE),
    Write("POST /api/v1/process-definitions", "admin", A + "/process-definitions?note=重新部署",
          ("definition_deployed",), status=201, raw=_bpmn("share_request.bpmn"), content_type="application/xml"),
    Write("POST /api/v1/migrations", "admin", A + "/migrations", (),
          body=lambda w: {"key": "share_request", "from_version": 1, "to_version": 2,
                          "cases": [w.cases["migrated"]], "dry_run": True}),
    Write("POST /api/v1/migrations", "admin", A + "/migrations", ("case_migrated",),
          body=lambda w: {"key": "share_request", "from_version": 1, "to_version": 2,
                          "cases": [w.cases["migrated"]], "dry_run": False}),
    Write("POST /admin/processes", "admin", "/admin/processes", ("definition_deployed",),
          body={"file": Upload("purchase_request.bpmn", _bpmn("purchase_request.bpmn")), "note": "重新部署"}),
    Write("POST /admin/processes/<key>/migrate", "admin", "/admin/processes/purchase_request/migrate", (),
          status=200, body={"from_version": "1", "to_version": "2"}),  # a dry run
    Write("POST /admin/processes/<key>/migrate", "admin", "/admin/processes/purchase_request/migrate", ("case_migrated", "case_migrated"),
          status=200, body={"from_version": "1", "to_version": "2", "action": "migrate"}),
    Write("POST /admin/bpmn/<key>/deploy", "admin", "/admin/bpmn/objection/deploy?note=重新部署",
          ("definition_deployed",), status=200, raw=_bpmn("objection.bpmn"), content_type="application/xml"),
    # -- operations: incidents, the due timers ---------------------------------------------------
    Write("POST /api/v1/incidents/<job_id>/retry", "admin", A + "/incidents/{job:migrated}/retry",
          ("incident_retried",), setup=_incident("migrated")),
    Write("POST /admin/incidents", "admin", "/admin/incidents", ("incident_retried",), setup=_incident("open_data"),
          body={"job": "{job:open_data}"}),
]

# The calls that end the sessions the walk uses or move the clock past their expiry: made last.
ENDINGS: list[Write] = [
    Write("POST /api/v1/users/<username>/password", "walk_api", A + "/users/walk_api/password",
          ("password_changed",), status=204, body={"password": NEW_PASSWORD + "-3", "old_password": NEW_PASSWORD + "-1"}),
    Write("POST /account", "walk_page", "/account", ("password_changed",),
          body={"password": NEW_PASSWORD + "-4", "old_password": NEW_PASSWORD + "-2"}),
    Write("POST /api/v1/auth/logout", "walk_api", A + "/auth/logout", ("user_logged_out",), status=204),
    Write("POST /logout", "walk_page", "/logout", ("user_logged_out",)),
    # on Tue 03-10 the objections' verification (5 working days from 03-02, Art. 18) and the grant
    # holder's acknowledgement of the change notice (5 working days, a local choice) are overdue:
    # each timer fires in its case's unit of work and the authority's supervision task is created
    Write("POST /api/v1/testing/run-due-timers", None, A + "/testing/run-due-timers",
          ("timer_fired", "task_created") * 3, setup=_verification_overdue, actor="system:timer"),
]
WRITES = WORK + ENDINGS

# Mutating routes that append no audit event, and why.
NOT_WRITES: list[NoWrite] = [
    NoWrite("POST /api/v1/testing/clock", "the testing clock: registered only with DSF_FAKE_CLOCK (tests); it moves "
            "the service time and stores nothing", None, A + "/testing/clock",
            body=lambda w: {"now": w.now().isoformat()}),
    NoWrite("POST /api/v1/requests/<case_id>/replay", "replays a case in memory and compares; reads only",
            "auditor", A + "/requests/{case:api_share}/replay"),
    NoWrite("POST /audit/requests/<case_id>/replay", "the replay on the auditor's page; reads only",
            "auditor", "/audit/requests/{case:page_share}/replay"),
    NoWrite("POST /audit/requests/<case_id>/verify", "recomputes the hash chain; reads only",
            "auditor", "/audit/requests/{case:page_share}/verify"),
    NoWrite("POST /audit/verify", "recomputes the hash chain; reads only", "auditor", "/audit/verify"),
    NoWrite("POST /admin/bpmn/<key>/validate", "runs a deployment's checks on an edited model without deploying",
            "admin", "/admin/bpmn/share_request/validate", raw=_bpmn("share_request.bpmn"),
            content_type="application/xml"),
]

# the users the walk creates, with the password an administrator last set for them
PASSWORDS = {"walk_api": NEW_PASSWORD + "-1", "walk_page": NEW_PASSWORD + "-2"}
USERS = ("admin", "auditor", "dsj_li", "kl_dsj_zhao", "ga_wang", "ga_chen", "scjg_liu", "zrzy_sun", "citizen_he")


def test_every_mutating_route_is_in_exactly_one_table(app):
    written = {w.route for w in WRITES}
    exempt = Counter(n.route for n in NOT_WRITES)
    routes = mutating_routes(app)
    assert written & set(exempt) == set(), "a route in both tables"
    assert [r for r, n in exempt.items() if n > 1] == []
    assert routes - written - set(exempt) == set(), "mutating routes without an entry"
    assert (written | set(exempt)) - routes == set(), "entries for routes the app does not have"
    assert all(any(w.events for w in WRITES if w.route == route) for route in written), \
        "a WRITES route never appends an event: it belongs in NOT_WRITES"


@pytest.fixture()
def walk(demo):
    return Walk(demo, PASSWORDS)


def test_the_walk(walk):
    walk.login(*USERS)
    outcomes = [walk.write(entry) for entry in WORK]
    outcomes += [walk.no_write(entry) for entry in NOT_WRITES]
    outcomes += [walk.write(entry) for entry in ENDINGS]
    assert describe(outcomes) == ""
    verdict = verify()
    assert verdict.ok, verdict
