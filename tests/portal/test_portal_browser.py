"""The portal in headless Chromium (Debian's, via Playwright) at phone size (360×640) and
desktop size (1280×800): log in, filter, open a lead, change its status, add a note, export
the CSV, log out. Screenshots go to the test's tmp directory."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.config import Settings
from bot.leads.store import LeadStore
from bot.staff.accounts import AccountStore
from bot.staff.audit import AuditLog
from bot.storage.database import Database
from tests.browser import CHROMIUM, VIEWPORTS, context_options, launch_chromium
from tests.conftest import bot_service
from tests.portal.leads_seed import XSS_NAME, add_lead

PASSWORD = "Zhaomu-2023!"
WAIT_MS = 15_000
NO_HORIZONTAL_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    with bot_service(tmp_path_factory.mktemp("portal-browser-var")) as settings:
        database = Database(settings.database)
        database.migrate()
        AccountStore(database).create("recruiter1", "recruiter", PASSWORD)
        store = LeadStore(database)
        add_lead(store, "王芳", "13900000001", school="吕梁学院")
        add_lead(store, "李雷", "13900000002", school="山西大学", student_status="往届毕业生")
        add_lead(store, "张伟", "13900000003", school="吕梁学院", enlist_place="户籍所在地")
        add_lead(store, XSS_NAME, "13900000004", school="吕梁学院")
        database.dispose()
        yield settings


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_recruiter_works_a_lead_in_the_browser(service: Settings, viewport: str, tmp_path: Path) -> None:
    dialogs = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context(**context_options(viewport), accept_downloads=True)
            page = context.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(f"{service.bot_url}/portal/leads")
            expect(page).to_have_url(f"{service.bot_url}/portal/login?next=%2Fportal%2Fleads")
            page.get_by_label("用户名").fill("recruiter1")
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录", exact=True).click()
            expect(page.get_by_role("heading", name="线索", exact=True)).to_be_visible(timeout=WAIT_MS)
            expect(page.locator("text=共 4 条")).to_be_visible()
            assert page.evaluate(NO_HORIZONTAL_SCROLL), "the lead list scrolls sideways"
            page.screenshot(path=str(tmp_path / f"portal-list-{viewport}.png"), full_page=True)

            # Filter: school 吕梁 and 拟应征地 学校所在地; the state stays in the address.
            page.get_by_label("学校", exact=True).fill("吕梁")
            page.get_by_label("拟应征地").select_option("学校所在地")
            page.get_by_role("button", name="筛选", exact=True).click()
            expect(page.locator("text=共 2 条")).to_be_visible(timeout=WAIT_MS)
            assert "school=%E5%90%95%E6%A2%81" in page.url and "enlist_place=" in page.url
            expect(page.get_by_label("学校", exact=True)).to_have_value("吕梁")
            expect(page.locator("table.leads").get_by_text(XSS_NAME)).to_be_visible()  # shown as text

            # Export the current filter.
            with page.expect_download(timeout=WAIT_MS) as download_info:
                page.get_by_role("button", name="导出CSV（当前筛选）", exact=True).click()
            data = Path(download_info.value.path()).read_bytes()
            assert data.startswith(b"\xef\xbb\xbf")
            names = [row[1] for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))][1:]
            assert sorted(names) == sorted(["王芳", XSS_NAME])

            # Open a lead, change its status, add a note.
            page.get_by_role("link", name="王芳").click()
            expect(page.get_by_role("heading", name="登记信息", exact=True)).to_be_visible(timeout=WAIT_MS)
            page.get_by_label("新状态").select_option("contacted")
            page.get_by_role("button", name="更新状态", exact=True).click()
            expect(page.locator("text=状态已更新。")).to_be_visible(timeout=WAIT_MS)
            expect(page.locator("h1 .badge")).to_have_text("已联系")
            note = f"{viewport}：已电话联系，下周来人武部。"
            page.get_by_label("新备注").fill(note)
            page.get_by_role("button", name="保存备注", exact=True).click()
            expect(page.locator("text=备注已保存。")).to_be_visible(timeout=WAIT_MS)
            expect(page.locator(".notes").get_by_text(note)).to_be_visible()
            expect(page.locator(".notes").get_by_text("recruiter1 ·").last).to_be_visible()
            assert page.evaluate(NO_HORIZONTAL_SCROLL), "the lead page scrolls sideways"
            page.screenshot(path=str(tmp_path / f"portal-lead-{viewport}.png"), full_page=True)

            page.get_by_role("button", name="退出", exact=True).click()
            expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible(timeout=WAIT_MS)
            page.goto(f"{service.bot_url}/portal/leads")
            expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible(timeout=WAIT_MS)
        finally:
            browser.close()
    assert dialogs == []  # no script from student input ever ran
    database = Database(service.database)
    try:
        store = LeadStore(database)
        lead = store.find_by_phone("13900000001")
        assert lead.status == "contacted" and any(n.text == note for n in store.notes(lead.id))
        actions = [e.action for e in AuditLog(database).recent(20)]
        assert {"login", "export", "status_change", "note", "logout"} <= set(actions)
    finally:
        database.dispose()
