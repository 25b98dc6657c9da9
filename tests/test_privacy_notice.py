"""The consent notice names the handler with the configured contact details (or tells the
student to watch the office's announcements) and how to withdraw and delete (issue 19)."""

from __future__ import annotations

from bot.config import Settings
from bot.conversation.contact import NOT_CONFIGURED
from bot.leads.consent import DELETE_COMMAND, consent_text


def test_the_notice_names_the_handler_and_how_to_withdraw() -> None:
    notice = consent_text(Settings.from_env({}))
    assert "处理者" in notice and "离石区人民武装部" in notice and NOT_CONFIGURED in notice
    assert f"“{DELETE_COMMAND}”" in notice and "撤回同意" in notice and "联系区人武部" in notice
    assert len(notice) < 600  # read on a phone


def test_configured_contact_details_are_shown_and_nothing_invented() -> None:
    settings = Settings.from_env(
        {
            "ENLIST_CONTACT_NAME": "离石区人武部",
            "ENLIST_CONTACT_PHONE": "0358-0000000",
            "ENLIST_CONTACT_ADDRESS": "离石区某路1号",
        }
    )
    notice = consent_text(settings)
    assert "离石区人武部（电话：0358-0000000；地址：离石区某路1号）" in notice and NOT_CONFIGURED not in notice
    only_phone = consent_text(Settings.from_env({"ENLIST_CONTACT_PHONE": "0358-0000000"}))
    assert "（电话：0358-0000000）" in only_phone and "地址" not in only_phone.split("处理者", 1)[1].split("\n", 1)[0]
