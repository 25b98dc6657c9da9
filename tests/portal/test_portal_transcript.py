"""A real conversation through Rasa's REST endpoint ends with a lead; the lead page on the
stack's bot service shows that conversation's transcript from the SQL tracker store."""

from __future__ import annotations

import csv
import io
import re

import pytest

from bot.config import Settings
from bot.leads.store import LeadStore
from bot.staff.accounts import AccountError, AccountStore
from bot.storage.database import Database
from tests.conftest import Chat
from tests.portal.client import PortalClient

pytestmark = pytest.mark.stack

PASSWORD = "Zhaomu-2023!"
ANSWERS = [
    "韩梅梅",
    "139 0000 7777",
    "吕梁学院",
    "应届毕业生",
    "专科",
    "山西省吕梁市离石区",
    "户籍所在地",
    "体检视力要求",
]


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
    assert reference in page and f"编号 {sender}" in page
    link = f"/portal/leads/{lead.id}/conversations/1"
    assert f'href="{link}"' in page and re.search(r"开始于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} · \d+ 条消息", page)
    whole = client.get(link[len("/portal") :]).text
    transcript = whole[whole.index('<ol class="transcript">') :]
    assert f'href="/portal/leads/{lead.id}#conversations"' in whole  # and back
    # The student's turns, the button press shown by its title, and the bot's replies, in order.
    positions = [transcript.index(text) for text in ("我想报名", "同意并继续", "韩梅梅", "体检视力要求", "已记录")]
    assert positions == sorted(positions)
    assert "收集的信息" in transcript and "（按钮）" in transcript and "对话记录库" not in transcript
    assert "/affirm" not in transcript and "<details><summary>" in transcript  # payloads never raw; long answers folded
    assert "**" not in transcript and "<strong>" in transcript  # Markdown rendered
    assert client.get(f"/leads/{lead.id}/conversations/2").status_code == 404


def test_the_facts_of_the_checks_reach_the_lead_page_and_the_csv(chat: Chat, sender: str, stack: Settings) -> None:
    """Eligibility check (gender, age, level, status, body, vision), then the tuition estimate,
    then the lead form: what the student said is on the lead page and in the export."""
    assert "您的性别是" in chat.text(sender, "我能当兵吗")
    for answer in ("女", "25岁", "研究生", "在校生", "165cm 52公斤 左眼4.6右眼5.0"):
        chat.text(sender, answer)
    assert "什么时候入伍" in chat.text(sender, "/estimate_benefit")
    for answer in ("2023年9月", "5000元/年", "2年", "没有"):
        chat.text(sender, answer)
    assert "收集的信息" in chat.text(sender, "我想报名")
    chat.text(sender, "/affirm")
    for answer in ("李晓梅", "139 0000 8888", "吕梁学院", "山西省吕梁市离石区", "户籍所在地", "学费补偿"):
        chat.text(sender, answer)
    assert re.search(r"ZB-[0-9A-Z]{6}", chat.text(sender, "/affirm"))

    database = Database(stack.database)
    try:
        try:
            AccountStore(database).create("facts_reader", "recruiter", PASSWORD)
        except AccountError:
            pass
        lead = LeadStore(database).find_by_phone("13900008888")
    finally:
        database.dispose()
    client = PortalClient(stack)
    assert client.login("facts_reader", PASSWORD).status_code == 303
    page = client.get(f"/leads/{lead.id}").text
    facts = page[page.index("学生在对话中提供的情况") : page.index('id="work"')]
    for label, value in (
        ("性别", "女"),
        ("出生年份", "1998年"),
        ("身份", "在校生"),
        ("学历层次", "研究生"),
        ("身高", "165cm"),
        ("体重", "52kg"),
        ("BMI", "19.1"),
        ("裸眼视力", "左眼4.6、右眼5.0"),
        ("每年学费", "5000元"),
        ("已交学费年数", "2年"),
        ("助学贷款", "无"),
    ):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in facts, (label, facts)
    export = client.submit("/leads/export", {"q": "13900008888"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["对话中：性别"], row["对话中：身高"], row["对话中：BMI"], row["对话中：每年学费"]) == (
        "女",
        "165cm",
        "19.1",
        "5000元",
    )
