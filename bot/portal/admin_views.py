"""Admin pages: the audit log and the staff accounts (``/portal/admin/users``: add an
account with a role, disable / enable it, reset its password). ``enlist user …`` on the
command line does the same for the operator.

A password the admin sets, or a temporary one the portal makes (shown once, on the reply
to the POST, never stored in clear or logged), must be changed by its user at the next
login. An admin cannot disable or reset their own account here (no lock-out by mistake:
their own password is changed on the password page).
"""

from __future__ import annotations

from typing import Optional

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.errors import RequestRejected
from bot.portal.services import blocking, services
from bot.portal.web import PREFIX, redirect, render, require_role
from bot.staff.accounts import MAX_PASSWORD_CHARS, ROLES, AccountError, User, temporary_password

PER_PAGE = 50
USERS_PATH = f"{PREFIX}/admin/users"
#: ?done=… after a redirect → the message on the accounts page.
DONE = {"disabled": "已停用账号 {name}，其登录会话已全部结束。", "enabled": "已启用账号 {name}。"}


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
        pages = max(1, -(-total // PER_PAGE))
        return render(
            request,
            "audit.html",
            entries=entries,
            page=page,
            pages=pages,
            audit_path=f"{PREFIX}/admin/audit",
            users_path=USERS_PATH,
        )

    @blueprint.get("/admin/users")
    @require_role("admin")
    async def accounts(request: Request) -> HTTPResponse:
        done = ""
        template, raw_id = DONE.get(request.args.get("done", "")), request.args.get("user", "")
        if template and raw_id.isdigit():
            user = await blocking((await services(request)).accounts.get, int(raw_id))
            done = template.format(name=user.name) if user else ""
        return await _accounts_page(request, done=done)

    @blueprint.post("/admin/users")
    @require_role("admin")
    async def add(request: Request) -> HTTPResponse:
        form = request.form or {}
        name, role = (form.get("name") or "").strip(), form.get("role") or ""
        password, typed = _new_password(form.get("password"))
        portal = await services(request)
        try:
            user = await blocking(portal.accounts.create, name, role, password, must_change=True)
        except AccountError as refused:
            return await _accounts_page(request, error=str(refused), status=400, form={"name": name[:40], "role": role})
        await blocking(
            portal.audit.record,
            _actor(request),
            "user_add",
            f"user:{user.name}",
            f"role={user.role}; {'管理员设置的密码' if typed else '临时密码'}",
        )
        return await _accounts_page(
            request, issued=(user, None if typed else password), done=f"已添加账号 {user.name}（{user.role_label}）。"
        )

    @blueprint.post("/admin/users/<user_id:int>/disable")
    @require_role("admin")
    async def disable(request: Request, user_id: int) -> HTTPResponse:
        return await _switch(request, user_id, disabled=True)

    @blueprint.post("/admin/users/<user_id:int>/enable")
    @require_role("admin")
    async def enable(request: Request, user_id: int) -> HTTPResponse:
        return await _switch(request, user_id, disabled=False)

    @blueprint.post("/admin/users/<user_id:int>/reset")
    @require_role("admin")
    async def reset(request: Request, user_id: int) -> HTTPResponse:
        portal = await services(request)
        target = await _other_account(request, user_id, "重置自己的密码请用“修改密码”页。")
        password, typed = _new_password((request.form or {}).get("password"))
        try:
            user = await blocking(portal.accounts.set_password, target.id, password)
        except AccountError as refused:
            return await _accounts_page(request, error=f"{target.name}：{refused}", status=400)
        await blocking(
            portal.audit.record,
            _actor(request),
            "user_reset",
            f"user:{user.name}",
            "管理员设置的密码" if typed else "临时密码",
        )
        return await _accounts_page(
            request,
            issued=(user, None if typed else password),
            done=f"已重置 {user.name} 的密码，其登录会话已全部结束。",
        )


async def _switch(request: Request, user_id: int, disabled: bool) -> HTTPResponse:
    portal = await services(request)
    target = await _other_account(request, user_id, "不能停用或启用自己的账号。")
    await blocking(portal.accounts.set_disabled, target.id, disabled)
    await blocking(
        portal.audit.record, _actor(request), "user_disable" if disabled else "user_enable", f"user:{target.name}"
    )
    return redirect(f"{USERS_PATH}?done={'disabled' if disabled else 'enabled'}&user={target.id}")


async def _other_account(request: Request, user_id: int, own_message: str) -> User:
    """The account ``user_id`` (404 if none; 400 if it is the admin's own)."""
    user = await blocking((await services(request)).accounts.get, user_id)
    if user is None:
        raise RequestRejected(404, "unknown_user", "没有这个账号。")
    if user.id == request.ctx.session.user.id:
        raise RequestRejected(400, "own_account", own_message)
    return user


def _new_password(raw: Optional[str]) -> tuple:
    """``(password, typed by the admin)``: the admin's, or a fresh temporary one when left empty."""
    if raw and raw.strip():
        if len(raw) > MAX_PASSWORD_CHARS:
            raise RequestRejected(400, "field_too_long", f"密码太长：最多{MAX_PASSWORD_CHARS}个字符。")
        return raw, True
    return temporary_password(), False


def _actor(request: Request) -> str:
    return request.ctx.session.user.name


async def _accounts_page(
    request: Request,
    status: int = 200,
    error: str = "",
    done: str = "",
    issued: Optional[tuple] = None,
    form: Optional[dict] = None,
) -> HTTPResponse:
    users = await blocking((await services(request)).accounts.list)
    return render(
        request,
        "users.html",
        status=status,
        users=users,
        roles=ROLES,
        error=error,
        done=done,
        issued=issued,
        form=form or {},
        users_path=USERS_PATH,
        own_id=request.ctx.session.user.id,
    )
