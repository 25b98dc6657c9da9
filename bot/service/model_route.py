"""``GET /models/current``: the model Rasa should run, for Rasa's model-server pulling.

Rasa sends ``If-None-Match`` with the ETag of the model it has; the answer is 304 while
the record (bot/models/registry.py) names the same model, else the ``.tar.gz`` with its
name as ETag. 404 while no model is recorded (Rasa then keeps what it has). Only
localhost and the Rasa hosts should reach the bot service's /models path (docs/production.md,
nginx config); the model holds no personal data.
"""

from __future__ import annotations

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import Settings
from bot.models.registry import current_model


def create_model_blueprint(settings: Settings) -> Blueprint:
    blueprint = Blueprint("model_server")

    @blueprint.get("/models/current")
    async def serve_current(request: Request) -> HTTPResponse:
        model = current_model(settings)
        if model is None:
            return response.json({"error": "no_model", "message": "还没有可用的模型。"}, status=404)
        etag = model.name[: -len(".tar.gz")]
        if request.headers.get("If-None-Match", "").strip('"') == etag:
            return response.empty(status=304, headers={"ETag": etag})
        # Sanic 21.12 types a handler as returning HTTPResponse; it serves a ResponseStream as well.
        return await response.file_stream(  # type: ignore[return-value]
            model, headers={"ETag": etag, "filename": model.name}, mime_type="application/gzip"
        )

    return blueprint
