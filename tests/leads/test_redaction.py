"""What erasing a lead removes from a stored conversation (bot/leads/redaction.py): the
sign-up's turns, and the facts the personal checks collected, which the lead page shows."""

from __future__ import annotations

from bot.leads.redaction import REDACTED, redacted_event


def test_the_checks_answers_and_facts_are_redacted_like_the_sign_up() -> None:
    for slot, value in (
        ("height_cm", 180.0),
        ("weight_kg", 75.0),
        ("vision", [4.8]),
        ("birth_year", 2003),
        ("gender", "男"),
        ("tuition_per_year", 6000.0),
        ("lead_phone", "13800000000"),
    ):
        redacted = redacted_event("slot", {"event": "slot", "name": slot, "value": value}, in_form=False)
        assert redacted is not None and redacted["value"] is None, slot
    answer = {
        "event": "user",
        "text": "180，75公斤",
        "parse_data": {"intent": {"name": "inform"}, "text": "180，75公斤"},
    }
    redacted = redacted_event("user", answer, in_form=True)
    assert redacted is not None and redacted["text"] == REDACTED and "75" not in str(redacted)
    assert redacted["parse_data"]["intent"] == {"name": "inform"}  # the conversation still loads


def test_what_is_not_personal_stays() -> None:
    assert (
        redacted_event("slot", {"event": "slot", "name": "requested_slot", "value": "height_cm"}, in_form=True) is None
    )
    assert redacted_event("slot", {"event": "slot", "name": "height_cm", "value": None}, in_form=False) is None
    question = {"event": "user", "text": "当兵学费补偿能补多少", "parse_data": {}}
    assert redacted_event("user", question, in_form=False) is None
