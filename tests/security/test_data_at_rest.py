"""Issue 13 item 5 (part): the data files hold personal data, so only our user may read them."""

from __future__ import annotations

import stat

import pytest

from bot.config import Settings
from tests.conftest import Chat
from tests.test_leads_conversation import fill, start_form

pytestmark = pytest.mark.stack


def test_databases_are_0600_and_var_is_0700(chat: Chat, sender: str, stack: Settings) -> None:
    start_form(chat, sender)
    fill(chat, sender, phone="13566667777")
    assert "已记录" in chat.text(sender, "/affirm")
    assert stat.S_IMODE(stack.var_dir.stat().st_mode) == 0o700
    for name in ("enlist.db", "tracker.db"):
        path = stack.var_dir / name
        assert path.exists(), name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, (name, oct(path.stat().st_mode))
