"""The chat widget end to end: the demo page in headless Chromium at phone size (360×640)
and desktop size (1280×800), talking to the real Rasa server and bot service.

Screenshots of both sizes are written to var/screenshots/ for people to look at.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator, List

import pytest
from playwright.sync_api import expect

from bot.config import Settings
from tests.browser import CHROMIUM, VIEWPORTS, context_options, launch_chromium
from tests.conftest import PROJECT_HOME
from tests.widget.votes import stored_votes

pytestmark = pytest.mark.stack

WAIT_MS = 30_000
SCREENSHOTS = PROJECT_HOME / "var" / "screenshots"
GREETING_TOPICS = ["学费补偿", "考研加分", "报名流程", "体检标准", "在校生/毕业生", "学校所在地/户籍地报名"]
BOT = ".enlist-log .enlist-bot:not(.enlist-typing)"
USER = ".enlist-log .enlist-user .enlist-bubble"

# Runs in the page: WCAG contrast of every visible text in the widget against the first
# opaque background behind it (3:1 for large text, else 4.5:1). Returns the failures.
CONTRAST_CHECK = """() => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (el) => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
    if (c.length === 3 || c[3] === 1) return c; } return [255, 255, 255]; };
  const failures = [];
  document.querySelectorAll('.enlist-root *').forEach((el) => {
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') return;
    if (el.closest('.enlist-sr')) return;
    const style = getComputedStyle(el);
    const a = lum(rgb(style.color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) failures.push(`${el.className}: ${ratio.toFixed(2)} < ${needed} (${el.textContent.slice(0, 20)})`);
  });
  return failures;
}"""


class WidgetPage:
    """The demo page and the widget on it, as a student uses them."""

    def __init__(self, page, settings: Settings, viewport: str) -> None:  # noqa: ANN001
        self.page = page
        self.settings = settings
        self.viewport = viewport
        self.dialogs: List[str] = []
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:  # noqa: ANN001
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self) -> "WidgetPage":
        self.page.goto(f"{self.settings.bot_url}/")
        self.page.locator(BOT).first.wait_for(timeout=WAIT_MS)
        return self

    @property
    def input(self):  # noqa: ANN201
        return self.page.locator(".enlist-input")

    def bot_count(self) -> int:
        return self.page.locator(BOT).count()

    def next_bot(self, count: int):  # noqa: ANN201
        """The first bot message after the first ``count`` ones, once it is there."""
        message = self.page.locator(BOT).nth(count)
        message.wait_for(timeout=WAIT_MS)
        self.page.locator(".enlist-typing").wait_for(state="detached", timeout=WAIT_MS)
        return message

    def ask(self, text: str):  # noqa: ANN201
        count = self.bot_count()
        self.input.fill(text)
        self.input.press("Enter")
        return self.next_bot(count)

    def click_topic(self, title: str):  # noqa: ANN201
        count = self.bot_count()
        self.page.locator(".enlist-choice", has_text=title).first.click()
        return self.next_bot(count)

    def sender_id(self) -> str:
        return self.page.evaluate("() => window.EnlistChat.senderId()")

    def log_text(self) -> str:
        return self.page.locator(".enlist-log").inner_text()

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        width, height = VIEWPORTS[self.viewport]
        path = SCREENSHOTS / f"{name}-{width}x{height}.png"
        self.page.screenshot(path=str(path))
        print(f"screenshot: {path}")
        return path


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        print(f"\n{CHROMIUM} is missing: install it with `apt-get install -y chromium fonts-noto-cjk` (.ci/run does)")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return request.param


def new_widget_page(browser, stack: Settings, viewport: str, **options) -> WidgetPage:  # noqa: ANN001
    context = browser.new_context(**context_options(viewport), **options)
    return WidgetPage(context.new_page(), stack, viewport)


@pytest.fixture()
def widget(browser, stack: Settings, viewport: str) -> Iterator[WidgetPage]:  # noqa: ANN001
    page = new_widget_page(browser, stack, viewport)
    try:
        yield page
    finally:
        page.page.context.close()


# --- tests ---------------------------------------------------------------------------------


def test_demo_page_opens_with_the_greeting_and_topic_buttons(widget: WidgetPage) -> None:
    widget.open()
    greeting = widget.page.locator(BOT).first
    assert "征兵咨询助手" in greeting.inner_text() and "仅供参考" in greeting.inner_text()
    titles = greeting.locator(".enlist-choice").all_inner_texts()
    assert set(GREETING_TOPICS) <= set(titles)
    assert widget.page.locator(".enlist-user .enlist-bubble").count() == 0  # the silent /greet is not shown
    widget.screenshot("widget")

    # ARIA: the log and the live region, a labelled input, the launcher's state
    log = widget.page.locator(".enlist-log")
    assert log.get_attribute("role") == "log" and log.get_attribute("aria-live") == "polite"
    assert widget.page.locator(".enlist-panel [role=status]").count() == 1
    assert widget.page.locator("label[for=enlist-input]").inner_text() == "输入您的问题"
    assert widget.page.locator(".enlist-launcher").get_attribute("aria-expanded") == "true"
    # The greeting is a plain response without a message id: /feedback would refuse a vote on it.
    assert greeting.locator(".enlist-votes").count() == 0

    # Layout: no horizontal scrolling; full screen on a phone, a floating panel on a desktop
    width, height = VIEWPORTS[widget.viewport]
    scroll = widget.page.evaluate(
        "() => [document.documentElement.scrollWidth, document.querySelector('.enlist-log').scrollWidth,"
        " document.querySelector('.enlist-log').clientWidth]"
    )
    assert scroll[0] <= width and scroll[1] <= scroll[2]
    panel = widget.page.locator(".enlist-panel").bounding_box()
    if widget.viewport == "phone":
        assert (panel["x"], panel["y"], panel["width"], panel["height"]) == (0, 0, width, height)
    else:
        assert panel["width"] <= 420 and panel["x"] > width / 2
        assert widget.page.locator(".enlist-launcher").is_visible()
    assert widget.page.evaluate(CONTRAST_CHECK) == []


def test_topic_button_shows_its_title_and_the_answer(widget: WidgetPage) -> None:
    widget.open()
    answer = widget.click_topic("考研加分")
    assert widget.page.locator(USER).last.inner_text() == "考研加分"
    assert "初试总分加10分" in answer.inner_text()
    assert answer.get_attribute("data-faq-id") == "postgrad_bonus"
    links = answer.locator("a")
    assert links.count() >= 1
    for i in range(links.count()):
        link = links.nth(i)
        assert link.get_attribute("href").startswith(("http://", "https://"))
        assert link.get_attribute("target") == "_blank" and link.get_attribute("rel") == "noopener noreferrer"
    assert answer.locator("strong").count() >= 1  # **bold** became bold, not asterisks
    assert "**" not in answer.inner_text()
    assert widget.page.evaluate(CONTRAST_CHECK) == []


def test_typed_question_gets_an_answer_with_the_right_facts(widget: WidgetPage) -> None:
    widget.open()
    answer = widget.ask("2023年下半年入伍的学费补偿上限是多少")
    text = answer.inner_text()
    assert "16000元" in text and "20000元" in text and "2023年政策" in text
    assert widget.page.locator(USER).last.inner_text() == "2023年下半年入伍的学费补偿上限是多少"
    assert widget.input.input_value() == ""


def test_conversation_survives_a_reload_and_restart_starts_afresh(widget: WidgetPage) -> None:
    widget.open()
    widget.click_topic("体检标准")
    answer = widget.ask("眼睛近视能当兵吗 视力要求多少")
    assert "600度" in answer.inner_text()
    answer.locator("button[aria-label=有帮助]").click()
    answer.locator(".enlist-votes[data-voted='1']").wait_for(timeout=WAIT_MS)
    before, sender = widget.log_text(), widget.sender_id()

    widget.page.reload()
    widget.page.locator(BOT).first.wait_for(timeout=WAIT_MS)
    assert widget.sender_id() == sender
    assert widget.log_text() == before
    expect(widget.page.locator(BOT).last.locator(".enlist-votes")).to_be_in_viewport()  # scrolled to the latest
    assert widget.page.locator(f"{BOT} button[aria-label=有帮助][aria-pressed=true]").count() == 1
    assert "18至22周岁" in widget.ask("今年男生当兵年龄要求").inner_text()  # the conversation goes on

    widget.page.locator(".enlist-restart").click()
    widget.page.locator(BOT).first.wait_for(timeout=WAIT_MS)
    widget.page.locator(".enlist-typing").wait_for(state="detached", timeout=WAIT_MS)
    assert widget.sender_id() != sender
    assert widget.bot_count() == 1 and widget.page.locator(USER).count() == 0
    assert "征兵咨询助手" in widget.log_text() and "600度" not in widget.log_text()


def test_thumbs_down_is_stored_against_the_message_and_its_faq(widget: WidgetPage, stack: Settings) -> None:
    widget.open()
    answer = widget.click_topic("学费补偿")
    answer.locator("button[aria-label=没有帮助]").click()
    answer.locator(".enlist-votes[data-voted='-1']").wait_for(timeout=WAIT_MS)
    sender, message_id = widget.sender_id(), answer.get_attribute("data-message-id")
    rows = stored_votes(stack, sender)
    assert [(r.message_id, r.vote, r.faq_id) for r in rows] == [(message_id, -1, "tuition_compensation")]
    assert "学费补偿" in rows[0].bot_text

    answer.locator("button[aria-label=有帮助]").click()  # changing one's mind updates the row
    answer.locator(".enlist-votes[data-voted='1']").wait_for(timeout=WAIT_MS)
    assert [(r.message_id, r.vote) for r in stored_votes(stack, sender)] == [(message_id, 1)]


def test_script_in_messages_is_shown_as_text_and_never_runs(browser, stack: Settings, viewport: str) -> None:  # noqa: ANN001
    # bypass_csp: the page's CSP would block inline script anyway; the widget must be safe
    # without it, as on a host page that has none.
    widget = new_widget_page(browser, stack, viewport, bypass_csp=True)
    try:
        widget.open()
        payload = '<img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=2</script>'
        widget.ask(payload)
        assert widget.page.locator(USER).last.inner_text() == payload

        # A hostile or broken server: markup, script links and images in what the bot sends.
        hostile = [
            {
                "text": '**粗体** <img src=x onerror="window.__xss=3;alert(3)">\n- [点我](javascript:window.__xss=4)\n'
                "- [全国征兵网](https://www.gfbzb.gov.cn)\n<script>window.__xss=5</script>",
                "buttons": [{"title": "<b onmouseover=alert(6)>按钮</b>", "payload": "/greet"}],
                "image": "javascript:window.__xss=7",
            },
            {"image": "data:text/html,<script>alert(8)</script>"},
        ]
        widget.page.route(
            f"{stack.browser_chat_url}/webhooks/rest/webhook",
            lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(hostile)),
        )
        answer = widget.ask("随便问问")
        widget.page.wait_for_timeout(300)  # give any injected handler the chance to run

        assert widget.dialogs == []
        assert widget.page.evaluate("() => window.__xss === undefined")
        assert (
            widget.page.locator(
                ".enlist-root script, .enlist-root img[src='x'], .enlist-root b, .enlist-log img"
            ).count()
            == 0
        )
        assert answer.locator("strong").inner_text() == "粗体"
        links = answer.locator("a")
        assert links.count() == 1 and links.first.get_attribute("href") == "https://www.gfbzb.gov.cn/"
        assert "[点我](javascript:window.__xss=4)" in answer.inner_text()
        assert answer.locator(".enlist-choice").inner_text() == "<b onmouseover=alert(6)>按钮</b>"
    finally:
        widget.page.context.close()


def test_keyboard_only_enter_sends_tab_reaches_buttons_focus_is_visible(widget: WidgetPage) -> None:
    widget.open()
    focused = ""
    for _ in range(80):  # from the top of the page, through the page's links into the widget
        widget.page.keyboard.press("Tab")
        focused = widget.page.evaluate("() => document.activeElement.className")
        if "enlist-choice" in focused:
            break
    assert "enlist-choice" in focused
    outline = widget.page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert outline[0] != "none" and outline[1] != "0px"
    title = widget.page.evaluate("() => document.activeElement.textContent")
    count = widget.bot_count()
    widget.page.keyboard.press("Enter")
    widget.next_bot(count)
    assert widget.page.locator(USER).last.inner_text() == title

    widget.input.focus()
    widget.page.keyboard.type("今年男生当兵")
    widget.page.keyboard.press("Shift+Enter")  # a new line, not a send
    widget.page.keyboard.type("年龄要求")
    assert widget.input.input_value() == "今年男生当兵\n年龄要求"
    count = widget.bot_count()
    widget.page.keyboard.press("Enter")
    assert "周岁" in widget.next_bot(count).inner_text()

    widget.page.keyboard.press("Escape")  # closes the panel, focus goes back to the launcher
    assert widget.page.locator(".enlist-panel").is_hidden()
    assert "enlist-launcher" in widget.page.evaluate("() => document.activeElement.className")
    widget.page.keyboard.press("Enter")
    assert widget.page.locator(".enlist-panel").is_visible()


def test_a_refused_message_is_given_back_to_the_student(widget: WidgetPage) -> None:
    widget.open()
    too_long = "我想问" + "长" * 5000
    notice = widget.ask(too_long)
    assert "消息太长了" in notice.inner_text()
    assert widget.input.input_value() == too_long  # nothing lost: the text is back to shorten
    assert widget.page.locator(USER).count() == 0


def test_server_down_shows_retry_and_keeps_the_message_then_continues(browser, live_stack) -> None:  # noqa: ANN001
    """Rasa stops (both sizes at once, one outage), the student's question waits with a
    retry button, also across a reload; Rasa comes back and the retry gets the answer."""
    settings = live_stack.settings
    widgets = [new_widget_page(browser, settings, viewport).open() for viewport in VIEWPORTS]
    question = "当过兵回来考研能加几分"
    sent: list = []  # the chat requests of the first page: the retry must carry the same message id
    widgets[0].page.on(
        "request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/webhooks/rest/webhook") else None
    )
    try:
        live_stack.rasa.stop()
        try:
            for widget in widgets:
                widget.input.fill(question)
                widget.input.press("Enter")
                failure = widget.page.locator(".enlist-failed")
                failure.wait_for(timeout=WAIT_MS)
                assert "发送失败" in failure.inner_text() and failure.get_attribute("role") == "alert"
                assert widget.page.locator(USER).last.inner_text() == question
            widgets[0].page.reload()
            widgets[0].page.locator(".enlist-failed .enlist-retry").wait_for(timeout=WAIT_MS)
            expect(widgets[0].page.locator(".enlist-failed .enlist-retry")).to_be_in_viewport()
            assert widgets[0].page.locator(USER).last.inner_text() == question
            widgets[0].screenshot("widget-offline")
        finally:
            live_stack.restart(live_stack.rasa)  # stop() was done: this starts it and waits until ready
        for widget in widgets:
            count = widget.bot_count()
            widget.page.locator(".enlist-retry").click()
            answer = widget.next_bot(count)
            assert "初试总分加10分" in answer.inner_text()
            assert widget.page.locator(".enlist-failed").count() == 0
            assert "全国征兵网" in widget.ask("当兵报名在哪个网站").inner_text()
        attempts = [body["metadata"]["client_message_id"] for body in sent if body.get("message") == question]
        assert len(attempts) == 2 and attempts[0] == attempts[1], attempts
        others = {body["metadata"]["client_message_id"] for body in sent if body.get("message") != question}
        assert attempts[0] not in others
    finally:
        for widget in widgets:
            widget.page.context.close()


def _fits_the_log(widget: WidgetPage, message) -> None:  # noqa: ANN001
    bubble = message.locator(".enlist-bubble").first.bounding_box()
    log = widget.page.locator(".enlist-log").bounding_box()
    assert bubble["height"] <= log["height"], (bubble["height"], log["height"])


def test_a_personal_result_fits_one_screen_and_a_long_answer_opens_at_its_start(widget: WidgetPage) -> None:
    """Issue 12 §3: the verdict with its key numbers is one screen; the reasoning comes when
    the student taps "查看计算过程和依据"."""
    widget.open()
    widget.ask("我21岁，本科大三，能当兵吗")
    widget.ask("男")
    result = widget.ask("跳过")
    assert "年龄条件：符合" in result.inner_text() and "依据：" not in result.inner_text()
    _fits_the_log(widget, result)
    widget.screenshot("widget-result")
    details = widget.click_topic("查看计算过程和依据")
    assert "计算过程和依据" in details.inner_text() and "依据：" in details.inner_text()
    assert "男青年一般为当年年满18至22周岁" in details.inner_text()
    # The longest FAQ answer (400 characters, the validator's limit) is more than a phone
    # screen at 16 px: the widget shows its start (the headline), not its end.
    longest = widget.ask("毕业生和在校生当兵有什么区别")
    assert "主要区别" in longest.inner_text()
    expect(longest.locator("strong").first).to_be_in_viewport()
    widget.screenshot("widget-longest-answer")
