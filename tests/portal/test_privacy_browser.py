"""Erasing personal data in the portal, in headless Chromium (phone and desktop): an admin
deletes a lead through the confirmation page; a recruiter verifies a 待处理删除请求 and
deletes with one click; both are in the audit log. Screenshots go to the test's tmp dir."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.config import Settings
from bot.leads.deletion_requests import DeletionRequestStore
from bot.leads.store import LeadStore
from bot.staff.accounts import AccountStore
from bot.staff.audit import AuditLog
from bot.storage.database import Database
from tests.browser import CHROMIUM, VIEWPORTS, context_options, launch_chromium
from tests.conftest import bot_service
from tests.portal.leads_seed import add_lead

PASSWORD = "Zhaomu-2023!"
WAIT_MS = 15_000
NO_HORIZONTAL_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
#: Per viewport: the lead the admin deletes, the lead a request names.
PHONES = {"phone": ("13900000011", "13900000012"), "desktop": ("13900000021", "13900000022")}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    with bot_service(tmp_path_factory.mktemp("privacy-browser-var")) as settings:
        database = Database(settings.database)
        database.migrate()
        AccountStore(database).create("admin1", "admin", PASSWORD)
        AccountStore(database).create("recruiter1", "recruiter", PASSWORD)
        store, requests = LeadStore(database), DeletionRequestStore(database)
        for viewport, (deleted, requested) in PHONES.items():
            add_lead(store, f"删{viewport}", deleted)
            add_lead(store, f"请{viewport}", requested)
            requests.record(f"asker-{viewport}", requested)
        database.dispose()
        yield settings


def login(page, service: Settings, name: str) -> None:  # noqa: ANN001 - playwright Page
    page.goto(f"{service.bot_url}/portal/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("button", name="退出", exact=True)).to_be_visible(timeout=WAIT_MS)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_erasing_in_the_browser(service: Settings, viewport: str, tmp_path: Path) -> None:
    deleted, requested = PHONES[viewport]
    database = Database(service.database)
    store = LeadStore(database)
    lead_id = store.find_by_phone(deleted).id
    requested_id = store.find_by_phone(requested).id
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = browser.new_context(**context_options(viewport)).new_page()
                login(page, service, "admin1")
                page.goto(f"{service.bot_url}/portal/leads/{lead_id}")
                page.get_by_role("link", name="删除这条线索的个人信息").click()
                expect(page.get_by_role("heading", name="删除线索")).to_be_visible(timeout=WAIT_MS)
                expect(page.locator("text=删除后无法恢复")).to_be_visible()
                assert not store.get(lead_id).erased
                page.screenshot(path=str(tmp_path / f"privacy-confirm-{viewport}.png"), full_page=True)
                page.get_by_role("button", name="确认删除", exact=True).click()
                expect(page.locator("text=个人信息已删除。")).to_be_visible(timeout=WAIT_MS)
                expect(page.locator("h1 .badge")).to_have_text("已撤回")
                assert deleted not in page.content() and f"删{viewport}" not in page.content()

                page.get_by_role("button", name="退出", exact=True).click()
                login(page, service, "recruiter1")
                page.get_by_role("link", name="删除请求", exact=True).click()
                expect(page.get_by_role("heading", name="待处理删除请求")).to_be_visible(timeout=WAIT_MS)
                row = page.locator("tr", has_text=requested)
                expect(row.get_by_role("link", name="查看线索")).to_be_visible()
                assert page.evaluate(NO_HORIZONTAL_SCROLL), "the request list scrolls sideways"
                page.screenshot(path=str(tmp_path / f"privacy-requests-{viewport}.png"), full_page=True)
                row.get_by_role("button", name="核实后删除").click()
                expect(page.locator("text=已删除并关闭该请求。")).to_be_visible(timeout=WAIT_MS)
                expect(page.locator("tr", has_text=requested)).to_have_count(0)
            finally:
                browser.close()
        assert store.get(lead_id).erased and store.get(requested_id).erased
        entries = [(e.actor, e.action, e.target) for e in AuditLog(database).recent(50)]
        assert ("admin1", "lead_erase", f"lead:{lead_id}") in entries
        assert ("recruiter1", "deletion_request_done", f"lead:{requested_id}") in entries
    finally:
        database.dispose()
