"""Issue 13 item 4: finishing the lead form with a phone that signed up before must neither
tell the visitor so nor overwrite that lead; the repeat is kept as a submission to review."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from bot.config import Settings
from bot.leads.store import LeadStore
from bot.staff.accounts import AccountStore
from bot.storage.database import Database
from tests.conftest import Chat
from tests.databases import BACKENDS
from tests.portal.client import PortalClient
from tests.security.stacks import stack_on
from tests.test_leads_conversation import ANSWERS, REFERENCE, fill, start_form

pytestmark = pytest.mark.stack

PHONE = "17709876543"
PASSWORD = "Zhaomu-2023!"


@pytest.fixture(scope="module", params=BACKENDS)
def backend_stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, trained_model: Path
) -> Iterator[Settings]:
    with stack_on(request.param, tmp_path_factory.mktemp(f"enum-{request.param}"), trained_model) as settings:
        yield settings


def sign_up(chat: Chat, sender: str, name: str, school: str) -> str:
    """The whole form with ``name``/``school`` and the shared phone; returns the final reply."""
    start_form(chat, sender)
    replaced = {"lead_name": name, "school": school, "lead_phone": PHONE}
    fill(chat, sender, [(slot, replaced.get(slot, value)) for slot, value in ANSWERS])
    return chat.text(sender, "/affirm")


def test_known_phone_same_reply_no_overwrite_kept_for_review(backend_stack: Settings, sender: str) -> None:
    chat = Chat(backend_stack)
    first = sign_up(chat, f"{sender}-a", "李雷", "吕梁学院")
    second = sign_up(chat, f"{sender}-b", "韩梅梅", "太原理工大学")
    assert "已记录" in first and "之前登记过" not in second
    # Identical apart from the submission's own reference number.
    assert REFERENCE.sub("ZB-?", first) == REFERENCE.sub("ZB-?", second)

    database = Database(backend_stack.database)
    try:
        store = LeadStore(database)
        lead = store.find_by_phone(PHONE)
        assert (lead.name, lead.school, lead.sender_id) == ("李雷", "吕梁学院", f"{sender}-a")
        submissions = store.submissions(lead.id)
        assert [s.sender_id for s in submissions] == [f"{sender}-a", f"{sender}-b"]
        assert (submissions[0].values["name"], submissions[0].values["school"]) == ("李雷", "吕梁学院")
        assert (submissions[1].values["name"], submissions[1].values["school"]) == ("韩梅梅", "太原理工大学")
        assert store.count() == 1
        AccountStore(database).create("recruiter1", "recruiter", PASSWORD)
    finally:
        database.dispose()

    portal = PortalClient(backend_stack)
    assert portal.login("recruiter1", PASSWORD).status_code == 303
    page = portal.get(f"/leads/{lead.id}")
    assert page.status_code == 200
    records = page.text.split("提交记录", 1)[1].split("对话记录", 1)[0]
    for expected in (
        "姓名：李雷",
        "学校：吕梁学院",
        "姓名：韩梅梅",
        "学校：太原理工大学",
        REFERENCE.search(first).group(0),
        REFERENCE.search(second).group(0),
    ):
        assert expected in records, expected
