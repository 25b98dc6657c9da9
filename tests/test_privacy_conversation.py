"""Withdrawing consent and deleting one's data (issue 19), over the real REST channel and
portal, on SQLite and on PostgreSQL (leads and Rasa's tracker store both in PostgreSQL):
the same conversation deletes after a confirmation, another conversation cannot delete or
learn anything by typing a phone number, recruiters handle those requests, admins delete
from the portal; afterwards the phone is in neither database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator, List

import pytest
from sqlalchemy import create_engine, select, text

from bot.config import Settings
from bot.leads.deletion_requests import DeletionRequestStore
from bot.leads.records import WITHDRAWN, LeadFilter
from bot.leads.store import LeadStore
from bot.staff.accounts import AccountStore
from bot.staff.audit import AuditLog
from bot.storage.database import Database
from bot.storage.schema import deletion_requests, lead_notes, lead_submissions, leads
from tests.conftest import Chat
from tests.databases import BACKENDS
from tests.portal.client import PortalClient
from tests.security.stacks import stack_on
from tests.test_leads_conversation import ANSWERS, REFERENCE, fill, start_form

pytestmark = pytest.mark.stack

PASSWORD = "Zhaomu-2023!"


@pytest.fixture(scope="module", params=BACKENDS)
def backend_stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, trained_model: Path
) -> Iterator[Settings]:
    with stack_on(
        request.param, tmp_path_factory.mktemp(f"privacy-{request.param}"), trained_model, tracker_too=True
    ) as settings:
        database = Database(settings.database)
        AccountStore(database).create("recruiter1", "recruiter", PASSWORD)
        AccountStore(database).create("admin1", "admin", PASSWORD)
        database.dispose()
        yield settings


@pytest.fixture()
def stores(backend_stack: Settings) -> Iterator[tuple]:
    database = Database(backend_stack.database)
    yield LeadStore(database), DeletionRequestStore(database), AuditLog(database)
    database.dispose()


def spellings(phone: str) -> List[str]:
    return [phone, f"{phone[:3]}-{phone[3:7]}-{phone[7:]}", f"{phone[:3]} {phone[3:7]} {phone[7:]}"]


def sign_up(chat: Chat, sender: str, phone: str, name: str = "李雷") -> tuple:
    """The whole form; returns the final reply's text and buttons."""
    start_form(chat, sender)
    replaced = {"lead_phone": phone, "lead_name": name}
    fill(chat, sender, [(slot, replaced.get(slot, value)) for slot, value in ANSWERS])
    return chat.buttons(sender, "/affirm")


def leads_db_text(settings: Settings) -> str:
    """Every stored value of the lead tables."""
    database = Database(settings.database)
    try:
        with database.begin() as connection:
            return repr(
                [
                    tuple(r)
                    for table in (leads, lead_submissions, lead_notes, deletion_requests)
                    for r in connection.execute(select(table))
                ]
            )
    finally:
        database.dispose()


def tracker_text(settings: Settings, sender: str = "") -> str:
    """The stored events of one conversation, or of all of them (JSON with Chinese unescaped:
    Rasa writes ``\\uXXXX``)."""
    engine = create_engine(settings.tracker_store, future=True)
    try:
        with engine.connect() as connection:
            query = "SELECT data FROM events" + (" WHERE sender_id = :sender" if sender else "")
            rows = connection.execute(text(query), {"sender": sender})
            return "\n".join(json.dumps(json.loads(row[0]), ensure_ascii=False) for row in rows)
    finally:
        engine.dispose()


def gone_everywhere(settings: Settings, phone: str, *values: str) -> None:
    stored = leads_db_text(settings) + tracker_text(settings)
    for value in (*spellings(phone), *values):
        assert value not in stored, value


