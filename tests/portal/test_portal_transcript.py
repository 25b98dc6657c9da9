"""A real conversation through Rasa's REST endpoint ends with a lead; the lead page on the
stack's bot service shows that conversation's transcript from the SQL tracker store."""

from __future__ import annotations

import re

import pytest

from bot.config import Settings
from bot.leads.store import LeadStore
from bot.portal.accounts import AccountError, AccountStore
from bot.storage.database import Database
from tests.conftest import Chat
from tests.portal.client import PortalClient

pytestmark = pytest.mark.stack

PASSWORD = "Zhaomu-2023!"
ANSWERS = ["韩梅梅", "139 0000 7777", "吕梁学院", "应届毕业生", "专科", "山西省吕梁市离石区", "户籍所在地", "体检视力要求"]


def test_the_lead_page_shows_the_conversation_that_made_the_lead(chat: Chat, sender: str, stack: Settings) -> None:
    assert "收集的信息" in chat.text(sender, "我想报名")
    chat.text(sender, "/affirm")
    for answer in ANSWERS:
        chat.text(sender, answer)
    done = chat.text(sender, "/affirm")
    reference = re.search(r"ZB-[0-9A-Z]{6}", done).group(0)

    database = Database(stack.database)
    try:
        try:
            AccountStore(database).create("transcript_reader", "recruiter", PASSWORD)
        except AccountError:
            pass  # created by an earlier run in this session
        lead = LeadStore(database).find_by_phone("13900007777")
    finally:
        database.dispose()
    assert lead is not None and lead.sender_id == sender

    client = PortalClient(stack)
    assert client.login("transcript_reader", PASSWORD).status_code == 303
    page = client.get(f"/leads/{lead.id}").text
    assert reference in page and f"对话 {sender}" in page
    transcript = page[page.index("对话记录"):]
    # The student's turns, the button press shown by its title, and the bot's replies, in order.
    positions = [transcript.index(text) for text in ("我想报名", "同意并继续", "韩梅梅", "体检视力要求", "已记录")]
    assert positions == sorted(positions)
    assert "收集的信息" in transcript and "（按钮）" in transcript and "对话记录库" not in transcript
