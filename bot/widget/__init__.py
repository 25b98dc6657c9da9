"""The chat widget: its static files, the demo page and the feedback endpoint.

Routes (all on the bot service): ``GET /`` demo page, ``GET /widget.js`` and
``GET /widget.css`` the embeddable widget, ``GET /demo.css``, ``POST /feedback`` votes.
"""

from __future__ import annotations

from sanic import Blueprint, response
from sanic.blueprint_group import BlueprintGroup
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import Settings
from bot.widget.assets import StaticAsset
from bot.widget.demo import content_security_policy, render_demo_page
from bot.widget.feedback_api import create_feedback_blueprint

ASSETS = ("widget.js", "widget.css", "demo.css")


def create_widget_blueprint(settings: Settings) -> BlueprintGroup:
    pages = Blueprint("widget_pages")
    demo_html = render_demo_page(settings)
    demo_headers = {
        "Content-Security-Policy": content_security_policy(settings),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }

    @pages.get("/")
    async def demo(_: Request) -> HTTPResponse:
        return response.html(demo_html, headers=demo_headers)

    for name in ASSETS:
        _add_asset_route(pages, StaticAsset(name))

    return Blueprint.group(pages, create_feedback_blueprint(settings))


def _add_asset_route(blueprint: Blueprint, asset: StaticAsset) -> None:
    async def serve(request: Request) -> HTTPResponse:
        return asset.respond(request)

    blueprint.add_route(
        serve, f"/{asset.path.name}", methods=["GET"], name=asset.path.stem + "_" + asset.path.suffix[1:]
    )
