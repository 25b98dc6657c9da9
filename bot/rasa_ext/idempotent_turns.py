"""A retried message is processed once: the client names each message, a retry gets the
replies the first attempt produced.

The widget gives up on a request after 20 s and offers "重试"; when the first attempt did
reach the server (a slow database, a lost reply on a phone network), processing the retry
again would answer twice, fill a form step twice or submit a lead twice. So a client may send
``metadata.client_message_id`` (the widget does, and keeps the id across retries). Before a
message is processed, the conversation is searched for a user message with the same id; when
one is there, its bot replies are sent again and nothing else happens.

Why a processor patch: it runs inside Rasa's per-conversation lock (``Agent.handle_message``),
so a retry that arrives while the first attempt is still running waits for it and then finds
its replies - across workers and replicas too, because the lock and the tracker store are
shared. It works for every input channel. :func:`install` refuses a Rasa without the method.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional

from bot.rasa_ext.patch import replace_method

logger = logging.getLogger(__name__)

CLIENT_MESSAGE_ID_KEY = "client_message_id"
CLIENT_MESSAGE_ID_RULE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")

#: What a channel needs to show a stored bot message again (Rasa's ``send_response`` keys).
_REPLAYED_KEYS = ("text", "buttons", "quick_replies", "image", "attachment", "elements", "custom")

_original: Optional[Callable[..., Awaitable[Any]]] = None


def client_message_id(metadata: Any) -> Optional[str]:
    """The client's id of this message, when it sent a well-formed one."""
    if not isinstance(metadata, dict):
        return None
    value = metadata.get(CLIENT_MESSAGE_ID_KEY)
    return value if isinstance(value, str) and CLIENT_MESSAGE_ID_RULE.match(value) else None


def earlier_replies(events: Iterable[Any], message_id: str) -> Optional[List[Dict[str, Any]]]:
    """The bot messages that answered the user message ``message_id``; None when the
    conversation has no such message (this is its first attempt)."""
    from rasa.shared.core.events import BotUttered, UserUttered

    replies: Optional[List[Dict[str, Any]]] = None
    for event in events:
        if isinstance(event, UserUttered):
            if replies is not None:
                break  # the next user message: the earlier answer is complete
            if client_message_id(event.metadata) == message_id:
                replies = []
        elif replies is not None and isinstance(event, BotUttered):
            message = event.message()
            replies.append({key: message[key] for key in _REPLAYED_KEYS if message.get(key)})
    return replies


async def _handle_message(self: Any, message: Any) -> Optional[List[Dict[str, Any]]]:
    """Rasa's ``handle_message``, unless this message was processed before."""
    from rasa.core.channels.channel import CollectingOutputChannel

    assert _original is not None
    message_id = client_message_id(message.metadata)
    if message_id is not None:
        tracker = await self.tracker_store.retrieve(message.sender_id)
        replies = earlier_replies(tracker.events, message_id) if tracker is not None else None
        if replies is not None:
            logger.info("a retried message was answered from the conversation (%d replies)", len(replies))
            for reply in replies:
                await message.output_channel.send_response(message.sender_id, reply)
            if isinstance(message.output_channel, CollectingOutputChannel):
                return message.output_channel.messages
            return None
    return await _original(self, message)


def install() -> None:
    """Wrap the processor's ``handle_message`` once per process (idempotent)."""
    global _original
    from rasa.core.processor import MessageProcessor

    original = replace_method(MessageProcessor, "handle_message", _handle_message, "bot/rasa_ext/idempotent_turns.py")
    if original is not None:
        _original = original
