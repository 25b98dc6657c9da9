"""The review queue and the analytics page in headless Chromium at 360×640 and 1280×800
(issue 16 §1, §3, §6): the reasons in Chinese with both messages of a missed answer, the
entry chooser filtered by typing part of a Chinese title, a 未能回答 figure on the analytics
page leading to its queue items; no console errors, no sideways scroll. Screenshots go to
var/screenshots/queue-*.png."""

from __future__ import annotations

from typing import Iterator, List

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.config import Settings
from bot.review.items import Guess
from bot.review.store import ReviewStore
from bot.staff.accounts import AccountStore
from bot.storage.database import Database
from tests.browser import CHROMIUM, VIEWPORTS, launch_chromium, portal_login, watched_page
from tests.conftest import bot_service
from tests.portal.editor_seed import DAY1, DAY2, TUITION_GUESSES, seed_analytics
from tests.portal.test_editor_browser import NO_HORIZONTAL_SCROLL, PASSWORD, SCREENSHOTS, WAIT_MS

RANGE = "from=2026-11-02&to=2026-11-03"
#: One question per viewport (each is accepted once); similar ones would be grouped together.
QUESTIONS = {"phone": "纹身能当兵吗", "desktop": "眼睛近视500度可以参军吗"}
AGAIN = {"phone": "有纹身可以去当兵吗", "desktop": "近视500度能不能去参军"}
#: The entry each question got: id, title, and a word of the title to search the chooser by.
ANSWERED = {"phone": ("tattoo", "文身与瘢痕", "文身"), "desktop": ("vision", "视力要求", "视力")}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    root = tmp_path_factory.mktemp("queue-browser")
    with bot_service(root / "var") as settings:
        database = Database(settings.database)
        database.migrate()
        AccountStore(database).create("editor1", "editor", PASSWORD)
        store = ReviewStore(database)
        for viewport in VIEWPORTS:
            entry_id = ANSWERED[viewport][0]
            store.record(
                "rephrased",
                f"{viewport}-r",
                QUESTIONS[viewport],
                [Guess(entry_id, 0.6), Guess("age_limits", 0.2)],
                entry_id,
                now=DAY2,
                follow_up=AGAIN[viewport],
            )
        store.record(
            "not_understood",
            "n",
            "当兵学费能补偿吗",
            TUITION_GUESSES,
            "tuition_compensation",
            now=DAY2,
            follow_up="没听懂",
        )
        store.record(
            "low_margin",
            "m",
            "义务兵要服役几年",
            [Guess("become_nco", 0.31), Guess("twice_a_year", 0.28)],
            "become_nco",
            now=DAY2,
        )
        store.record("downvote", "d", "我21岁，本科大三，能当兵吗", (), None, now=DAY2)
        store.record("low_confidence", "b", "咕噜咕噜怎么报名", TUITION_GUESSES, now=DAY1)
        seed_analytics(database)
        database.dispose()
        yield settings


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_queue_shows_why_and_both_messages_and_analytics_lead_to_it(service: Settings, viewport: str) -> None:
    errors: List[str] = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = watched_page(browser, viewport, errors)
            portal_login(page, service.bot_url, "editor1", PASSWORD)
            expect(page.get_by_role("heading", name="待处理问题", exact=True)).to_be_visible(timeout=WAIT_MS)

            for reason in ("学生换了说法再问", "回答后学生说没听懂", "两个条目得分接近", "学生点了👎", "没把握"):
                expect(page.locator(".badge", has_text=reason).first).to_be_visible()
            group = page.locator("section.group").filter(
                has=page.get_by_role("heading", name=QUESTIONS[viewport], exact=True)
            )
            expect(group.locator(".follow-ups")).to_contain_text(f"学生接着说：{AGAIN[viewport]}")
            entry_id, title, word = ANSWERED[viewport]
            expect(group.locator(".follow-ups")).to_contain_text(f"机器人答了：{title}")  # the entry by its title
            assert page.evaluate(NO_HORIZONTAL_SCROLL), "the queue scrolls sideways"
            page.screenshot(path=str(SCREENSHOTS / f"queue-review-{viewport}.png"), full_page=True)

            # The chooser: typing part of a title leaves only matching entries; nothing is chosen for the editor.
            target = group.get_by_label("加为哪个FAQ的问法")
            search = group.get_by_role("searchbox", name="按标题筛选条目")
            search.fill(word)
            visible = target.evaluate(
                "s => Array.from(s.options).filter(o => o.value && !o.hidden).map(o => o.textContent)"
            )
            assert title in visible and all(word in shown for shown in visible), visible
            expect(group.locator(".select-filter-count")).to_contain_text(f"找到 {len(visible)} 个条目")
            expect(target).to_have_value("")
            target.select_option(value=entry_id)
            group.get_by_role("button", name="加为问法", exact=True).click()
            expect(page.locator("text=已保存处理结果。")).to_be_visible(timeout=WAIT_MS)

            # Analytics: the 未能回答 figure leads to those questions in the queue.
            page.goto(f"{service.bot_url}/portal/analytics?{RANGE}")
            expect(page.locator("#charts[data-ready=true]")).to_have_count(1, timeout=WAIT_MS)
            expect(page.locator("#total-leads")).to_have_text("2")
            expect(page.locator("#conversion")).to_contain_text("报名线索 2 ÷ 会话 4")
            assert page.evaluate(NO_HORIZONTAL_SCROLL), "the analytics page scrolls sideways"
            for label in page.locator("dl.summary dt").all():  # labels are not cut off
                assert label.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), label.text_content()
            page.screenshot(path=str(SCREENSHOTS / f"queue-analytics-{viewport}.png"), full_page=True)
            page.locator("#fallback-link").click()
            expect(page.locator("#scope")).to_contain_text("未能回答（没把握、超出范围、没听懂）", timeout=WAIT_MS)
            expect(page.get_by_role("heading", name="咕噜咕噜怎么报名", exact=True)).to_be_visible()
            expect(page.get_by_role("heading", name="义务兵要服役几年", exact=True)).to_have_count(
                0
            )  # answered, not 未能回答
        finally:
            browser.close()
    assert errors == [], errors