def test_the_same_conversation_withdraws_after_confirming(backend_stack: Settings, sender: str, stores: tuple) -> None:
    store, _, _ = stores
    chat = Chat(backend_stack)
    phone = "13811110001"
    done, buttons = sign_up(chat, sender, phone, name="赵子龙")
    assert "已记录" in done and "删除我的信息" in [b["title"] for b in buttons]
    reference = REFERENCE.search(done).group(0)
    assert phone in tracker_text(backend_stack, sender) and "赵子龙" in tracker_text(backend_stack, sender)

    asked, buttons = chat.buttons(sender, "删除我的资料")
    assert "确认要撤回同意并删除" in asked and [b["title"] for b in buttons] == ["确认删除", "取消"]
    assert "没有删除任何信息" in chat.text(sender, buttons[1]["payload"])
    assert store.find_by_phone(phone).name == "赵子龙"

    asked, buttons = chat.buttons(sender, "/delete_my_data")  # the button on the confirmation message
    deleted = chat.text(sender, buttons[0]["payload"])
    assert "已删除" in deleted and reference in deleted and "手机号" in deleted and "已撤回" in deleted

    lead = next(lead for lead in store.iter_all(LeadFilter(text=reference)))
    assert lead.status == WITHDRAWN and lead.erased and lead.phone is None and lead.name is None
    assert store.submissions(lead.id) == []
    gone_everywhere(backend_stack, phone, "赵子龙", "学费补偿和复学")
    assert "［已删除］" in tracker_text(backend_stack, sender)
    # The conversation goes on after the redaction, and nothing is left to delete.
    assert "征兵咨询助手" in chat.text(sender, "你好")
    asked = chat.text(sender, "删除我的信息")
    assert "没有登记过信息" in asked


PHRASINGS = {
    "删除我的信息": "13911110001",
    "撤回同意": "13911110002",
    "我不想登记了": "13911110003",
    "删除我的资料": "13911110004",
    "删了吧": "13911110005",
}  # the last: a confirmation with nothing asked


@pytest.mark.parametrize("phrasing", list(PHRASINGS))
def test_each_phrasing_asks_for_confirmation(backend_stack: Settings, sender: str, phrasing: str) -> None:
    chat = Chat(backend_stack)
    fresh = chat.text(f"{sender}-none", phrasing)  # no lead in that conversation: nothing to delete
    assert "确认要撤回" not in fresh and "已删除" not in fresh
    if phrasing != "我不想登记了":  # (that one may also just mean "no sign-up for me")
        assert "没有登记过信息" in fresh
    sign_up(chat, sender, PHRASINGS[phrasing])
    assert "确认要撤回同意并删除" in chat.text(sender, phrasing)


def test_a_stop_outside_the_form_asks_to_delete_only_about_the_sign_up(backend_stack: Settings, sender: str) -> None:
    chat = Chat(backend_stack)
    sign_up(chat, sender, "13911110006")
    assert "确认要撤回" not in chat.text(sender, "算了")
    assert "确认要撤回同意并删除" in chat.text(sender, "不登记了")


def test_privacy_questions_are_answered_from_the_notice(backend_stack: Settings, sender: str, stores: tuple) -> None:
    store, _, _ = stores
    chat = Chat(backend_stack)
    reply = chat.text(sender, "你们会保存我的信息多久")
    assert f"保存{backend_stack.lead_retention_days}天" in reply and "“删除我的信息”" in reply
    assert "没有删除" not in reply and "确认要撤回" not in reply
    start_form(chat, sender)
    inside = chat.text(sender, "我的个人信息谁能看到")  # asked instead of the name: answered, then the name again
    assert "离石区人民武装部工作人员" in inside and "姓名" in inside.split("到期删除", 1)[1]
    assert "手机号" in chat.text(sender, "赵云")
    summary = fill(chat, sender, ANSWERS[1:], phone="13811110010")
    assert "姓名：赵云" in summary and "谁能看到" not in summary


def test_withdrawing_inside_the_form_stops_it(backend_stack: Settings, sender: str, stores: tuple) -> None:
    store, _, _ = stores
    chat = Chat(backend_stack)
    notice = chat.text(sender, "我想报名")
    assert "处理者" in notice and "离石区人民武装部" in notice and "“删除我的信息”" in notice
    chat.text(sender, "/affirm")
    chat.text(sender, "钱多多")
    chat.text(sender, "13811110009")
    assert "已取消登记" in chat.text(sender, "我不想登记了")
    assert store.find_by_phone("13811110009") is None


