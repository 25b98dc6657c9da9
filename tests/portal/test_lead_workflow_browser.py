"""The lead workflow in headless Chromium at 360×640 and 1280×800: assign a lead to me, set
a follow-up day, see it in 今日待回访, change two leads at once from the list, and see the
duplicate hint and the status history on the lead page. Screenshots of the inbox and the
lead page go to var/screenshots/ (the pictures in docs/portal.md are copies of them)."""

from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import delete, update

from bot.config import Settings
from bot.leads.store import LeadStore
from bot.staff.audit import AuditLog
from bot.storage.database import Database
from bot.storage.schema import lead_status_history, leads
from tests.browser import CHROMIUM, VIEWPORTS, context_options, launch_chromium
from tests.conftest import PROJECT_HOME
from tests.portal.leads_seed import STAFF_PASSWORD, workflow_service

SCREENSHOTS = PROJECT_HOME / "var" / "screenshots"
WAIT_MS = 15_000
NO_HORIZONTAL_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    with workflow_service("sqlite", tmp_path_factory.mktemp("workflow-browser")) as settings:
        yield settings


@pytest.fixture(autouse=True)
def fresh_leads(service: Settings) -> Iterator[None]:
    """Each viewport starts from new, unassigned leads without a follow-up day."""
    database = Database(service.database)
    with database.begin() as connection:
        connection.execute(update(leads).values(status="new", owner=None, follow_up_on=None))
        connection.execute(delete(lead_status_history))
    database.dispose()
    yield


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_recruiter_assigns_schedules_and_bulk_changes_leads(service: Settings, viewport: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    database = Database(service.database)
    store = LeadStore(database)
    wang = store.find_by_phone("13900000001").id
    li, zhang = store.find_by_phone("13900000003").id, store.find_by_phone("13900000004").id
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_context(**context_options(viewport)).new_page()
            page.goto(f"{service.bot_url}/portal/leads")
            page.get_by_label("用户名").fill("recruiter1")
            page.get_by_label("密码").fill(STAFF_PASSWORD)
            page.get_by_role("button", name="登录", exact=True).click()
            expect(page.get_by_role("heading", name="线索", exact=True)).to_be_visible(timeout=WAIT_MS)

            # The lead page: facts, duplicate hint, assign to me, follow-up day, status.
            page.goto(f"{service.bot_url}/portal/leads/{wang}")
            expect(page.get_by_role("heading", name="可能重复")).to_be_visible()
            page.get_by_role("button", name="分配给我", exact=True).click()
            expect(page.locator("text=负责人已更新。")).to_be_visible(timeout=WAIT_MS)
            page.get_by_label("回访日期").fill("2023-01-09")  # yesterday for the portal (ENLIST_TODAY)
            page.get_by_role("button", name="保存回访日期").click()
            expect(page.locator("#work .badge.overdue")).to_have_text("已逾期", timeout=WAIT_MS)
            page.get_by_label("新状态").select_option("contacted")
            page.get_by_role("button", name="更新状态").click()
            expect(page.locator(".history li")).to_have_count(2, timeout=WAIT_MS)
            expect(page.locator(".history li").last).to_contain_text("新线索 → 已联系 · recruiter1")
            assert page.evaluate(NO_HORIZONTAL_SCROLL), "the lead page scrolls sideways"
            if viewport == "phone":  # one screen: the follow-up card
                page.locator("#work").evaluate("element => element.scrollIntoView()")
            page.screenshot(path=str(SCREENSHOTS / f"portal-lead-{viewport}.png"), full_page=viewport == "desktop")

            # 今日待回访 lists it, overdue.
            page.goto(f"{service.bot_url}/portal/leads")
            page.get_by_role("link", name="今日待回访").click()
            expect(page.locator("table.leads tbody tr")).to_have_count(1, timeout=WAIT_MS)
            expect(page.locator("tr.overdue")).to_contain_text("王芳")

            # Bulk: two leads to 已联系 and to recruiter2, from the list.
            page.goto(f"{service.bot_url}/portal/leads?sort=name")
            for lead_id in (li, zhang):
                page.locator(f'input[name="ids"][value="{lead_id}"]').check()
            page.get_by_label("所选线索改为状态").select_option("contacted")
            page.get_by_label("分配给").select_option("recruiter2")
            page.get_by_role("button", name="批量修改所选").click()
            expect(page.locator("text=已批量修改 2 条线索。")).to_be_visible(timeout=WAIT_MS)
            assert "sort=name" in page.url
            assert [(store.get(i).status, store.get(i).owner) for i in (li, zhang)] == [("contacted", "recruiter2")] * 2
            assert page.evaluate(NO_HORIZONTAL_SCROLL), "the lead list scrolls sideways"
            if viewport == "phone":  # one screen: the bulk form and the first leads
                page.locator("#bulk").evaluate("element => element.scrollIntoView()")
            page.screenshot(path=str(SCREENSHOTS / f"portal-inbox-{viewport}.png"))
        finally:
            browser.close()
    assigned = [
        e
        for e in AuditLog(database).recent(100)
        if e.action == "lead_assign" and e.target in (f"lead:{li}", f"lead:{zhang}")
    ]
    database.dispose()
    assert len(assigned) >= 2
