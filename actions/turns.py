"""Reading the latest user turn as the student typed it (shared by the forms).

``tracker.latest_message["text"]`` is the NLU's normalised text (lower-cased, 繁→简,
corrected, possibly cut to the question part); forms that store or parse what was typed
read the user event's ``text`` instead, and use the normalised text only for matching.
"""

from __future__ import annotations

from typing import Optional

from rasa_sdk import Tracker


def fresh_user_text(tracker: Tracker, form_name: str) -> Optional[str]:
    """The user message this validation run should read, as typed; None when the form is
    resumed after another action (e.g. an FAQ answer) and there is no new message for it."""
    skipped_marker = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return event.get("text") or ""
        if kind == "action":
            if not skipped_marker and event.get("name") == form_name:
                skipped_marker = True  # the marker Rasa adds before calling the validation
                continue
            return None
    return None


def typed_text(tracker: Tracker) -> str:
    """The latest user message as typed ("" before the first one)."""
    return next((str(event.get("text") or "") for event in reversed(tracker.events) if event.get("event") == "user"), "")
