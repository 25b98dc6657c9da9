"""The bot service: one Sanic app with the action webhook, health check, the chat widget
(demo page, widget.js, feedback; see bot/widget/) and the recruiter portal (bot/portal/).
``python -m bot.server`` runs it with the settings from the environment.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from bot import runtime
from bot.config import Settings
from bot.edge.action_guard import install_action_guard
from bot.handoff.service import expire_forever
from bot.handoff.stream import create_handoff_stream_blueprint
from bot.leads.outbox import Outbox
from bot.logging_setup import configure_logging
from bot.portal import create_portal_blueprint
from bot.service.action_endpoint import create_action_blueprint
from bot.service.model_route import create_model_blueprint
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
    install_action_guard(app, settings.action_secret)
    app.blueprint(create_action_blueprint("actions"))
    app.blueprint(create_widget_blueprint(settings))
    app.blueprint(create_portal_blueprint(settings))
    app.blueprint(create_model_blueprint(settings))
    app.blueprint(create_handoff_stream_blueprint(settings))

    @app.before_server_start
    async def open_database(app_: Sanic, _loop) -> None:
        # Migrate before the first request; blocking is fine here, nothing is served yet.
        runtime.faq_catalog().snapshot()  # validate and load faq/ now, not on a student's first question
        # A database that is down must not stop the service: leads then go to the outbox.
        try:
            app_.ctx.database = runtime.database()
            app_.ctx.leads = runtime.lead_store()
            app_.ctx.feedback = runtime.feedback_store()
        except SQLAlchemyError as exc:
            logger.error(
                "database unavailable at start (%s); leads go to the outbox until it returns", type(exc).__name__
            )

    @app.after_server_start
    async def start_outbox_flusher(app_: Sanic, _loop) -> None:
        app_.ctx.outbox_flusher = asyncio.ensure_future(flush_outbox_forever(settings))
        # Live hand-off: requests nobody took in time are answered (never a silent wait).
        app_.ctx.handoff_expiry = asyncio.ensure_future(expire_forever(runtime.handoff_service))

    @app.before_server_stop
    async def stop_outbox_flusher(app_: Sanic, _loop) -> None:
        for name in ("outbox_flusher", "handoff_expiry"):
            task = getattr(app_.ctx, name, None)
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    return app


async def flush_outbox_forever(settings: Settings) -> None:
    """Every few seconds, move leads from the outbox into the database once it answers."""
    outbox = Outbox(settings.outbox_dir)
    loop = asyncio.get_running_loop()
    while True:
        if outbox.pending():
            try:
                store = await loop.run_in_executor(None, runtime.lead_store)
                await loop.run_in_executor(None, outbox.flush, store)
            except SQLAlchemyError as exc:
                logger.warning("outbox flush waits for the database (%s)", type(exc).__name__)
            except Exception:  # noqa: BLE001 - the flusher must keep running
                logger.exception("outbox flush failed")
        await asyncio.sleep(settings.outbox_flush_seconds)


def main() -> None:
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    app = create_app(settings)
    logger.info("bot service listening on %s (demo page with the chat widget: %s/)", settings.bot_url, settings.bot_url)
    app.run(host=settings.bot_host, port=settings.bot_port, access_log=False, workers=settings.bot_worker_count)


if __name__ == "__main__":
    main()
