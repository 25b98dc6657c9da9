"""Three measured, behaviour-preserving speed-ups for the Rasa 3.6 server.

Installed once per process when Rasa imports our REST channel (bot/channels/rest.py),
before it forks workers. Profiled with py-spy under 8 concurrent students
(production profile, one worker): half of the Rasa worker's CPU went to
``RemoteAction._validate_action_result``.

1. **Action response validation.** Rasa checks every action server response against a
   constant JSON schema with ``jsonschema.validate(result, schema)``, and jsonschema's
   ``validate`` first re-validates the *schema itself* (``check_schema``) on every call.
   Here the schema is compiled into a validator once and each response is validated with
   it: the same response check and the same error, without re-checking the constant.
2. **NLU parse cache** for repeated messages: see bot/nlu/parse_cache.py.
3. **Event class lookup.** Loading a tracker turns each stored event back into an object, and
   ``Event.resolve_by_type`` finds the class by walking all Event subclasses (with
   ``inspect.isabstract`` on each) for every single event: 95% of rebuilding a 60-turn
   conversation (303 events: 32 ms, of which JSON parsing 1 ms). Here a found class is
   remembered by its type name; unknown names still go through Rasa's lookup (default, error).
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable, Dict, Optional, Text

from bot.nlu import parse_cache

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _response_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    spec = RemoteAction.action_response_format_spec()
    validator_class = validator_for(spec)
    validator_class.check_schema(spec)  # once, instead of on every action call
    return validator_class(spec)


def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    """Same contract as ``RemoteAction._validate_action_result`` in Rasa 3.6."""
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _response_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error


_event_classes: Dict[Text, type] = {}
_rasa_resolve_by_type: Optional[Callable[..., Optional[type]]] = None


def _resolve_by_type(type_name: Text, default: Optional[type] = None) -> Optional[type]:
    """Same contract as ``Event.resolve_by_type`` in Rasa 3.6, remembered per type name."""
    found = _event_classes.get(type_name)
    if found is None:
        assert _rasa_resolve_by_type is not None
        found = _rasa_resolve_by_type(type_name, default)
        if found is not None and getattr(found, "type_name", None) == type_name:
            _event_classes[type_name] = found
    return found


def install_event_lookup() -> None:
    """Speed-up 3 only (the tracker store installs it too; idempotent)."""
    global _rasa_resolve_by_type
    from rasa.shared.core.events import Event

    if Event.resolve_by_type is not _resolve_by_type:
        _rasa_resolve_by_type = Event.resolve_by_type
        Event.resolve_by_type = staticmethod(_resolve_by_type)


def install(parse_cache_size: Optional[int]) -> None:
    """Apply the three speed-ups to this process (idempotent)."""
    from rasa.core.actions.action import RemoteAction

    if RemoteAction._validate_action_result is not _validate_action_result:
        RemoteAction._validate_action_result = _validate_action_result
    parse_cache.install(parse_cache_size)
    install_event_lookup()
