"""Every staff member's own password (``/portal/account/password``): the current password,
the new one twice (checked like the CLI checks it), the other sessions of the account ended.

A wrong current password counts as a failed login for the rate limit (a stolen session
cannot be used to guess it), and is in the audit log like the change itself.
"""

from __future__ import annotations

import math

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.portal.services import blocking, services
from bot.portal.web import PASSWORD_PATH, client_address, redirect, render, require_role
from bot.staff.accounts import MAX_PASSWORD_CHARS, AccountError, WrongPassword


def register(blueprint: Blueprint) -> None:
    @blueprint.get("/account/password")
    @require_role()
    async def password_form(request: Request) -> HTTPResponse:
        return _page(request, saved=bool(request.args.get("saved")))

    @blueprint.post("/account/password")
    @require_role()
    async def change_password(request: Request) -> HTTPResponse:
        form = request.form or {}
        current, new, again = (form.get(field) or "" for field in ("current", "new", "again"))
        if not current or not new:
            return _page(request, "请填写当前密码和新密码。", status=400)
        if max(len(current), len(new), len(again)) > MAX_PASSWORD_CHARS:
            return _page(request, f"密码太长：最多{MAX_PASSWORD_CHARS}个字符。", status=400)
        if new != again:
            return _page(request, "两次输入的新密码不一致。", status=400)
        portal = await services(request)
        session = request.ctx.session
        user, client = session.user, client_address(request)
        wait = await blocking(portal.limiter.wait_seconds, user.name, client)
        if wait > 0:
            return _page(request, f"密码输错次数过多，请{max(1, math.ceil(wait / 60))}分钟后再试。", status=429)
        try:
            await blocking(portal.accounts.change_password, user.id, current, new)
        except WrongPassword as wrong:
            await blocking(portal.limiter.record, user.name, client, False)
            await blocking(
                portal.audit.record, user.name, "password_change_failed", f"user:{user.name}", f"client={client}"
            )
            return _page(request, str(wrong), status=400)
        except AccountError as refused:
            return _page(request, str(refused), status=400)
        ended = await blocking(portal.sessions.end_others, user.id, session.token_hash)
        await blocking(
            portal.audit.record, user.name, "password_change", f"user:{user.name}", f"其他会话已结束：{ended}个"
        )
        return redirect(f"{PASSWORD_PATH}?saved=1")


def _page(request: Request, error: str = "", status: int = 200, saved: bool = False) -> HTTPResponse:
    forced = request.ctx.session.user.must_change_password
    return render(
        request, "password.html", status=status, error=error, saved=saved, forced=forced, password_path=PASSWORD_PATH
    )
