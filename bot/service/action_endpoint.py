"""The rasa-sdk action webhook as a Sanic blueprint of the bot service.

It does what ``rasa_sdk.endpoint.create_app`` does, inside our own app, with these
differences: errors are mapped to status codes without echoing the request (which holds
the whole conversation, i.e. personal data) and without logging it; each call is marked
as inside a form or not, so that form answers never reach the review queue. Only Rasa may
call it: bot/edge/action_guard.py checks the shared secret and the content type first.
"""

from __future__ import annotations

import logging
import zlib
from typing import Any, Dict

from rasa_sdk import utils as sdk_utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.edge.json_body import json_object
from bot.errors import RequestRejected
from bot.review.recorder import form_turn

logger = logging.getLogger(__name__)


def _action_call(request: Request) -> Dict[str, Any]:
    """The action call in the body; :class:`RequestRejected` (Chinese 400) for anything else,
    including JSON nested too deep for the parser (RecursionError, formerly a 500)."""
    body = request.body
    if request.headers.get("Content-Encoding") == "deflate":
        try:
            body = zlib.decompress(body)
        except zlib.error:
            raise RequestRejected(400, "bad_encoding", "请求体无法解压（Content-Encoding: deflate）。") from None
    payload = json_object(body, '{"next_action": ..., "tracker": ..., "domain": ...}')
    if not isinstance(payload.get("next_action"), str):
        raise RequestRejected(400, "not_an_action_call", "请求体缺少 next_action（动作名称）。")
    return payload


def create_action_blueprint(package: str = "actions") -> Blueprint:
    """Blueprint with ``POST /webhook`` and ``GET /actions`` for the actions in ``package``."""
    blueprint = Blueprint("actions")
    executor = ActionExecutor()
    executor.register_package(package)

    @blueprint.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        try:
            action_call = _action_call(request)
        except RequestRejected as rejected:
            return response.json({"error": rejected.code, "message": rejected.message}, status=rejected.status)
        sdk_utils.check_version_compatibility(action_call.get("version"))
        name = action_call["next_action"]
        try:
            with form_turn(action_call.get("tracker") or {}):
                result = await executor.run(action_call)
        except ActionExecutionRejection as exc:
            return response.json({"error": exc.message, "action_name": exc.action_name}, status=400)
        except ActionNotFoundException as exc:
            logger.error("unknown action requested: %s", exc.action_name)
            return response.json({"error": exc.message, "action_name": exc.action_name}, status=404)
        except Exception:  # noqa: BLE001 - one failing action must not take the service down
            logger.exception("action %s failed", name)
            return response.json({"error": "action failed", "action_name": name}, status=500)
        return response.json(result, status=200)

    @blueprint.get("/actions")
    async def actions(_: Request) -> HTTPResponse:
        return response.json([{"name": name} for name in executor.actions])

    return blueprint
