"""Conversation ids ("sender" in Rasa's REST channel): what our endpoints accept.

The widget makes its ids itself (``w-`` and 24 hex digits); other clients may use any
id of this shape. The chat channel and the feedback endpoint check the same pattern.
"""

from __future__ import annotations

import re
from typing import Any

SENDER_PATTERN = re.compile(r"^[A-Za-z0-9_\-:.@]{1,128}$")
SENDER_RULE = "1–128个字母、数字或 _-:.@"


def is_valid_sender(value: Any) -> bool:
    return isinstance(value, str) and SENDER_PATTERN.match(value) is not None
