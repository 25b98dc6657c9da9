"""Reading the latest user turn as the student typed it (shared by the forms).

``tracker.latest_message["text"]`` is the NLU's normalised text (lower-cased, 繁→简,
corrected, possibly cut to the question part); forms that store or parse what was typed
read the user event's ``text`` instead, and use the normalised text only for matching.
A message that named a button the bot offered ("确认提交", "2") reads as the button's
payload, as if it had been tapped (bot/typed_buttons.py).
"""

from __future__ import annotations

from typing import Optional

from rasa_sdk import Tracker

from bot.typed_buttons import meant_text


def fresh_user_text(tracker: Tracker, form_name: str) -> Optional[str]:
    """The user message this validation run should read, as meant; None when the form is
    resumed after another action (e.g. an FAQ answer) and there is no new message for it."""
    skipped_marker = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return meant_text(event)
        if kind == "action":
            if not skipped_marker and event.get("name") == form_name:
                skipped_marker = True  # the marker Rasa adds before calling the validation
                continue
            return None
    return None


def typed_text(tracker: Tracker) -> str:
    """The latest user message as meant: as typed, or the button it named ("" before the first one)."""
    return next((meant_text(event) for event in reversed(tracker.events) if event.get("event") == "user"), "")
