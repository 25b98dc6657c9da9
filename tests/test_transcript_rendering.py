"""Transcripts as staff read them: Markdown rendered safely, long answers folded to their
first line, internal payloads shown as the button the student tapped (never raw)."""

from __future__ import annotations

import json

from bot.portal.markdown_html import render_inline, render_markdown, split_first_line
from bot.storage.conversations import SILENT_PAYLOADS, UNKNOWN_BUTTON, _turns


def test_markdown_becomes_html_and_nothing_else_does() -> None:
    html = str(
        render_markdown(
            "**学费补偿**\n\n- 本科\n- 专科\n\n[全国征兵网](https://www.gfbzb.gov.cn) "
            "[坏](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(2)> ![p](http://e/x.png)"
        )
    )
    assert "<strong>学费补偿</strong>" in html and "<li>本科</li>" in html
    assert '<a href="https://www.gfbzb.gov.cn" rel="noopener noreferrer nofollow">全国征兵网</a>' in html
    assert "javascript:" not in html and "<script" not in html and "<img" not in html and "onerror=alert(2)&gt;" in html
    assert "&lt;script&gt;" in html
    assert str(render_inline("**一行**")) == "<strong>一行</strong>"


def test_long_answers_fold_to_the_first_line() -> None:
    assert split_first_line("好的。") == ("好的。", "")
    first, rest = split_first_line("学费补偿最多每年16000元。\n\n" + "详细说明。" * 30)
    assert first == "学费补偿最多每年16000元。" and rest.startswith("详细说明")


def _row(type_name: str, **event: object) -> tuple:
    return (type_name, 1672531200.0, json.dumps(event))


def test_payloads_show_the_button_title_even_when_offered_earlier() -> None:
    faq = '/faq{"faq_id":"tuition"}'
    rows = [
        _row("user", text="/greet"),
        _row("bot", text="您好", data={"buttons": [{"title": "学费补偿", "payload": faq}]}),
        _row("bot", text="还有别的问题吗"),
        _row("user", text=faq),
        _row("user", text="/stop_form"),
        _row("user", text="你好"),
    ]
    turns = _turns(rows)
    users = [(t.text, t.button) for t in turns if t.speaker == "user"]
    assert users == [(SILENT_PAYLOADS["/greet"], True), ("学费补偿", True), (UNKNOWN_BUTTON, True), ("你好", False)]
    assert turns[1].buttons == ("学费补偿",) and turns[1].text == "您好"
    assert turns[0].at.isoformat() == "2023-01-01T00:00:00"  # naive UTC; the page shows China time
