"""A typed button title or number is parsed as the button's payload, on every channel.

Why in the processor: ``MessageProcessor.parse_message`` is where Rasa 3.6 understands
a user message *with the conversation's tracker*, for every input channel (REST,
socket.io, WeChat) and every flow (forms, FAQ topics, greetings). When the latest bot
turn offered buttons and the message names one (bot/conversation/typed_buttons.py), the payload is
parsed instead - "/affirm" by Rasa's RegexMessageHandler, "本科" by the NLU - exactly as
if the button had been tapped.

The user event keeps what the student typed as its ``text``; its ``parse_data`` has the
payload's parse (``text`` = payload) and ``typed_button`` = {title, payload}, which
bot/conversation/events.py and the transcripts read. :func:`install` refuses a Rasa without
``parse_message``, so an upgrade fails loudly at start-up.
"""

from __future__ import annotations

import copy
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional

from bot.conversation.typed_buttons import Button, buttons_of, match
from bot.rasa_ext.patch import replace_method
from bot.storage.conversations import PARSE_KEY

logger = logging.getLogger(__name__)

_original: Optional[Callable[..., Awaitable[Dict[str, Any]]]] = None


def latest_menus(events: Any) -> List[List[Button]]:
    """The buttons of each bot message after the latest user message (latest first)."""
    from rasa.shared.core.events import BotUttered, Restarted, SessionStarted, UserUttered

    menus: List[List[Button]] = []
    for event in reversed(list(events or [])):
        if isinstance(event, (UserUttered, Restarted, SessionStarted)):
            break
        if isinstance(event, BotUttered):
            menus.append(buttons_of((event.data or {}).get("buttons")))
    return menus


async def _parse_message(
    self: Any, message: Any, tracker: Any = None, only_output_properties: bool = True
) -> Dict[str, Any]:
    """Rasa's parse, of the named button's payload when the message names one."""
    assert _original is not None
    chosen = None
    if tracker is not None:
        try:
            chosen = match(message.text, latest_menus(tracker.events))
        except Exception as exc:  # noqa: BLE001 - never worse than no matching
            logger.error("typed button matching failed (%s)", type(exc).__name__)
    if chosen is None or chosen.payload == message.text:
        return await _original(self, message, tracker, only_output_properties)
    as_tapped = copy.copy(message)
    as_tapped.text = chosen.payload
    parse_data = await _original(self, as_tapped, tracker, only_output_properties)
    parse_data[PARSE_KEY] = {"title": chosen.title, "payload": chosen.payload}
    return parse_data


def install() -> None:
    """Wrap the processor's parse once per process (idempotent)."""
    global _original
    from rasa.core.processor import MessageProcessor

    original = replace_method(MessageProcessor, "parse_message", _parse_message, "bot/rasa_ext/typed_button_parse.py")
    if original is not None:
        _original = original
