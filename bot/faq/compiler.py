"""Compiles validated FAQ entries into Rasa training data.

Each entry becomes the retrieval intent ``faq/<id>`` (its phrasings) and the response
``utter_faq/<id>`` (its answer and follow-up buttons). The output is one generated file
that says at its top that it is generated; it is rebuilt, never edited.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Dict, List, Sequence

import yaml

from bot.faq.entry import FaqEntry

GENERATED_HEADER = (
    "# GENERATED FILE - DO NOT EDIT BY HAND.\n"
    "# Built by `enlist faq build` from faq/*.yml; edit those files and rebuild instead.\n"
)
FAQ_INTENT = "faq"
FAQ_ID_ENTITY = "faq_id"


def button_payload(entry_id: str) -> str:
    """The payload a button sends to open FAQ entry ``entry_id`` directly."""
    return "/" + FAQ_INTENT + json.dumps({FAQ_ID_ENTITY: entry_id}, separators=(",", ":"))


def follow_up_buttons(entry: FaqEntry, by_id: Dict[str, FaqEntry]) -> List[Dict[str, str]]:
    """Buttons for an entry's follow-up questions (targets are validated to exist)."""
    return [
        {"title": by_id[target].title, "payload": button_payload(target)} for target in entry.buttons if target in by_id
    ]


def render_training_data(entries: Sequence[FaqEntry]) -> str:
    """The text of the generated Rasa data file for ``entries``."""
    by_id = {entry.id: entry for entry in entries}
    lines = [GENERATED_HEADER, f"# Content hash: {content_hash(entries)}", 'version: "3.1"', "", "nlu:"]
    for entry in entries:
        lines.append(f"- intent: {entry.intent}")
        lines.append("  examples: |")
        for question in entry.questions:
            lines.append(f"    - {' '.join(question.split())}")
    responses = {}
    for entry in entries:
        response: Dict[str, object] = {"text": entry.answer}
        buttons = follow_up_buttons(entry, by_id)
        if buttons:
            response["buttons"] = buttons
        responses[entry.response_name] = [response]
    lines.append("")
    lines.append(yaml.safe_dump({"responses": responses}, allow_unicode=True, sort_keys=False, width=1000))
    return "\n".join(lines)


def content_hash(entries: Sequence[FaqEntry]) -> str:
    """A hash of everything the training data depends on (ids, phrasings, answers, buttons)."""
    digest = hashlib.sha256()
    for entry in entries:
        digest.update(
            json.dumps(
                [entry.id, entry.title, entry.questions, entry.answer, entry.buttons], ensure_ascii=False
            ).encode()
        )
    return digest.hexdigest()[:16]


def write_training_data(entries: Sequence[FaqEntry], output: Path) -> bool:
    """Write the generated file; returns False when it was already up to date."""
    text = render_training_data(entries)
    if output.exists() and output.read_text(encoding="utf-8") == text:
        return False
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(output.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)
    return True
