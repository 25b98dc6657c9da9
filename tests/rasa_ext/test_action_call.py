"""What Rasa posts to the action server: the domain without the FAQ answer texts
(bot/rasa_ext/action_call.py), measured on the project's real domain and generated FAQ data."""

from __future__ import annotations

import json

import yaml

from bot.rasa_ext.action_call import UNUSED_RESPONSE_PREFIX, lighter_domain
from tests.conftest import PROJECT_HOME


def real_domain() -> dict:
    from rasa.shared.core.domain import Domain

    generated = yaml.safe_load((PROJECT_HOME / "data" / "nlu" / "faq.generated.yml").read_text(encoding="utf-8"))
    domain = Domain.load(str(PROJECT_HOME / "domain")).merge(Domain.from_dict({"responses": generated["responses"]}))
    return domain.as_dict()


def test_the_domain_sent_with_each_action_call_has_no_faq_answers_and_keeps_the_rest() -> None:
    domain = real_domain()
    call = {"next_action": "action_answer_faq", "tracker": {"events": []}, "domain": domain}
    lighter = lighter_domain(call)
    sent = lighter["domain"]
    assert not [name for name in sent["responses"] if name.startswith(UNUSED_RESPONSE_PREFIX)]
    assert (
        "utter_out_of_scope" in sent["responses"]
        and sent["forms"] == domain["forms"]
        and sent["slots"] == domain["slots"]
    )
    before, after = len(json.dumps(call)), len(json.dumps(lighter))
    print(f"action call domain: {before} -> {after} bytes")
    assert after < before / 4  # the 60 answer texts were most of it
    assert lighter_domain({"tracker": {}}) == {"tracker": {}}  # nothing to lighten: unchanged
