"""Redacting a conversation's personal turns in Rasa's SQL tracker store (``events``).

Rows are rewritten in place, never deleted: Rasa's SQLTrackerStore saves a turn by
appending the events beyond the number already stored, so deleting rows of a live
conversation would make it write the old events (phone included) back. Redacted:
- every user and bot message while the lead form or one of the personal checks
  (eligibility, benefit) was active: answers, summaries, results,
- any other user message with a mobile number in it (said before the form, or typed to
  ask for deletion),
- the values of the lead form's slots and of the facts the checks collected (gender, birth
  year, height, weight, vision, tuition …): the lead page shows them, so they are the
  lead's personal data too.
The event types and intents stay, so the conversation still loads and continues.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Iterable, Optional

from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

from bot.lang.extract import FACT_SLOTS
from bot.leads.fields import find_phone
from bot.storage.database import create_db_engine

REDACTED = "［已删除］"
#: Forms whose turns are personal: the sign-up and the two personal checks.
PERSONAL_FORMS = frozenset({"lead_form", "eligibility_form", "benefit_form"})
#: Slots whose values are personal data: the lead form's, and the student's facts.
PERSONAL_SLOTS = frozenset(
    {
        "lead_name",
        "lead_phone",
        "school",
        "hukou_place",
        "enlist_place",
        "main_concern",
        "lead_retries",
        "lead_prefilled",
        *FACT_SLOTS,
        "result_details",
    }
)


def redact_conversations(tracker_store_url: str, sender_ids: Iterable[str]) -> int:
    """Redact the personal turns of these conversations; returns the number of events changed."""
    senders = sorted(set(sender_ids))
    parsed = make_url(tracker_store_url)
    if not senders or (
        parsed.get_backend_name() == "sqlite" and not (parsed.database and Path(parsed.database).exists())
    ):
        return 0  # no conversation stored yet (and connecting would create an empty file)
    engine = create_db_engine(tracker_store_url)
    try:
        with engine.begin() as connection:
            if not connection.dialect.has_table(connection, "events"):
                return 0
            return sum(_redact_one(connection, sender) for sender in senders)
    finally:
        engine.dispose()


def _redact_one(connection: Connection, sender_id: str) -> int:
    rows = connection.execute(
        text("SELECT id, type_name, data FROM events WHERE sender_id = :sender ORDER BY id"), {"sender": sender_id}
    ).all()
    in_form = False
    changed = 0
    for row_id, type_name, data in rows:
        try:
            event = json.loads(data or "{}")
        except ValueError:
            continue
        if type_name == "active_loop":
            in_form = event.get("name") in PERSONAL_FORMS
        elif type_name in ("restart", "session_started"):
            in_form = False
        redacted = redacted_event(type_name, event, in_form)
        if redacted is not None:
            connection.execute(
                text("UPDATE events SET data = :data WHERE id = :id"),
                {"data": json.dumps(redacted, ensure_ascii=False), "id": row_id},
            )
            changed += 1
    return changed


def redacted_event(type_name: str, event: Dict[str, Any], in_form: bool) -> Optional[Dict[str, Any]]:
    """The event with its personal content replaced, or None when it holds none (or no more)."""
    message = str(event.get("text") or "")
    if type_name == "user" and message != REDACTED and (in_form or find_phone(message)):
        raw_parse = event.get("parse_data")
        parse = raw_parse if isinstance(raw_parse, dict) else {}
        kept = {key: parse[key] for key in ("intent", "intent_ranking") if key in parse}
        return {**event, "text": REDACTED, "parse_data": {**kept, "text": REDACTED, "entities": []}}
    if type_name == "bot" and in_form and message and message != REDACTED:
        raw_data = event.get("data")
        data = raw_data if isinstance(raw_data, dict) else {}
        custom = {"custom": data["custom"]} if isinstance(data.get("custom"), dict) else {}
        return {**event, "text": REDACTED, "data": custom}
    if type_name == "slot" and event.get("name") in PERSONAL_SLOTS and event.get("value") is not None:
        return {**event, "value": None}
    return None
