"""Two measured, behaviour-preserving speed-ups for the Rasa 3.6 server.

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
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Dict, Optional, Text

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


def install(parse_cache_size: Optional[int]) -> None:
    """Apply both speed-ups to this process (idempotent)."""
    from rasa.core.actions.action import RemoteAction

    if RemoteAction._validate_action_result is not _validate_action_result:
        RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
    parse_cache.install(parse_cache_size)
