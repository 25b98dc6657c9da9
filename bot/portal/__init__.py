"""The recruiter portal at ``/portal`` on the bot service (Sanic blueprint, Chinese UI).

Modules: accounts (users, scrypt), sessions (cookie + hashed token, idle timeout), csrf,
login_limit, audit, services (the stores per worker), web (layout, navigation,
``require_role``, headers), and one ``*_views`` module per group of pages.
"""

from __future__ import annotations

from pathlib import Path

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import Settings
from bot.portal import admin_views, auth_views, lead_views
from bot.portal.web import PREFIX, add_security_headers
from bot.widget.assets import StaticAsset

STATIC = Path(__file__).resolve().parent / "static"


def create_portal_blueprint(settings: Settings) -> Blueprint:
    blueprint = Blueprint("portal", url_prefix=PREFIX, strict_slashes=False)
    for views in (auth_views, lead_views, admin_views):
        views.register(blueprint)
    stylesheet = StaticAsset("portal.css", STATIC)

    @blueprint.get("/static/portal.css")
    async def portal_css(request: Request) -> HTTPResponse:
        return stylesheet.respond(request)

    @blueprint.middleware("response")
    async def security_headers(_: Request, response_: HTTPResponse) -> None:
        add_security_headers(response_)

    return blueprint
