"""Login and logout pages (``/portal/login``, ``/portal/logout``) and ``/portal`` itself."""

from __future__ import annotations

import math
import secrets

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.portal import csrf
from bot.portal.services import blocking, services
from bot.portal.web import (
    PREFIX,
    client_address,
    delete_cookie,
    error_page,
    nav_for,
    redirect,
    render,
    require_role,
    set_cookie,
)
from bot.staff.accounts import MAX_PASSWORD_CHARS
from bot.staff.sessions import COOKIE, MAX_AGE

BAD_LOGIN = "用户名或密码错误。"


def safe_next(target: str) -> str:
    """Only a portal path may follow a login (no open redirect to another site)."""
    if target.startswith(PREFIX) and not target.startswith("//") and "\\" not in target and "\n" not in target:
        return target
    return PREFIX


def register(blueprint: Blueprint) -> None:
    @blueprint.get("")
    @require_role()
    async def home(request: Request) -> HTTPResponse:
        pages = nav_for(request.ctx.session.user.role)
        if pages:
            return redirect(pages[0].path)
        return render(request, "home.html")

    @blueprint.get("/login")
    async def login_form(request: Request) -> HTTPResponse:
        return _login_page(request, message="登录已超时，请重新登录。" if request.args.get("expired") else "")

    @blueprint.post("/login")
    async def login(request: Request) -> HTTPResponse:
        form = request.form or {}
        if not csrf.token_matches(request.cookies.get(csrf.LOGIN_COOKIE), form.get(csrf.FIELD)):
            return _login_page(request, csrf.REJECTED.message, status=403)
        name = (form.get("name") or "").strip()
        password = form.get("password") or ""
        next_path = safe_next(form.get("next") or PREFIX)
        if not name or not password:
            return _login_page(request, "请输入用户名和密码。", status=400, name=name[:40], next_path=next_path)
        if len(name) > 40 or len(password) > MAX_PASSWORD_CHARS or "\x00" in name + password:
            return _login_page(request, BAD_LOGIN, status=400, next_path=next_path)
        try:
            portal = await services(request)
            client = client_address(request)
            wait = await blocking(portal.limiter.wait_seconds, name, client)
            if wait > 0:
                await blocking(portal.audit.record, name, "login_blocked", detail=f"client={client}")
                minutes = max(1, math.ceil(wait / 60))
                return _login_page(
                    request, f"登录失败次数过多，请{minutes}分钟后再试。", status=429, name=name, next_path=next_path
                )
            user = await blocking(portal.accounts.verify, name, password)
            await blocking(portal.limiter.record, name, client, user is not None)
            if user is None:
                await blocking(portal.audit.record, name, "login_failed", detail=f"client={client}")
                return _login_page(request, BAD_LOGIN, status=401, name=name, next_path=next_path)
            token, _ = await blocking(portal.sessions.create, user)
            await blocking(portal.audit.record, user.name, "login", detail=f"client={client}")
        except SQLAlchemyError:
            return error_page(request, 503, "数据库暂时不可用，请稍后再试。")
        reply = redirect(next_path)
        set_cookie(reply, request, COOKIE, token, portal.settings.secure_cookies, max_age=int(MAX_AGE.total_seconds()))
        delete_cookie(reply, csrf.LOGIN_COOKIE)
        return reply

    @blueprint.post("/logout")
    @require_role()
    async def logout(request: Request) -> HTTPResponse:
        portal = await services(request)
        await blocking(portal.sessions.end, request.cookies.get(COOKIE))
        await blocking(portal.audit.record, request.ctx.session.user.name, "logout")
        reply = redirect(f"{PREFIX}/login")
        delete_cookie(reply, COOKIE)
        return reply


def _login_page(
    request: Request, message: str = "", status: int = 200, name: str = "", next_path: str = ""
) -> HTTPResponse:
    """The login form with a fresh pre-login CSRF token (cookie + hidden field)."""
    token = secrets.token_urlsafe(32)
    next_path = next_path or safe_next(request.args.get("next") or PREFIX)
    reply = render(
        request, "login.html", status=status, login_token=token, message=message, name=name, next_path=next_path
    )
    settings = request.app.ctx.settings
    set_cookie(reply, request, csrf.LOGIN_COOKIE, token, settings.secure_cookies, max_age=3600, same_site="Strict")
    return reply
