"""Accounts in headless Chromium at 360×640 and 1280×800: an admin adds an account (the
temporary password shown once) and disables another; the new staff member logs in with the
temporary password, is sent to 修改密码 and sets their own. Screenshots of both pages go to
var/screenshots/."""

from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.config import Settings
from bot.staff.accounts import AccountStore
from bot.staff.audit import AuditLog
from bot.storage.database import Database
from tests.browser import CHROMIUM, VIEWPORTS, context_options, launch_chromium
from tests.conftest import PROJECT_HOME
from tests.portal.leads_seed import STAFF_PASSWORD, workflow_service

SCREENSHOTS = PROJECT_HOME / "var" / "screenshots"
WAIT_MS = 15_000
NEW_PASSWORD = "Lvliang-zhaomu-2026!"
NO_HORIZONTAL_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    with workflow_service("sqlite", tmp_path_factory.mktemp("accounts-browser")) as settings:
        yield settings


def log_in(page, service: Settings, name: str, password: str) -> None:  # noqa: ANN001 - a Playwright page
    page.goto(f"{service.bot_url}/portal/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_an_admin_adds_and_disables_accounts_and_the_new_user_sets_a_password(service: Settings, viewport: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    newcomer, leaver = f"新同事{viewport}", f"leaver-{viewport}"
    database = Database(service.database)
    AccountStore(database).create(leaver, "recruiter", STAFF_PASSWORD)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            admin = browser.new_context(**context_options(viewport)).new_page()
            log_in(admin, service, "admin1", STAFF_PASSWORD)
            admin.get_by_role("link", name="账号管理").click()
            expect(admin.get_by_role("heading", name="账号管理")).to_be_visible(timeout=WAIT_MS)

            # Add an account with a temporary password.
            admin.get_by_label("用户名").fill(newcomer)
            admin.get_by_label("角色").select_option("recruiter")
            admin.get_by_role("button", name="添加账号").click()
            expect(admin.locator("text=只显示这一次")).to_be_visible(timeout=WAIT_MS)
            temporary = admin.locator(".temporary code").inner_text().strip()
            assert len(temporary) == 14
            assert admin.evaluate(NO_HORIZONTAL_SCROLL), "the accounts page scrolls sideways"
            admin.screenshot(path=str(SCREENSHOTS / f"portal-accounts-{viewport}.png"), full_page=viewport == "desktop")

            # Disable another one.
            admin.get_by_role("button", name=f"停用 {leaver}").click()
            expect(admin.locator(f"text=已停用账号 {leaver}")).to_be_visible(timeout=WAIT_MS)
            expect(admin.get_by_role("button", name=f"启用 {leaver}")).to_be_visible()

            # The newcomer must choose a password first.
            page = browser.new_context(**context_options(viewport)).new_page()
            log_in(page, service, newcomer, temporary)
            expect(page.get_by_role("heading", name="修改密码")).to_be_visible(timeout=WAIT_MS)
            expect(page.locator("text=请先设置自己的新密码")).to_be_visible()
            page.get_by_label("当前密码").fill(temporary)
            page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
            page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
            page.get_by_role("button", name="修改密码").click()
            expect(page.locator("text=密码已修改")).to_be_visible(timeout=WAIT_MS)
            assert page.evaluate(NO_HORIZONTAL_SCROLL), "the password page scrolls sideways"
            page.screenshot(path=str(SCREENSHOTS / f"portal-password-{viewport}.png"))
            page.get_by_role("link", name="线索").click()
            expect(page.get_by_role("heading", name="线索", exact=True)).to_be_visible(timeout=WAIT_MS)
        finally:
            browser.close()
    accounts = AccountStore(database)
    assert accounts.verify(newcomer, NEW_PASSWORD) is not None and accounts.verify(leaver, STAFF_PASSWORD) is None
    actions = {(e.action, e.target) for e in AuditLog(database).recent(100)}
    database.dispose()
    assert {
        ("user_add", f"user:{newcomer}"),
        ("user_disable", f"user:{leaver}"),
        ("password_change", f"user:{newcomer}"),
    } <= actions
