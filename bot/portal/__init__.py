"""The recruiter portal at ``/portal`` on the bot service (Sanic blueprint, Chinese UI).

Modules: accounts (users, scrypt), sessions (cookie + hashed token, idle timeout), csrf,
login_limit, audit, services (the stores per worker), web (layout, navigation,
``require_role``, headers), and one ``*_views`` module per group of pages.
"""

from __future__ import annotations

from pathlib import Path

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import Settings
from bot.portal import (
    account_views,
    admin_views,
    analytics_views,
    auth_views,
    deletion_views,
    faq_history_views,
    faq_views,
    handoff_views,
    lead_views,
    model_views,
    review_views,
)
from bot.portal.web import PREFIX, add_security_headers
from bot.widget.assets import StaticAsset

STATIC = Path(__file__).resolve().parent / "static"
#: Third-party files in static/vendor/ (see VENDORED.md there; never edited by hand).
VENDORED = ("uPlot.iife.min.js", "uPlot.min.css")


def create_portal_blueprint(settings: Settings) -> Blueprint:
    blueprint = Blueprint("portal", url_prefix=PREFIX, strict_slashes=False)
    for views in (
        auth_views,
        account_views,
        lead_views,
        handoff_views,
        deletion_views,
        admin_views,
        review_views,
        faq_history_views,
        faq_views,
        model_views,
        analytics_views,
    ):
        views.register(blueprint)
    assets = {
        name: StaticAsset(name, STATIC)
        for name in ("portal.css", "analytics.js", "select-filter.js", "handoff.js", "favicon.svg")
    }
    assets.update({f"vendor/{name}": StaticAsset(name, STATIC / "vendor") for name in VENDORED})

    @blueprint.get("/static/<name:path>")
    async def static_file(request: Request, name: str) -> HTTPResponse:
        asset = assets.get(name)
        if asset is None:
            return response.text("未找到", status=404)
        return asset.respond(request)

    @blueprint.middleware("response")
    async def security_headers(_: Request, response_: HTTPResponse) -> None:
        add_security_headers(response_)

    return blueprint
