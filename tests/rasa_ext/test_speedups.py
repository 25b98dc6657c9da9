"""The action-response validator keeps Rasa's contract: valid passes, invalid raises the same error."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_ext import speedups as rasa_speedups


@pytest.fixture()
def action() -> RemoteAction:
    rasa_speedups.install(0)
    assert RemoteAction._validate_action_result is rasa_speedups._validate_action_result
    return RemoteAction("action_answer_faq", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_valid_responses_pass(action: RemoteAction) -> None:
    assert action._validate_action_result(
        {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "好"}]}
    )
    assert action._validate_action_result({"events": [], "responses": []})


@pytest.mark.parametrize("bad", [{"events": "not a list"}, {"events": [{"no": "event key"}]}, {"responses": [1, 2]}])
def test_invalid_responses_raise_the_same_error(action: RemoteAction, bad: dict) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(bad)


def test_event_lookup_finds_what_rasa_finds() -> None:
    from rasa.shared.core.events import Event, SlotSet, UserUttered
    from rasa.shared.utils.common import all_subclasses

    rasa_speedups.install_event_lookup()
    assert Event.resolve_by_type is rasa_speedups._resolve_by_type
    names = {cls.type_name for cls in all_subclasses(Event)}
    for _ in range(2):  # the first lookups fill the memo, the second ones read it
        for name in names:
            assert Event.resolve_by_type(name) is rasa_speedups._rasa_resolve_by_type(name)
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.from_parameters({"event": "slot", "name": "school", "value": "吕梁学院"}) == SlotSet(
        "school", "吕梁学院"
    )
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
