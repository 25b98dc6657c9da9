"""Only Rasa may call the actions and fetch the model: a shared secret on the internal routes.

Anyone who reaches the bot service could otherwise post ``/webhook`` as Rasa does and store
a lead that never consented, or learn that a phone signed up (issue 13 item 1). Rasa sends
the ``headers`` of ``action_endpoint`` and ``models`` in endpoints.yml on every request
(bot/runner.py writes them from ``ENLIST_ACTION_SECRET``), so the bot service refuses these
routes without that header (401) and accepts only JSON bodies (415): a foreign web page
cannot send a custom header or ``application/json`` without a CORS preflight, which fails.
"""

from __future__ import annotations

import hmac
from typing import Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

SECRET_HEADER = "X-Enlist-Action-Secret"
#: Routes only the Rasa server calls; never routed from the public address (bot/service/deploy.py).
INTERNAL_PATHS = ("/webhook", "/actions", "/models")


def is_internal(path: str) -> bool:
    """True for the action and model routes (with or without a trailing slash)."""
    path = "/" + path.strip("/")
    return any(path == prefix or path.startswith(prefix + "/") for prefix in INTERNAL_PATHS)


def secret_matches(given: Optional[str], secret: str) -> bool:
    """Constant-time comparison; an unset secret matches nothing."""
    return bool(secret) and given is not None and hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))


def _refusal(request: Request, secret: str) -> Optional[HTTPResponse]:
    if not secret_matches(request.headers.get(SECRET_HEADER), secret):
        return response.json(
            {"error": "unauthorized", "message": "此接口仅供对话引擎（Rasa）调用：缺少或错误的动作密钥。"}, status=401
        )
    content_type = (request.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if request.method == "POST" and content_type != "application/json":
        return response.json(
            {"error": "not_json", "message": "请求体必须是JSON（Content-Type: application/json）。"}, status=415
        )
    return None


def install_action_guard(app: Sanic, secret: str) -> None:
    """Refuse internal routes (see :data:`INTERNAL_PATHS`) without ``secret`` in the header."""

    @app.on_request
    async def guard(request: Request) -> Optional[HTTPResponse]:
        route = getattr(request, "route", None)
        if is_internal(request.path) or (route is not None and is_internal(route.path)):
            return _refusal(request, secret)
        return None
