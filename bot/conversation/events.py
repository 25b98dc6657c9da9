"""Reading a conversation's events: what the student just said, what the bot replied the
turn before, where a form started.

Events are Rasa's event dicts (``{"event": "user", "text": ..., "parse_data": ...}``), as an
action receives them in ``tracker.events``; every function here is pure and takes that list.

``tracker.latest_message["text"]`` is the NLU's normalised text (lower-cased, 繁→简,
corrected, possibly cut to the question part); forms that store or parse what was typed
read the user event's ``text`` instead, and use the normalised text only for matching.
A message that named a button the bot offered ("确认提交", "2") reads as the button's
payload, as if it had been tapped (bot/conversation/typed_buttons.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Collection, List, Mapping, Optional, Sequence

from bot.conversation.metadata import MISS_MARK, bot_message_meta
from bot.conversation.typed_buttons import meant_text
from bot.lang.extract import speaks_about_self

Events = Sequence[Mapping[str, Any]]


def fresh_user_text(events: Events, form_name: str) -> Optional[str]:
    """The user message this validation run should read, as meant; None when the form is
    resumed after another action (e.g. an FAQ answer) and there is no new message for it."""
    skipped_marker = False
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            return meant_text(event)
        if kind == "action":
            if not skipped_marker and event.get("name") == form_name:
                skipped_marker = True  # the marker Rasa adds before calling the validation
                continue
            return None
    return None


def typed_text(events: Events) -> str:
    """The latest user message as meant: as typed, or the button it named ("" before the first one)."""
    return next((meant_text(event) for event in reversed(events) if event.get("event") == "user"), "")


def user_just_spoke(events: Events, form_actions: Collection[str]) -> bool:
    """True when the form runs right after a user message (not after e.g. an FAQ answer).

    Rasa appends the form's own ActionExecuted before calling the validation action, so the
    latest action is the form (or its validation, ``form_actions``); the action before them
    tells: ``action_listen`` means the student spoke.
    """
    for event in reversed(events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in form_actions:
            return event.get("name") == "action_listen"
    return False


def is_activation(events: Events, form_name: str) -> bool:
    """True when the form was activated by the latest user message (not a later turn)."""
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            return False
        if kind == "active_loop" and event.get("name") == form_name:
            return True
    return False


def texts_before_form(events: Events, form_name: str) -> List[str]:
    """What the student typed before ``form_name`` first started (oldest first; no buttons)."""
    texts: List[str] = []
    for event in events:
        if event.get("event") == "active_loop" and event.get("name") == form_name:
            break
        text = meant_text(event) if event.get("event") == "user" else ""
        if text and not text.startswith("/"):
            texts.append(text)
    return texts


def earlier_self_descriptions(events: Events) -> List[str]:
    """Earlier user messages in which the student describes themselves, newest first."""
    texts = [meant_text(e) for e in events if e.get("event") == "user"]
    return [t for t in reversed(texts[:-1]) if t and not t.startswith("/") and speaks_about_self(t)]


def slot_set_at(events: Events, slot: str, value: Any) -> Optional[dt.datetime]:
    """When ``slot`` was last set to ``value`` (naive UTC, from the event's timestamp); None
    when no such event has a timestamp."""
    for event in reversed(events):
        if event.get("event") == "slot" and event.get("name") == slot and event.get("value") == value:
            if event.get("timestamp"):
                return dt.datetime.fromtimestamp(float(event["timestamp"]), dt.timezone.utc).replace(tzinfo=None)
    return None


def question_before(events: Events, request_intent: str = "request_human") -> Optional[str]:
    """The student's last typed message before the current one (not a button, not another
    ``request_intent`` message): the question a request for a person was about."""
    seen_current = False
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        if not seen_current:
            seen_current = True
            continue
        text = (event.get("text") or "").strip()
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if text and not text.startswith("/") and intent != request_intent:
            return text
    return None


@dataclass(frozen=True)
class PreviousTurn:
    """The turn before the current user message: its user event (None in the first turn),
    whether any reply to it was marked as a miss, and the FAQ entry answered, if any."""

    user: Optional[Mapping[str, Any]]
    missed: bool
    faq_id: Optional[str]


def previous_turn(events: Events) -> PreviousTurn:
    """The turn before the current user message (see :class:`PreviousTurn`)."""
    seen_current = False
    bot_events: List[Mapping[str, Any]] = []
    user: Optional[Mapping[str, Any]] = None
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            if not seen_current:
                seen_current = True
                continue
            user = event
            break
        if kind == "bot" and seen_current:
            bot_events.append(event)
    metas = [bot_message_meta(event) for event in bot_events]
    faq_id = next((meta.get("faq_id") for meta in metas if meta.get("faq_id")), None)
    return PreviousTurn(user=user, missed=any(meta.get(MISS_MARK) for meta in metas), faq_id=faq_id)
