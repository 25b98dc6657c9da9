"""A bot message as the conversation logic builds it, and the FAQ answer's message.

The actions send a :class:`Reply` with ``dispatcher.utter_message(**reply.utterance())``;
building it here keeps the choice of text, buttons and metadata testable without Rasa.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from bot.config import Settings
from bot.conversation.buttons import SIGN_UP_BUTTON, SIGN_UP_TOPICS, Button
from bot.conversation.contact import contact_block
from bot.faq.catalog import CatalogSnapshot
from bot.faq.compiler import button_payload
from bot.faq.entry import FaqEntry
from bot.faq.render import render_answer, topic_buttons
from bot.usage.feedback import message_metadata

ASKED_TOO = "\n\n**您还问了别的问题**，点下面的按钮查看。"


@dataclass(frozen=True)
class Reply:
    """One bot message: its text, buttons and ``json_message`` metadata (None: none sent)."""

    text: str
    buttons: List[Button] = field(default_factory=list)
    metadata: Optional[Dict[str, Any]] = None

    def utterance(self) -> Dict[str, Any]:
        """The keyword arguments of ``CollectingDispatcher.utter_message``."""
        sent: Dict[str, Any] = {"text": self.text, "buttons": self.buttons}
        if self.metadata is not None:
            sent["json_message"] = self.metadata
        return sent


def answer_reply(
    entry: FaqEntry,
    snapshot: CatalogSnapshot,
    settings: Settings,
    today: dt.date,
    asked_too: Sequence[str],
    in_form: bool,
) -> Reply:
    """The entry's answer with its buttons; the other questions of the same message
    (``asked_too``, entry ids) one tap away first; the sign-up button on sign-up topics
    outside a form."""
    rendered = render_answer(entry, snapshot, settings.policy_year, contact_block(settings), today)
    text, buttons = rendered.text, list(rendered.buttons)
    others = [i for i in asked_too if i != entry.id]
    if others:  # several questions in one message: this one answered, the others one tap away
        text += ASKED_TOO
        shown = {button_payload(i) for i in others}
        buttons = topic_buttons(snapshot, others) + [b for b in buttons if b["payload"] not in shown]
    if SIGN_UP_TOPICS.intersection(entry.tags) and not in_form:
        buttons.append(SIGN_UP_BUTTON)
    return Reply(text, buttons, message_metadata(entry.id))
