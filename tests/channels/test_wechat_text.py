"""Bot messages as WeChat text: Markdown flattened, buttons numbered, pages within 2048 bytes."""

from __future__ import annotations

import re

from bot.channels.wechat_text import TEXT_LIMIT_BYTES, markdown_to_wechat, paginate, render_messages
from bot.logging_setup import mask_personal_data


def test_markdown_becomes_plain_text_with_wechat_links() -> None:
    text = "## 报名\n**先登记。**\n- 登录[全国征兵网](https://www.gfbzb.gov.cn)，*按时*填写\n1. 体检\n\n\n\n`政审`"
    assert markdown_to_wechat(text) == (
        '报名\n先登记。\n• 登录<a href="https://www.gfbzb.gov.cn">全国征兵网</a>，按时填写\n1. 体检\n\n政审'
    )


def test_buttons_are_numbered_in_their_order_after_the_text() -> None:
    messages = [
        {
            "text": "请选择话题：",
            "buttons": [{"title": "学费补偿", "payload": "/a"}, {"title": "考研加分", "payload": "/b"}],
        },
        {"recipient_id": "x", "custom": {"enlist_message": {}}},
    ]
    assert render_messages(messages) == "请选择话题：\n\n回复数字：\n1 学费补偿\n2 考研加分"


def test_long_text_is_paged_within_the_limit_without_cutting_links() -> None:
    link = '<a href="https://www.gfbzb.gov.cn/zbbm/index.shtml">全国征兵网</a>'
    text = "\n".join(f"第{i}条：" + "内容" * 40 + link for i in range(30)) + "\n" + "长" * 900
    pages = paginate(text)
    assert len(pages) > 2 and all(len(page.encode("utf-8")) <= TEXT_LIMIT_BYTES for page in pages)
    assert all(f"（第{n}/{len(pages)}页）回复“更多”查看余下内容" in page for n, page in enumerate(pages[:-1], start=1))
    bodies = [re.sub(r"\n\n（第\d+/\d+页）回复“更多”查看余下内容$", "", page) for page in pages]
    assert all(body.count("<a ") == body.count("</a>") for body in bodies)
    assert "".join(body.replace("\n", "") for body in bodies) == text.replace("\n", "")
    assert paginate("短") == ["短"]


def test_openids_are_masked_like_phone_numbers() -> None:
    line = "sender 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' phone 13812345678 widget w-0123456789abcdef01234567"
    assert mask_personal_data(line) == "sender 'o***openid' phone 138****5678 widget w-0123456789abcdef01234567"
