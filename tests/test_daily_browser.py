"""The daily work in Debian's Chromium (Playwright), with screenshots in test-artifacts/: an
approver who searches, hands over, returns for amendment and decides; the applicant who
amends and downloads the letter; a citizen who supplements and reads the reply; an auditor
whose replay lights the end event; the main pages at 390 px without horizontal overflow."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.test_web_browser import CHROMIUM, _needs_vendor_files, browser, person, shot, site  # noqa: F401

pytestmark = pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="no /usr/bin/chromium")


def _open_task(api, case_id, key):
    return next(t for t in api.ok("GET", f"/requests/{case_id}", "auditor")["open_tasks"] if t["task_key"] == key)


def test_approver_searches_hands_over_returns_and_decides_applicant_amends_and_gets_the_letter(person, api):
    api.share("kl_mz_wu", "GA-HJ-001", purpose="低保家庭户籍核查")
    case = api.share("zrzy_sun", "GA-HJ-001", purpose="核验")
    wang = person("ga_wang")
    wang.goto("/inbox")
    assert wang.locator("tr.task").count() == 2
    wang.fill("form.search input[name=q]", "自然资源")
    wang.click("form.search button[type=submit]")
    rows = wang.locator("tr.task")
    assert rows.count() == 1 and "人口户籍基础信息" in rows.inner_text()
    shot(wang, "daily-1-inbox-search")
    rows.locator("button", has_text="签收").click()
    assert "task-form" in wang.content()
    wang.select_option("#f-to", "ga_chen")
    wang.fill("form.reassign-form textarea[name=reason]", "出差,转陈审核办理")
    wang.click("form.reassign-form button[type=submit]")
    assert "/inbox" in wang.url and wang.locator("tr.task").count() == 1  # the other request only

    chen = person("ga_chen")
    chen.goto("/inbox?show=mine")
    chen.locator("tr.task a").first.click()
    chen.fill("form.return-form textarea[name=reason]", "请写明核验的具体业务")
    shot(chen, "daily-2-return")
    chen.click("form.return-form button[type=submit]")
    assert chen.locator("tr.clock[data-clock=provider_review] .badge.clock-paused").count() == 1

    sun = person("zrzy_sun")
    sun.goto(f"/requests/{case['id']}")
    assert "请写明核验的具体业务" in sun.inner_text("section.amend")
    sun.fill("form.amend-form textarea[name=purpose]", "核验不动产登记权利人户籍")
    sun.fill("form.amend-form textarea[name=note]", "已写明具体业务")
    shot(sun, "daily-3-amend")
    sun.click("form.amend-form button[type=submit]")
    assert sun.locator("section.amend").count() == 0
    assert sun.locator("tr.clock[data-clock=provider_review] .badge.clock-running").count() == 1

    review = _open_task(api, case["id"], "provider_review")
    chen.goto(f"/tasks/{review['id']}")
    chen.click("button[data-action=claim]")
    chen.check("input[name=decision][value=refuse]")
    chen.fill("#f-reason", "该业务无需户籍明细")
    chen.click("form.task-form button[type=submit]")
    assert "请确认办理意见" in chen.inner_text("section.confirm")
    shot(chen, "daily-4-confirm")
    chen.click("button[data-action=confirm]")
    assert chen.get_attribute(".case-status", "data-status") == "refused"

    sun.goto(f"/requests/{case['id']}")
    assert "该业务无需户籍明细" in sun.inner_text("main")
    with sun.expect_download() as download:
        sun.click("a[data-letter]")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(open(download.value.path(), "rb").read())).pages)
    text = text.replace("\n", "")
    assert "不予同意" in text and "该业务无需户籍明细" in text and "第二十一条" in text
    shot(sun, "daily-5-letter")


def test_citizen_supplements_and_reads_the_reply(person, api):
    case = api.ok("POST", "/open-data-requests", "citizen_he", 201, json={
        "resource": "SCJG-XY-002", "purpose": "交易前核验", "description": "某企业信用信息", "channel": "online"})
    receipt = _open_task(api, case["id"], "confirm_receipt")
    api.ok("POST", f"/tasks/{receipt['id']}/complete", "scjg_liu", json={})
    review = _open_task(api, case["id"], "open_data_review")
    api.ok("POST", f"/tasks/{review['id']}/complete", "scjg_liu", json={
        "action": "request_supplement", "items": "请写明企业全称与统一社会信用代码", "supplement_days": 10})
    he = person("citizen_he")
    he.goto(f"/requests/{case['id']}")
    assert "请写明企业全称与统一社会信用代码" in he.inner_text(".supplement-items")
    he.fill("#f-description", "东营某某有限公司,91370500XXXXXXXXXX")
    shot(he, "daily-6-supplement")
    he.click("section.attention form button[type=submit]")
    review = _open_task(api, case["id"], "open_data_review")
    api.ok("POST", f"/tasks/{review['id']}/complete", "scjg_liu", json={
        "action": "reply", "reply_type": "disclosed", "content": "该企业近三年无失信记录。"})
    he.goto(f"/requests/{case['id']}")
    assert "该企业近三年无失信记录。" in he.inner_text("[data-reply]")
    assert he.locator("a[data-letter]").count() == 1
    history = he.inner_text("table.history")
    assert "scjg_liu" not in history and "东营市市场监督管理局" in history
    shot(he, "daily-7-reply")


def test_auditor_replay_lights_the_end_event(person, api):
    _needs_vendor_files()
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    api.ok("POST", f"/tasks/{task['id']}/return", "ga_wang", json={"reason": "请补充"})
    api.ok("POST", f"/requests/{case['id']}/amend", "zrzy_sun", json={"note": "已补充"})
    again = _open_task(api, case["id"], "provider_review")
    api.ok("POST", f"/tasks/{again['id']}/complete", "ga_wang", json={"decision": "approve"})
    auditor = person("auditor")
    auditor.goto(f"/audit/requests/{case['id']}")
    auditor.wait_for_selector("#diagram[data-ready=true]")
    for element in ("applicant_amendment", "pause_review_clock", "grant_reviewed", "end_granted"):
        assert auditor.locator(f".djs-element.dsf-visited[data-element-id={element}]").count() == 1, element
    assert auditor.locator(".djs-element.dsf-current[data-element-id=end_granted]").count() == 1
    assert auditor.locator(".djs-element.dsf-visited[data-element-id=end_refused]").count() == 0
    auditor.click("#replay")
    assert auditor.get_attribute("#replay-result", "data-consistent") == "true"
    shot(auditor, "daily-8-audit-end")


def test_main_pages_fit_a_390_px_screen(browser, site, api):  # noqa: F811
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    pages = {
        "ga_wang": ["/inbox", f"/tasks/{task['id']}", f"/requests/{case['id']}", "/requests", "/notifications"],
        "zrzy_sun": ["/requests", f"/requests/{case['id']}", "/requests/new", "/requests/new/share"],
        "citizen_he": ["/requests/new/open_data"],
        "auditor": ["/audit", f"/audit/requests/{case['id']}", "/dashboard"],
        "admin": ["/admin", "/admin/catalog", "/admin/users", "/admin/processes", "/admin/bpmn/share_request"],
        None: ["/login"],
    }
    wide = []
    for user, paths in pages.items():
        context = browser.new_context(base_url=site, locale="zh-CN", viewport={"width": 390, "height": 844})
        page = context.new_page()
        if user:
            page.goto("/login")
            page.fill("#f-username", user)
            page.fill("#f-password", "demo-pass-2026")
            page.click("form.form button[type=submit]")
            page.wait_for_load_state()
        for path in paths:
            page.goto(path)
            page.wait_for_load_state("networkidle")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            shot(page, "w390-" + re.sub(r"[^a-z0-9]+", "-", re.sub(r"[0-9a-f]{32}", "id", f"{user}{path}")))
            if width > 390:
                wide.append((user, path, width))
        context.close()
    assert not wide, wide
