"""The metadata a bot message carries in its ``BotUttered`` event (``data.custom``), as the
actions write it (:func:`bot.usage.feedback.message_metadata`) and as the next turns read it.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping

from bot.usage.feedback import MESSAGE_META_KEY

#: Set on every reply that did not answer the student's message (see bot/conversation/misses.py).
MISS_MARK = "miss"


def miss_metadata(metadata: Dict[str, Any]) -> Dict[str, Any]:
    """``metadata`` (from :func:`bot.usage.feedback.message_metadata`) marked as a miss."""
    metadata[MESSAGE_META_KEY][MISS_MARK] = True
    return metadata


def bot_message_meta(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The ``enlist_message`` metadata of a bot event (empty when it has none or is malformed)."""
    data = event.get("data") or {}
    custom = data.get("custom") if isinstance(data, Mapping) else None
    meta = custom.get(MESSAGE_META_KEY) if isinstance(custom, Mapping) else None
    return meta if isinstance(meta, Mapping) else {}
