"""Reading a JSON object from a request body, with a clear 4xx for anything else."""

from __future__ import annotations

import json
from typing import Any, Dict

from bot.errors import RequestRejected


def json_object(body: bytes, shape: str) -> Dict[str, Any]:
    """The JSON object in ``body``; ``shape`` (e.g. ``{"sender": ..., "message": ...}``)
    is named in the error message when the body is empty or not an object."""
    if not body or not body.strip():
        raise RequestRejected(400, "empty_body", f"请求体为空：需要JSON对象 {shape}。")
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise RequestRejected(400, "malformed_json", "请求体不是合法的JSON。") from None
    except RecursionError:  # e.g. '{"a":' * 5000 — the parser gives up, it must not be a 500
        raise RequestRejected(400, "nested_json", "请求体的JSON嵌套层数过多。") from None
    if not isinstance(payload, dict):
        raise RequestRejected(400, "not_an_object", f"请求体必须是JSON对象 {shape}。")
    return payload
