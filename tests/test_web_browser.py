"""The pages in a real browser: Debian's Chromium driven by Playwright against the test app on
a real HTTP server. Screenshots are kept in test-artifacts/ (gitignored)."""
from __future__ import annotations

import os
import pathlib
import re

import pytest

from app.web import vendor
from tests.web_support import live_server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
ARTIFACTS = pathlib.Path(__file__).resolve().parents[1] / "test-artifacts"
PASSWORD = "demo-pass-2026"
# refusals the tests provoke on purpose; a missing asset (404) or a server error still fails
REFUSALS = re.compile(r"status of (400|401|403|409|422)\b")

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason="Debian's chromium is not installed at /usr/bin/chromium "
                                       "(apt-get install chromium; CI installs it)")


def _needs_vendor_files():
    assert vendor.installed("bpmn-js", "bpmn-js-i18n", "echarts"), \
        "bpmn-js/ECharts missing: run `npm ci --prefix app/web` first"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def site(demo):
    with live_server(demo) as base:
        yield base


@pytest.fixture()
def person(browser, site):
    """``person(username)``: a logged-in page in a browser context of its own (zh-CN)."""
    contexts, problems = [], []

    def open_as(username: str | None, locale: str = "zh-CN"):
        context = browser.new_context(base_url=site, locale=locale, viewport={"width": 1366, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.on("pageerror", lambda exc: problems.append(f"{username}: {exc}"))
        page.on("console", lambda msg: msg.type == "error" and not REFUSALS.search(msg.text)
                and problems.append(f"{username}: {msg.text}"))
        if username:
            page.goto("/login")
            page.fill("#f-username", username)
            page.fill("#f-password", PASSWORD)
            page.click("form.form button[type=submit]")
            page.wait_for_load_state()
            assert "/login" not in page.url, page.content()[:2000]
        return page

    yield open_as
    for context in contexts:
        context.close()
    assert not problems, problems  # no script error, no blocked or missing asset on any page


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_conditional_share_across_applicant_and_approvers(person):
    applicant = person("zrzy_sun")
    applicant.goto("/requests/new/share")
    applicant.select_option("#f-resource", "GA-HJ-001")
    applicant.fill("#f-purpose", "不动产登记审核需核验权利人户籍信息")
    applicant.fill("#f-legal_basis", "《不动产登记暂行条例》第二十七条")
    shot(applicant, "share-1-filing")
    applicant.click("main form.form button[type=submit]")
    assert re.search(r"/requests/[0-9a-f]{32}$", applicant.url)
    case_url = applicant.url
    assert applicant.get_attribute(".case-status", "data-status") == "pending"
    assert applicant.locator("tr.clock[data-clock=provider_review]").count() == 1

    approver = person("ga_wang")
    approver.goto("/inbox")
    row = approver.locator("tr.task[data-task-key=provider_review]")
    assert row.count() == 1
    assert "剩余 10 个工作日" in row.inner_text()
    shot(approver, "share-2-inbox")
    row.locator("button", has_text="签收").click()
    assert "/tasks/" in approver.url
    task_url = approver.url

    colleague = person("ga_chen")  # the same department, but the task is held by ga_wang
    colleague.goto(task_url)
    assert "王审核" in colleague.locator(".notice").inner_text()
    assert colleague.locator("form.task-form").count() == 0

    approver.click("form.task-form button[type=submit]")  # nothing chosen: the server says what is missing
    assert approver.locator(".field-error[data-field=decision]").inner_text() == "此项必填"
    approver.check("input[name=decision][value=refuse]")
    approver.click("form.task-form button[type=submit]")
    assert approver.locator(".field-error[data-field=reason]").count() == 1
    approver.check("input[name=decision][value=approve]")
    approver.fill("#f-conditions", "仅限不动产登记审核使用,不得向第三方提供")
    shot(approver, "share-3-task-form")
    approver.click("form.task-form button[type=submit]")
    approver.click("button[data-action=confirm]")  # a decision is confirmed before it counts
    assert approver.get_attribute(".case-status", "data-status") == "granted"

    applicant.goto(case_url)
    assert applicant.get_attribute(".case-status", "data-status") == "granted"
    assert "仅限不动产登记审核使用" in applicant.locator("main").inner_text()
    shot(applicant, "share-4-granted")
    applicant.goto("/notifications")
    assert applicant.locator("li.note[data-kind=decision]").count() == 1


def test_bpmn_edit_validate_and_deploy_a_new_version(person, api):
    _needs_vendor_files()
    admin = person("admin")
    admin.goto("/admin/bpmn/share_request")
    admin.wait_for_selector("#canvas[data-ready=true]")
    assert admin.get_attribute(".djs-palette .entry[data-action=hand-tool]", "aria-label") == "启动手动工具"  # zh-CN
    assert admin.locator(".djs-element[data-element-id=provider_review]").count() == 1
    assert admin.locator(".djs-element[data-element-id=provider]").count() == 1  # the lanes are drawn

    # a script outside the allowed language is refused, on the element that holds it
    admin.evaluate("""() => {
        const registry = dsfModeler.get('elementRegistry');
        dsfModeler.get('modeling').updateProperties(registry.get('grant_direct'), {script: 'import os'});
    }""")
    admin.click("#validate")
    admin.wait_for_selector("#result.error")
    assert "grant_direct" in admin.inner_text("#result")
    assert admin.locator(".djs-element.dsf-invalid[data-element-id=grant_direct]").count() == 1
    shot(admin, "bpmn-1-invalid")

    admin.reload()
    admin.wait_for_selector("#canvas[data-ready=true]")
    admin.evaluate("""() => {
        const registry = dsfModeler.get('elementRegistry');
        dsfModeler.get('modeling').updateLabel(registry.get('provider_review'), '提供单位审核(十个工作日)');
    }""")
    # the review deadline lives in a script: edit it in the properties sidebar
    admin.evaluate("() => dsfModeler.get('selection').select(dsfModeler.get('elementRegistry').get('start_review_clock'))")
    script = admin.input_value("#prop-script")
    assert 'sla_start("provider_review", "提供单位审核", 10,' in script
    admin.fill("#prop-script", script.replace(", 10,", ", 12,"))
    admin.click("#prop-apply")
    shot(admin, "bpmn-2-properties")
    admin.click("#validate")
    admin.wait_for_selector("#result.ok")
    admin.click("#deploy")
    admin.wait_for_selector("#result.error")  # a deployment needs a change note
    admin.fill("#deploy-note", "审核期限改为 12 个工作日")
    asked = []
    admin.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    admin.click("#deploy")  # deploying asks for a confirmation first
    admin.wait_for_selector("#result.ok >> text=v2")
    assert asked and "确认部署" in asked[0]
    assert admin.inner_text("#version-header") == "v2"  # the header follows the deployment
    shot(admin, "bpmn-3-deployed")
    xml = api.get("/process-definitions/share_request/xml?version=2", "admin").get_data(as_text=True)
    assert 'sla_start("provider_review", "提供单位审核", 12,' in xml and "提供单位审核(十个工作日)" in xml
    assert 'xsi:type="bpmn:tFormalExpression"' in xml and "<bpmn:lane id=\"provider\"" in xml
    assert api.ok("GET", "/process-definitions/share_request?version=2", "admin")["note"] == "审核期限改为 12 个工作日"

    admin.goto("/admin/processes")
    versions = admin.locator("section.process[data-key=share_request] tr[data-version]")
    assert versions.count() == 2
    assert versions.first.get_attribute("data-version") == "2"
    admin.goto("/admin/bpmn/share_request")
    admin.wait_for_selector("#canvas[data-ready=true]")
    assert "提供单位审核(十个工作日)" in admin.text_content(".djs-element[data-element-id=provider_review]")


def test_auditor_replays_and_verifies_a_case(person, api):
    _needs_vendor_files()
    case = api.share("zrzy_sun", "GA-HJ-001")
    task = api.task_of(case, "provider_review")
    api.ok("POST", f"/tasks/{task['id']}/complete", "ga_wang", json={"decision": "refuse", "reason": "用途与职责不符"})

    auditor = person("auditor")
    auditor.goto(f"/audit/requests/{case['id']}")
    auditor.wait_for_selector("#diagram[data-ready=true]")
    events = auditor.locator("#timeline li")
    assert events.count() == 4  # started, task created, task completed, decided
    assert auditor.locator(".djs-element.dsf-visited[data-element-id=provider_review]").count() == 1
    assert auditor.locator(".djs-element.dsf-visited[data-element-id=gw_share_type]").count() == 1  # inferred path
    auditor.click("#step-first")
    assert auditor.locator(".djs-element.dsf-current[data-element-id=start]").count() == 1
    assert auditor.locator(".djs-element.dsf-visited[data-element-id=provider_review]").count() == 0
    auditor.click("#step-next")
    assert auditor.locator("#timeline li.current").get_attribute("data-index") == "1"
    shot(auditor, "audit-1-stepping")

    auditor.click("#replay")
    assert auditor.get_attribute("#replay-result", "data-consistent") == "true"
    assert "重放一致" in auditor.inner_text("#replay-result")
    auditor.wait_for_selector("#diagram[data-ready=true]")
    auditor.click("#verify")
    assert auditor.get_attribute("#verdict", "data-ok") == "true"
    shot(auditor, "audit-2-replayed")


def test_language_switch_and_accept_language(person):
    page = person(None)
    page.goto("/login")
    assert page.locator("h1").inner_text() == "登录"
    page.click("a[data-lang=en]")
    assert page.locator("h1").inner_text() == "Log in"
    assert any(c["name"] == "dsf_lang" and c["value"] == "en" for c in page.context.cookies())
    page.click("a[data-lang=zh_CN]")
    assert page.locator("h1").inner_text() == "登录"

    english = person(None, locale="en-US")  # no choice made: the browser's language decides
    english.goto("/login")
    assert english.locator("h1").inner_text() == "Log in"
    shot(english, "language-en-login")


def test_a_form_posted_without_its_csrf_token_is_refused(person):
    page = person("zrzy_sun")
    page.goto("/requests/new/share")
    page.evaluate("() => document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove())")
    page.select_option("#f-resource", "GA-HJ-001")
    page.fill("#f-purpose", "无令牌的提交")
    page.click("main form.form button[type=submit]")
    assert page.locator(".error-page").get_attribute("data-code") == "csrf_failed"
    assert "安全令牌" in page.inner_text("main")
    shot(page, "csrf-refused")


def test_an_admin_builds_a_migration_mapping_on_the_diagrams_and_migrates(person, api):
    _needs_vendor_files()
    from tests.migration_support import RENAMED, share_request_v2

    review = api.share("zrzy_sun", "GA-HJ-001")
    dispatch = api.share("zrzy_sun", "SCJG-XY-002")
    api.ok("POST", "/process-definitions", "admin", 201, data=share_request_v2(), content_type="application/xml")
    admin = person("admin")
    admin.goto("/admin/processes")
    admin.click("section.process[data-key=share_request] a.migrate")
    admin.wait_for_selector(".diagrams[data-ready=true]")
    unmatched = "#diagram-from .djs-element.dsf-unmatched[data-element-id=provider_review]"
    assert admin.locator(unmatched).count() == 1
    assert admin.locator("select[name='map-dispatch_feedback']").count() == 0  # same id: maps itself

    # the mapping, built on the diagrams: the old review, then its counterpart in v2
    admin.click("#diagram-from .djs-element[data-element-id=provider_review]")
    admin.click(f"#diagram-to .djs-element[data-element-id={RENAMED}]")
    assert admin.input_value("select[name='map-provider_review']") == RENAMED
    assert admin.locator(f"#diagram-to .djs-element.dsf-mapped[data-element-id={RENAMED}]").count() == 1
    shot(admin, "migrate-1-mapping")

    admin.click("#dry-run")
    admin.wait_for_selector("section.report")
    assert admin.locator("section.report tr.ok").count() == 2
    assert "尚未迁移" in admin.inner_text("section.report h2")
    assert api.ok("GET", f"/requests/{review['id']}", "admin")["process"]["version"] == 1  # nothing moved yet
    assert admin.input_value("select[name='map-provider_review']") == RENAMED  # the mapping is kept
    shot(admin, "migrate-2-dry-run")

    admin.click("#migrate")
    admin.wait_for_selector("section.report >> text=迁移结果")
    assert admin.locator("section.report tr.ok").count() == 2
    shot(admin, "migrate-3-done")
    moved = api.ok("GET", f"/requests/{review['id']}", "admin")
    assert moved["process"]["version"] == 2 and [t["task_key"] for t in moved["open_tasks"]] == [RENAMED]
    assert api.ok("GET", f"/requests/{dispatch['id']}", "admin")["process"]["version"] == 2


def test_the_editor_opens_readable_shows_the_fields_of_the_element_type_and_speaks_chinese(person):
    _needs_vendor_files()
    admin = person("admin")
    admin.goto("/admin/bpmn/share_request")
    admin.wait_for_selector("#canvas[data-ready=true]")
    # fitted to the frame's height: every lane visible, labels at a readable size
    assert admin.evaluate("() => dsfModeler.get('canvas').zoom()") >= 0.5
    assert admin.locator(".djs-element[data-element-id=city_authority]").is_visible()
    assert admin.locator(".djs-element[data-element-id=provider_authority]").is_visible()

    def visible_fields():
        return admin.evaluate("""() => [...document.querySelectorAll('#props .field')]
            .filter((f) => f.offsetParent !== null).map((f) => f.querySelector('textarea, input').id)""")

    def select(element):
        admin.evaluate(f"() => dsfModeler.get('selection').select(dsfModeler.get('elementRegistry').get('{element}'))")

    select("start_review_clock")
    assert visible_fields() == ["prop-name", "prop-script"]
    select("provider_review")
    assert visible_fields() == ["prop-name", "prop-clock", "prop-form"]
    admin.fill("#prop-form", "provider_review")
    admin.click("#prop-apply")
    xml = admin.evaluate("async () => (await dsfModeler.saveXML()).xml")
    assert re.search(r'<bpmn:userTask id="provider_review"[^>]*dsf:form="provider_review"', xml)
    select("f_approve")
    assert visible_fields() == ["prop-name", "prop-condition"]
    admin.click(".djs-context-pad .entry[data-action=delete]", trial=True)
    select("provider_review")
    admin.click(".djs-context-pad .entry[data-action=replace]")
    admin.wait_for_selector(".djs-popup")
    admin.keyboard.press("Escape")
    titles = admin.evaluate("""() => [...document.querySelectorAll('.djs-palette [title], .djs-context-pad [title]')]
        .map((e) => e.getAttribute('title'))""")
    assert titles and all(re.search(r"[\u4e00-\u9fff]", t) for t in titles), titles
    assert admin.evaluate("() => [...window.dsfUntranslated]") == []
