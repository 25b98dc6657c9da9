"""`enlist faq build`: FAQ entries become Rasa retrieval intents and responses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

from bot.faq.compiler import GENERATED_HEADER, button_payload, render_training_data, write_training_data
from bot.faq.entry import FaqEntry
from bot.faq.validator import validate_dir


def make_entry(entry_id: str, title: str, buttons=()) -> FaqEntry:
    return FaqEntry(
        id=entry_id,
        title=title,
        questions=(f"{title}是什么", f"{title}怎么办理  啊"),
        answer=f"**{title}**：说明。\n- 要点",
        sources=("来源",),
        policy_year=2023,
        reviewed=dt.date(2026, 11, 1),
        buttons=tuple(buttons),
    )


def test_generated_file_says_it_is_generated_and_rasa_reads_it(tmp_path: Path) -> None:
    entries = [
        make_entry("tuition_compensation", "学费补偿", ["postgrad_bonus"]),
        make_entry("postgrad_bonus", "考研加分"),
    ]
    output = tmp_path / "faq.generated.yml"
    assert write_training_data(entries, output) is True
    text = output.read_text(encoding="utf-8")
    assert text.startswith(GENERATED_HEADER) and "DO NOT EDIT BY HAND" in text

    data = load_data(str(output))
    assert {m.get("intent_response_key") for m in data.intent_examples} == {
        "faq/tuition_compensation",
        "faq/postgrad_bonus",
    }
    assert {m.get("text") for m in data.intent_examples} >= {"学费补偿是什么", "学费补偿怎么办理 啊"}
    response = data.responses["utter_faq/tuition_compensation"][0]
    assert response["text"].startswith("**学费补偿**")
    assert response["buttons"] == [{"title": "考研加分", "payload": '/faq{"faq_id":"postgrad_bonus"}'}]


def test_rebuild_without_changes_does_not_rewrite(tmp_path: Path) -> None:
    entries = [make_entry("tuition_compensation", "学费补偿")]
    output = tmp_path / "out.yml"
    write_training_data(entries, output)
    assert write_training_data(entries, output) is False
    assert write_training_data([make_entry("tuition_compensation", "学费补偿2")], output) is True


def test_button_payload_is_a_rasa_intent_payload() -> None:
    payload = button_payload("age_limits")
    assert payload.startswith("/faq{") and json.loads(payload[len("/faq") :]) == {"faq_id": "age_limits"}


def test_real_faq_compiles_to_one_intent_per_entry(project_home: Path, tmp_path: Path) -> None:
    entries = validate_dir(project_home / "faq").entries
    output = tmp_path / "faq.yml"
    output.write_text(render_training_data(entries), encoding="utf-8")
    data = load_data(str(output))
    assert len({m.get("intent_response_key") for m in data.intent_examples}) == len(entries)
    assert len(data.responses) == len(entries)
