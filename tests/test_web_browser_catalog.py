"""The governed catalog in a real browser (Chromium via Playwright, fixtures of
test_web_browser.py): a provider proposes opening an entry, the authority reviews it and the
security review follows, the new version shows; a county authority asks for an emergency
reclassification, the city authority approves it, the entry shows its temporary share type."""
from __future__ import annotations

import re

from tests.test_web_browser import browser, person, shot, site  # noqa: F401 (fixtures)


def _work(page, task_key: str) -> None:
    """Claim the task from the inbox, approve it on its page and confirm."""
    page.goto("/inbox")
    row = page.locator(f"tr.task[data-task-key={task_key}]")
    assert row.count() == 1
    row.locator("button", has_text="签收").click()
    assert "/tasks/" in page.url
    page.check("input[name=decision][value=approve]")
    page.click("form.task-form button[type=submit]")
    page.click("button[data-action=confirm]")


def test_catalog_change_reviewed_then_security_reviewed_publishes_a_version(person):
    provider = person("ga_wang")
    provider.goto("/admin/catalog/GA-HJ-001")
    assert provider.locator("table.versions tr[data-version]").count() == 1
    provider.select_option("#f-open_type", "on_request")
    provider.fill("#f-change-reason", "拟纳入开放清单,依申请开放")
    shot(provider, "catalog-1-propose")
    provider.click("form.form button.primary")
    assert re.search(r"/requests/[0-9a-f]{32}$", provider.url)
    case_url = provider.url
    assert provider.get_attribute(".case-status", "data-status") == "pending"
    assert "目录变更" in provider.locator("main").inner_text()

    authority = person("dsj_li")
    _work(authority, "catalog_review")
    assert authority.get_attribute(".case-status", "data-status") == "pending"
    shot(authority, "catalog-2-reviewed")
    _work(authority, "security_review")
    assert authority.get_attribute(".case-status", "data-status") == "completed"

    provider.goto(case_url)
    assert provider.get_attribute(".case-status", "data-status") == "completed"
    provider.goto("/admin/catalog/GA-HJ-001")
    latest = provider.locator("table.versions tr[data-version]").first
    assert latest.get_attribute("data-version") == "2" and "依申请开放" in latest.inner_text()
    shot(provider, "catalog-3-version")


def test_emergency_asked_by_the_county_takes_effect_when_the_city_approves(person):
    county = person("kl_dsj_zhao")
    county.goto("/admin/catalog/GA-ZDRY-002")
    county.select_option("#f-e-share_type", "conditional")
    county.fill("#f-until", "2026-03-10")
    county.fill("#f-reason", "防汛应急,需核查重点区域人员")
    shot(county, "emergency-1-ask")
    county.click("form.form button.danger")
    assert re.search(r"/requests/[0-9a-f]{32}$", county.url)
    county.goto("/admin/catalog/GA-ZDRY-002")
    assert county.locator(".badge.emergency").count() == 0  # nothing in force yet

    city = person("dsj_li")
    _work(city, "emergency_review")
    assert city.get_attribute(".case-status", "data-status") == "granted"
    county.goto("/admin/catalog/GA-ZDRY-002")
    assert "临时调整为「有条件共享」至 2026-03-10" in county.locator(".badge.emergency").inner_text()
    shot(county, "emergency-2-in-force")
