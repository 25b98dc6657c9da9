"""Which web pages may call the chat from a browser (CORS), for Rasa and the bot service.

One policy for both servers: the origins in ``ENLIST_ALLOWED_ORIGINS`` plus the bot
service's own origin (the demo page). ``bot/runner.py`` hands the list to Rasa
(``--cors``); :class:`CorsPolicy` applies it to the bot service's own browser endpoints
(``POST /feedback``). ``*`` allows every origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple, TypeGuard

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import Settings

PREFLIGHT_MAX_AGE = 600
ORIGIN_NOT_ALLOWED = "该网页的来源不在允许列表（ENLIST_ALLOWED_ORIGINS）中。"


def cors_origins(settings: Settings) -> List[str]:
    """Origins allowed to call the chat from a browser: configured ones plus our own pages."""
    own = [settings.bot_url, f"http://localhost:{settings.bot_port}"]
    origins = list(settings.allowed_origins)
    return origins + [o for o in own if o not in origins]


@dataclass(frozen=True)
class CorsPolicy:
    origins: Tuple[str, ...]
    methods: Tuple[str, ...] = ("POST",)

    @classmethod
    def for_settings(cls, settings: Settings, methods: Sequence[str] = ("POST",)) -> "CorsPolicy":
        return cls(tuple(cors_origins(settings)), tuple(methods))

    def allowed(self, origin: Optional[str]) -> TypeGuard[str]:
        if not origin:
            return False
        return "*" in self.origins or origin.rstrip("/") in self.origins

    def headers(self, request: Request) -> Dict[str, str]:
        """Headers for an actual (non-preflight) response to ``request``."""
        origin = request.headers.get("Origin")
        if not self.allowed(origin):
            return {"Vary": "Origin"}
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}

    def preflight(self, request: Request) -> HTTPResponse:
        """The answer to an ``OPTIONS`` preflight: 204 when allowed, 403 otherwise."""
        if not self.allowed(request.headers.get("Origin")):
            return response.json(
                {"error": "origin_not_allowed", "message": ORIGIN_NOT_ALLOWED}, status=403, headers={"Vary": "Origin"}
            )
        headers = self.headers(request)
        headers.update(
            {
                "Access-Control-Allow-Methods": ", ".join(self.methods),
                "Access-Control-Allow-Headers": "Content-Type",
                "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE),
            }
        )
        return response.empty(status=204, headers=headers)
