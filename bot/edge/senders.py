"""Conversation ids ("sender" in Rasa's REST channel): what our endpoints accept.

The widget makes its ids itself (``w-`` and 24 hex digits); other clients may use any
id of this shape. The chat channel and the feedback endpoint check the same pattern.
"""

from __future__ import annotations

import re
from typing import Any

from bot.errors import RequestRejected

SENDER_PATTERN = re.compile(r"^[A-Za-z0-9_\-:.@]{1,128}$")
SENDER_RULE = "1–128个字母、数字或 _-:.@"


def is_valid_sender(value: Any) -> bool:
    return isinstance(value, str) and SENDER_PATTERN.match(value) is not None


def check_sender(sender: Any, field: str = "sender") -> str:
    """``sender`` when it is a valid conversation id; ``field`` names it in the error."""
    if not is_valid_sender(sender):
        raise RequestRejected(400, "bad_sender", f"缺少或无效的 {field}（{SENDER_RULE}）。")
    return sender
