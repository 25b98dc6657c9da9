"""Bound what Rasa posts to the action server, however long a conversation grows.

Rasa 3.6 posts the whole tracker of the current session (every event since the session
started) with each action call, and the bot service refuses bodies over 2 MB
(bot/server.py). Some 48 long messages within one session (expiry: domain
``session_config``, 60 minutes) used to exceed that, and every later action call failed.
Rasa has no cap of its own, so ``RemoteAction._action_call_format`` is wrapped: the oldest
events are left out until the call fits :data:`MAX_ACTION_CALL_BYTES`. Slots, the active
form and the latest message are sent in full (Rasa computes them from the whole
tracker); actions only lose the oldest turns when they look back through events.

The domain goes without the ``utter_faq/<id>`` responses: the answering action renders FAQ
answers from the live ``faq/`` files, so the 60 answer texts were sent with every call for
nothing (:func:`lighter_domain`; the figure is in docs/benchmarks.md).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from bot.rasa_ext.patch import replace_method

#: Half the bot service's request limit: room for the domain and a long reply.
MAX_ACTION_CALL_BYTES = 1024 * 1024

_original: Optional[Any] = None


def _size(value: Any) -> int:
    return len(json.dumps(value))  # ASCII-escaped, as aiohttp sends it


def trim_events(call: Dict[str, Any], limit: int = MAX_ACTION_CALL_BYTES) -> Dict[str, Any]:
    """``call`` with its tracker's oldest events dropped until it fits ``limit`` bytes
    (the latest event is always kept). A call that fits is returned after one measurement:
    sizing each event of a 60-turn session took 2.7 ms per action call, one dump of it 1.2 ms."""
    if _size(call) <= limit:
        return call
    tracker = call.get("tracker") or {}
    events: List[Any] = tracker.get("events") or []
    budget = limit - _size({**call, "tracker": {**tracker, "events": []}})
    kept: List[Any] = []
    for event in reversed(events):
        budget -= _size(event) + 2
        if budget < 0 and kept:
            break
        kept.append(event)
    if len(kept) < len(events):
        call = {**call, "tracker": {**tracker, "events": kept[::-1]}}
    return call


#: Responses the actions never read (FAQ answers come from faq/, see bot/faq/render.py).
UNUSED_RESPONSE_PREFIX = "utter_faq/"


def lighter_domain(call: Dict[str, Any]) -> Dict[str, Any]:
    """``call`` without the domain's FAQ answer texts."""
    domain = call.get("domain")
    if not isinstance(domain, dict) or not isinstance(domain.get("responses"), dict):
        return call
    responses = {
        name: value for name, value in domain["responses"].items() if not name.startswith(UNUSED_RESPONSE_PREFIX)
    }
    return {**call, "domain": {**domain, "responses": responses}}


def _action_call_format(self: Any, tracker: Any, domain: Any) -> Dict[str, Any]:
    assert _original is not None
    return trim_events(lighter_domain(_original(self, tracker, domain)))


def install() -> None:
    """Wrap ``RemoteAction._action_call_format`` once per process (idempotent)."""
    global _original
    from rasa.core.actions.action import RemoteAction

    original = replace_method(RemoteAction, "_action_call_format", _action_call_format, "bot/rasa_ext/action_call.py")
    if original is not None:
        _original = original
