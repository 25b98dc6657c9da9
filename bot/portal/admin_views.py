"""Admin pages: the audit log and the staff accounts (accounts are added on the command
line with ``enlist user add``)."""

from __future__ import annotations

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.errors import RequestRejected
from bot.portal.services import blocking, services
from bot.portal.web import PREFIX, render, require_role

PER_PAGE = 50


def register(blueprint: Blueprint) -> None:
    @blueprint.get("/admin/audit")
    @require_role("admin")
    async def audit(request: Request) -> HTTPResponse:
        raw = request.args.get("page", "1")
        if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
            raise RequestRejected(400, "bad_page", "页码无效。")
        page = int(raw)
        portal = await services(request)
        entries = await blocking(portal.audit.recent, PER_PAGE, (page - 1) * PER_PAGE)
        total = await blocking(portal.audit.count)
        users = await blocking(portal.accounts.list)
        pages = max(1, -(-total // PER_PAGE))
        return render(request, "audit.html", entries=entries, users=users, page=page, pages=pages,
                      audit_path=f"{PREFIX}/admin/audit")
