"""The live hand-off in two real browsers (Debian chromium, two processes): a student in the
widget on the demo page and a recruiter in the portal's 在线咨询, at 360×640 and 1280×800.
The student asks for a person, the recruiter takes the conversation and replies, the reply
shows in the widget (as text: markup is not interpreted), the student's answer shows in
the portal without a reload, the recruiter ends it and the bot answers again. Screenshots
go to var/screenshots/handoff-*.png."""

from __future__ import annotations

import time
from typing import Any, Tuple

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.storage.database import Database
from tests.browser import CHROMIUM, VIEWPORTS, context_options, launch_chromium
from tests.conftest import PROJECT_HOME
from tests.handoff.conftest import LATENCIES, backend_of
from tests.handoff.stack import PASSWORD, active
from tests.handoff.test_handoff_http import QUESTION
from tests.portal.client import logged_in

pytestmark = pytest.mark.stack

SCREENSHOTS = PROJECT_HOME / "var" / "screenshots"
WAIT_MS = 30_000
BOT = ".enlist-log .enlist-bot:not(.enlist-typing)"
REPLY = "<b>您好</b>，我是征兵办的工作人员，学籍可以保留"
NO_HORIZONTAL_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


def shot(page: Any, name: str, viewport: str, full: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width, height = VIEWPORTS[viewport]
    path = SCREENSHOTS / f"handoff-{name}-{width}x{height}.png"
    page.screenshot(path=str(path), full_page=full)
    print(f"screenshot: {path}")


def ask(page: Any, text: str) -> Any:
    """Type ``text`` in the widget; the first bot message after it."""
    count = page.locator(BOT).count()
    page.locator(".enlist-input").fill(text)
    page.locator(".enlist-input").press("Enter")
    message = page.locator(BOT).nth(count)
    message.wait_for(timeout=WAIT_MS)
    return message


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_student_and_recruiter_in_two_browsers(setup: Tuple[Any, Database], viewport: str) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    running, database = setup
    base = running.settings.bot_url
    with sync_playwright() as playwright:
        student_browser, recruiter_browser = launch_chromium(playwright), launch_chromium(playwright)
        try:
            student = student_browser.new_context(**context_options(viewport)).new_page()
            student.goto(f"{base}/")
            student.locator(BOT).first.wait_for(timeout=WAIT_MS)
            ask(student, QUESTION)
            queued = ask(student, "转人工")
            expect(queued).to_contain_text("排队")
            sender = student.evaluate("() => window.EnlistChat.senderId()")
            handoff = active(database, sender)
            assert handoff is not None and handoff.status == "waiting"

            recruiter = recruiter_browser.new_context(**context_options(viewport)).new_page()
            recruiter.goto(f"{base}/portal/handoff")
            recruiter.get_by_label("用户名").fill("recruiter1")
            recruiter.get_by_label("密码").fill(PASSWORD)
            recruiter.get_by_role("button", name="登录", exact=True).click()
            expect(recruiter.get_by_role("heading", name="在线咨询", exact=True)).to_be_visible(timeout=WAIT_MS)
            row = recruiter.locator("#waiting tr", has_text=QUESTION)
            expect(row).to_be_visible()
            assert recruiter.evaluate(NO_HORIZONTAL_SCROLL), "the inbox scrolls sideways"
            shot(recruiter, "inbox", viewport, full=True)
            row.get_by_role("link", name="查看并接入").click()
            recruiter.get_by_role("button", name="接入这个对话").click()
            expect(recruiter.locator("p.saved")).to_contain_text("已接入", timeout=WAIT_MS)
            expect(student.locator(BOT).last).to_contain_text("工作人员已接入", timeout=5_000)

            recruiter.get_by_label("回复学生").fill(REPLY)
            sent_at = time.monotonic()
            recruiter.get_by_role("button", name="发送", exact=True).click()
            staff = student.locator(".enlist-staff").last
            expect(staff).to_contain_text(REPLY, timeout=5_000)
            LATENCIES.append((backend_of(setup), f"browser {viewport}", time.monotonic() - sent_at))
            print(f"\npush latency ({LATENCIES[-1][0]}, {LATENCIES[-1][1]}): {LATENCIES[-1][2]:.3f} s")
            assert staff.locator("b").count() == 0, "markup in a recruiter's reply must stay text"
            expect(staff.locator(".enlist-from")).to_have_text("工作人员")

            student.locator(".enlist-input").fill("好的，谢谢老师")
            student.locator(".enlist-input").press("Enter")
            expect(recruiter.locator("#handoff-transcript .turn.user").last).to_contain_text(
                "好的，谢谢老师", timeout=8_000
            )
            assert student.evaluate(NO_HORIZONTAL_SCROLL), "the widget page scrolls sideways"
            shot(student, "student", viewport)
            assert recruiter.evaluate(NO_HORIZONTAL_SCROLL), "the conversation page scrolls sideways"
            shot(recruiter, "recruiter", viewport, full=True)

            recruiter.get_by_role("button", name="结束人工咨询").click()
            expect(recruiter.locator("p.saved")).to_contain_text("已结束", timeout=WAIT_MS)
            expect(student.locator(BOT).last).to_contain_text("智能助手", timeout=5_000)
            answer = ask(student, "当兵学费能补偿吗")
            expect(answer).to_contain_text("学费")
        finally:
            student_browser.close()
            recruiter_browser.close()


def test_widget_without_event_source_polls_for_the_replies(setup: Tuple[Any, Database]) -> None:
    """A browser (or a proxy) without server-sent events: the widget polls /handoff/messages."""
    running, database = setup
    base = running.settings.bot_url
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context(**context_options("phone"))
            context.add_init_script("delete window.EventSource;")
            student = context.new_page()
            polls = []
            student.on("request", lambda r: polls.append(r.url) if "/handoff/messages" in r.url else None)
            student.goto(f"{base}/")
            student.locator(BOT).first.wait_for(timeout=WAIT_MS)
            expect(ask(student, "找工作人员")).to_contain_text("排队")
            handoff = active(database, student.evaluate("() => window.EnlistChat.senderId()"))
            client = logged_in(running.settings, "recruiter2", PASSWORD)
            assert client.submit(f"/handoff/{handoff.id}/take", {}, page=f"/handoff/{handoff.id}").status_code == 303
            assert (
                client.submit(
                    f"/handoff/{handoff.id}/reply", {"text": "您好，请问有什么可以帮您"}, page=f"/handoff/{handoff.id}"
                ).status_code
                == 303
            )
            expect(student.locator(".enlist-staff").last).to_contain_text("您好，请问有什么可以帮您", timeout=6_000)
            assert polls, "the widget did not poll"
            assert client.submit(f"/handoff/{handoff.id}/release", {}, page=f"/handoff/{handoff.id}").status_code == 303
            expect(student.locator(BOT).last).to_contain_text("智能助手", timeout=6_000)
            count = len(polls)
            student.wait_for_timeout(3_000)
            assert len(polls) == count, "the widget kept polling after the hand-off ended"
        finally:
            browser.close()
