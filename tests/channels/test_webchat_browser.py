"""rasa-webchat 1.0.1 (npm, ``make webchat``) on another allowed origin, in Debian chromium,
against the real stack over socket.io: questions answered, a quick reply clicked, the
conversation still there after a reload."""

from __future__ import annotations

import json
import shutil
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.storage.conversations import read_transcript
from tests.browser import launch_chromium
from tests.channels.conftest import WEBCHAT_BUNDLE, SocketStack

pytestmark = pytest.mark.stack

WAIT_MS = 60_000
PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>某高校 · 征兵咨询</title></head>
<body>
<h1>某高校 · 征兵咨询</h1>
<div id="webchat"></div>
<script src="rasa-webchat.js"></script>
<script>
window.WebChat.default({
  selector: "#webchat",
  socketUrl: %(socket_url)s,
  socketPath: "/socket.io/",
  initPayload: "你好",
  customData: {page: "school-site"},
  title: "征兵咨询助手",
  inputTextFieldHint: "请输入您的问题",
  params: {storage: "local"}
}, null);
</script>
</body></html>
"""
QUESTIONS = [
    ("2023年下半年入伍的学费补偿上限是多少", "16000元"),
    ("眼睛近视能当兵吗 视力要求多少", "4.8"),
    ("今年男生当兵年龄要求", "18至22周岁"),
    ("当兵报名在哪个网站", "全国征兵网"),
    ("你是真人还是机器人", "机器人"),
]
BOT = ".rw-messages-container .rw-response"
USER = ".rw-messages-container .rw-client"


def test_rasa_webchat_on_another_origin(socket_stack: SocketStack) -> None:
    assert WEBCHAT_BUNDLE.exists(), "rasa-webchat is missing: run `make webchat`"
    shutil.copy(WEBCHAT_BUNDLE, socket_stack.page_dir / "rasa-webchat.js")
    (socket_stack.page_dir / "index.html").write_text(
        PAGE % {"socket_url": json.dumps(socket_stack.url)}, encoding="utf-8"
    )
    page_url = f"{socket_stack.page_origin}/index.html"
    blocked = []

    def local_only(route) -> None:  # noqa: ANN001 - nothing may be fetched from outside (it asks Google Fonts)
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
            context.route("**/*", local_only)
            page = context.new_page()
            page.goto(page_url)
            page.locator(".rw-launcher").click()
            bot = page.locator(BOT)
            expect(bot.filter(has_text="征兵咨询助手").first).to_be_visible(timeout=WAIT_MS)

            reply = page.locator(".rw-replies .rw-reply", has_text="考研加分")
            expect(reply.last).to_be_visible(timeout=WAIT_MS)
            before = bot.count()
            reply.last.click()
            expect(bot.filter(has_text="初试总分加10分").first).to_be_visible(timeout=WAIT_MS)
            assert bot.count() > before
            expect(page.locator(USER)).to_have_count(1)  # the title shows as the student's message

            for number, (question, fact) in enumerate(QUESTIONS, start=2):
                with_fact = bot.filter(has_text=fact)
                seen = with_fact.count()
                page.locator(".rw-new-message").fill(question)
                page.locator(".rw-send").click()
                expect(page.locator(USER)).to_have_count(number, timeout=WAIT_MS)
                expect(with_fact).to_have_count(seen + 1, timeout=WAIT_MS)

            session_id = json.loads(page.evaluate("localStorage.getItem('chat_session')"))["session_id"]

            page.reload()
            # rasa-webchat restores the open chat and its messages from localStorage and asks
            # the server for the same session again (session_request with the stored id).
            expect(page.locator(".rw-conversation-container")).to_be_visible(timeout=WAIT_MS)
            expect(bot.filter(has_text="初试总分加10分").first).to_be_visible(timeout=WAIT_MS)
            expect(page.locator(USER).filter(has_text=QUESTIONS[0][0])).to_have_count(1, timeout=WAIT_MS)
            page.locator(".rw-new-message").fill("当过兵回来考研能加几分")
            page.locator(".rw-send").click()
            expect(bot.filter(has_text="初试总分加10分")).to_have_count(2, timeout=WAIT_MS)
            assert json.loads(page.evaluate("localStorage.getItem('chat_session')"))["session_id"] == session_id
            page.screenshot(path=str(socket_stack.settings.var_dir / "webchat.png"))
        finally:
            browser.close()

    users = [t.text for t in read_transcript(socket_stack.settings.tracker_store, session_id) if t.speaker == "user"]
    assert [q for q, _ in QUESTIONS] == [u for u in users if u in dict(QUESTIONS)]
    assert "当过兵回来考研能加几分" in users  # asked after the reload, in the same conversation
    assert blocked and all("fonts.googleapis.com" in url for url in blocked)
