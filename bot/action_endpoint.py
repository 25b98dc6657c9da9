"""The rasa-sdk action webhook as a Sanic blueprint of the bot service.

It does what ``rasa_sdk.endpoint.create_app`` does, inside our own app, with these
differences: errors are mapped to status codes without echoing the request (which holds
the whole conversation, i.e. personal data) and without logging it; and each call is
marked as inside a form or not, so that form answers never reach the review queue.
"""

from __future__ import annotations

import json
import logging
import zlib
from typing import Any, Dict

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_sdk import utils as sdk_utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

from bot.review.recorder import form_turn

logger = logging.getLogger(__name__)


def _action_call(request: Request) -> Dict[str, Any]:
    body = request.body
    if request.headers.get("Content-Encoding") == "deflate":
        body = zlib.decompress(body)
    payload = json.loads(body)
    if not isinstance(payload, dict) or not isinstance(payload.get("next_action"), str):
        raise ValueError("not an action call")
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
        except (ValueError, zlib.error):
            return response.json({"error": "invalid action call: expected a JSON object with next_action"}, status=400)
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
