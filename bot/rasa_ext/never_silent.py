"""Never leave a student without an answer: a turn that produced no bot message ends
with a short apology and the contact block.

When an action call fails (the bot service is down, answers 4xx/5xx, refuses a request
as too large, times out), Rasa 3.6 logs the error in ``MessageProcessor._run_action``,
drops the action's events and goes on to ``action_listen``: the student gets ``[]``.

Why a processor patch and not a check in the REST channel: the patch works for every
input channel (REST and socket.io alike), the apology is stored in the tracker like any
bot message (the transcript shows what the student read), and it checks the invariant
itself - "no bot message since the user message" - so it covers failures nobody listed,
not just the exceptions we know about. It wraps ``MessageProcessor._run_prediction_loop``
(the loop over the actions of one user message); :func:`install` refuses to patch a Rasa
without it, so an upgrade fails loudly at start-up instead of silently losing the guard.
A restart (``/restart``, sent by the widget's "新对话") and a conversation a recruiter holds
(paused, live hand-off) are silent on purpose and left alone.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Iterable, Optional

from bot.config import Settings
from bot.conversation.contact import contact_block
from bot.rasa_ext.patch import replace_method

logger = logging.getLogger(__name__)

APOLOGY = "抱歉，系统暂时出了点问题，没能回答您刚才的消息。请稍后再试，或直接联系我们：\n\n{contact}"

_original: Optional[Callable[..., Awaitable[None]]] = None


def apology(settings: Settings) -> str:
    return APOLOGY.format(contact=contact_block(settings))


def is_silent_turn(events: Iterable[Any]) -> bool:
    """True when the latest user message got no bot message (and was no restart)."""
    from rasa.shared.core.events import BotUttered, Restarted, UserUttered

    for event in reversed(list(events)):
        if isinstance(event, (BotUttered, Restarted)):
            return False
        if isinstance(event, UserUttered):
            return True
    return False


async def _run_prediction_loop(self: Any, output_channel: Any, tracker: Any) -> None:
    """Rasa's loop, then the apology if it said nothing (also when it raised)."""
    assert _original is not None
    try:
        await _original(self, output_channel, tracker)
    finally:
        try:
            # A paused conversation (a recruiter holds it, bot/channels/handoff.py) is silent on purpose.
            if is_silent_turn(tracker.events) and not tracker.is_paused():
                await _apologize(output_channel, tracker)
        except Exception as exc:  # noqa: BLE001 - the guard must never add a failure of its own
            logger.error("apology for a silent turn not sent (%s)", type(exc).__name__)


async def _apologize(output_channel: Any, tracker: Any) -> None:
    from rasa.shared.core.events import BotUttered

    event = BotUttered(text=apology(Settings.from_env()))
    tracker.update(event)
    await output_channel.send_response(tracker.sender_id, event.message())
    logger.warning("a user message got no bot message (failed action?): apology sent")


def install() -> None:
    """Wrap the processor's prediction loop once per process (idempotent)."""
    global _original
    from rasa.core.processor import MessageProcessor

    original = replace_method(
        MessageProcessor, "_run_prediction_loop", _run_prediction_loop, "bot/rasa_ext/never_silent.py"
    )
    if original is not None:
        _original = original
