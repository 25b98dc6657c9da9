"""The bot service: one Sanic app with the action webhook, health check, the chat widget
(demo page, widget.js, feedback; see bot/widget/) and (later) the recruiter portal.
``python -m bot.server`` runs it with the settings from the environment.
"""

from __future__ import annotations

import logging

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import runtime
from bot.action_endpoint import create_action_blueprint
from bot.config import Settings
from bot.logging_setup import configure_logging
from bot.widget import create_widget_blueprint

logger = logging.getLogger(__name__)

APP_NAME = "enlist_bot"


def create_app(settings: Settings) -> Sanic:
    """Build the bot service app for ``settings``.

    ``app.ctx`` carries ``settings``, and after start ``database``, ``leads`` (the
    LeadStore) and ``feedback`` (the FeedbackStore); blueprints (portal, widget) reach
    shared state through it.
    """
    app = Sanic(APP_NAME, configure_logging=False)
    app.config.REQUEST_MAX_SIZE = 2 * 1024 * 1024
    app.ctx.settings = settings
    app.blueprint(create_action_blueprint("actions"))
    app.blueprint(create_widget_blueprint(settings))

    @app.before_server_start
    async def open_database(app_: Sanic, _loop) -> None:
        # Migrate before the first request; blocking is fine here, nothing is served yet.
        app_.ctx.database = runtime.database()
        app_.ctx.leads = runtime.lead_store()
        app_.ctx.feedback = runtime.feedback_store()

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    return app


def main() -> None:
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    app = create_app(settings)
    logger.info("bot service listening on %s (demo page with the chat widget: %s/)", settings.bot_url, settings.bot_url)
    app.run(host=settings.bot_host, port=settings.bot_port, access_log=False, workers=1)


if __name__ == "__main__":
    main()