def test_another_conversation_cannot_delete_or_learn(backend_stack: Settings, sender: str, stores: tuple) -> None:
    store, requests, _ = stores
    chat = Chat(backend_stack)
    owner, other = f"{sender}-owner", f"{sender}-other"
    phone = "13811110002"
    sign_up(chat, owner, phone, name="孙尚香")

    known = chat.text(other, f"删除我的信息 {phone}")
    unknown = chat.text(other, "删除我的信息 13799990000")
    assert "已记录您的删除请求" in known and known == unknown  # nothing revealed
    assert "没有登记过信息" in chat.text(other, "/confirm_deletion")  # nothing asked, nothing here to delete
    assert store.find_by_phone(phone).name == "孙尚香"
    pending = [r for r in requests.open_requests() if r.sender_id == other]
    assert sorted(r.phone for r in pending) == sorted([phone, "13799990000"])

    # A repeat sign-up with someone else's number, then withdrawn: only the repeat goes.
    sign_up(chat, other, phone, name="冒名者")
    chat.text(other, "撤回同意")
    reply = chat.text(other, "/confirm_deletion")
    assert "已删除" in reply
    lead = store.find_by_phone(phone)
    assert lead.name == "孙尚香" and not lead.erased
    assert [s.sender_id for s in store.submissions(lead.id)] == [owner]
    assert "冒名者" not in leads_db_text(backend_stack) + tracker_text(backend_stack, other)


def test_a_recruiter_verifies_and_deletes_a_request(backend_stack: Settings, sender: str, stores: tuple) -> None:
    store, requests, audit = stores
    chat = Chat(backend_stack)
    phone = "13811110003"
    sign_up(chat, f"{sender}-owner", phone, name="周瑜")
    chat.text(f"{sender}-asker", f"请删除手机号{phone}登记的信息")
    lead = store.find_by_phone(phone)
    request_id = next(r.id for r in requests.open_requests() if r.phone == phone)

    portal = PortalClient(backend_stack)
    assert portal.login("recruiter1", PASSWORD).status_code == 303
    page = portal.get("/deletion-requests")
    assert page.status_code == 200 and "待处理删除请求" in page.text and phone in page.text
    assert f"/portal/leads/{lead.id}" in page.text
    assert portal.submit(f"/deletion-requests/{request_id}/erase", {}, page="/deletion-requests").status_code == 303
    assert store.get(lead.id).erased and store.get(lead.id).status == WITHDRAWN
    assert phone not in portal.get("/deletion-requests").text
    assert portal.submit(f"/deletion-requests/{request_id}/erase", {}, page="/deletion-requests").status_code == 404
    entry = next(e for e in audit.recent(20) if e.action == "deletion_request_done")
    assert entry.actor == "recruiter1" and entry.target == f"lead:{lead.id}" and phone not in (entry.detail or "")
    gone_everywhere(backend_stack, phone, "周瑜")

    # Rejecting a request that cannot be verified forgets the number as well.
    chat.text(f"{sender}-asker2", "删除我的信息 13799990001")
    other_id = next(r.id for r in requests.open_requests() if r.phone == "13799990001")
    assert portal.submit(f"/deletion-requests/{other_id}/reject", {}, page="/deletion-requests").status_code == 303
    gone_everywhere(backend_stack, "13799990001")


def test_an_admin_deletes_a_lead_from_the_portal(backend_stack: Settings, sender: str, stores: tuple) -> None:
    store, _, audit = stores
    chat = Chat(backend_stack)
    phone = "13811110004"
    sign_up(chat, sender, phone, name="黄忠")
    lead = store.find_by_phone(phone)

    recruiter = PortalClient(backend_stack)
    recruiter.login("recruiter1", PASSWORD)
    assert "删除这条线索的个人信息" not in recruiter.get(f"/leads/{lead.id}").text
    assert recruiter.get(f"/leads/{lead.id}/erase").status_code == 403
    assert recruiter.submit(f"/leads/{lead.id}/erase", {}).status_code == 403
    assert not store.get(lead.id).erased

    admin = PortalClient(backend_stack)
    admin.login("admin1", PASSWORD)
    confirm = admin.get(f"/leads/{lead.id}/erase")
    assert confirm.status_code == 200 and "确认删除" in confirm.text and "无法恢复" in confirm.text
    assert not store.get(lead.id).erased  # the confirmation page changes nothing
    assert admin.submit(f"/leads/{lead.id}/erase", {}).status_code == 303
    page = admin.get(f"/leads/{lead.id}")
    assert "个人信息已删除" in page.text and phone not in page.text and "黄忠" not in page.text
    assert admin.submit(f"/leads/{lead.id}/status", {"status": "contacted"}).status_code == 409
    entry = next(e for e in audit.recent(20) if e.action == "lead_erase")
    assert entry.actor == "admin1" and entry.target == f"lead:{lead.id}"
    exported = recruiter.submit("/leads/export", {}).content.decode("utf-8-sig")
    assert lead.reference in exported and "已撤回" in exported and phone not in exported and "黄忠" not in exported
    gone_everywhere(backend_stack, phone, "黄忠")
