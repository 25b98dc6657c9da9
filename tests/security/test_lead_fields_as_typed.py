"""Issue 13 item 9: the lead keeps what the student typed, not the NLU's normalised text
(lower-cased, 繁→简): "Ma Li", "TYUT", "臺北" must not become "ma li", "tyut", "台北"."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.leads.store import LeadStore
from bot.storage.database import Database
from tests.conftest import Chat
from tests.test_leads_conversation import ANSWERS, fill, start_form

pytestmark = pytest.mark.stack

PHONE = "15912340987"


def test_lead_keeps_the_typed_values(chat: Chat, sender: str, stack: Settings) -> None:
    start_form(chat, sender)
    typed = {
        "lead_name": "Ma Li",
        "lead_phone": PHONE,
        "school": "TYUT",
        "hukou_place": "臺北",
        "student_status": "應屆",
    }
    summary = fill(chat, sender, [(slot, typed.get(slot, value)) for slot, value in ANSWERS])
    assert "Ma Li" in summary and "TYUT" in summary and "臺北" in summary
    assert "已记录" in chat.text(sender, "/affirm")
    database = Database(stack.database)
    try:
        lead = LeadStore(database).find_by_phone(PHONE)
    finally:
        database.dispose()
    assert (lead.name, lead.school, lead.hukou_place) == ("Ma Li", "TYUT", "臺北")
    assert lead.student_status == "应届毕业生"  # a choice is still matched on the normalised text
