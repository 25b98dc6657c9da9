"""What every portal page shares: templates, navigation, security headers, the login and
role check (``require_role``), CSRF on POST, and error pages in Chinese.

Further portal pages (issue 5: FAQ editor, review queue, analytics) are modules with a
``register(blueprint)`` function that add routes guarded by ``require_role(...)`` and a
:class:`NavItem` to ``NAV``.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Coroutine, Dict, List, Optional
from urllib.parse import quote

import jinja2
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.errors import RequestRejected
from bot.lang.timefmt import local_text
from bot.leads.store import ErasedLead, UnknownLead
from bot.portal import csrf
from bot.portal.services import blocking, services
from bot.staff.sessions import COOKIE

logger = logging.getLogger(__name__)

PREFIX = "/portal"
#: Who works leads, and where their list is.
LEAD_ROLES = ("recruiter", "admin")
LIST_PATH = f"{PREFIX}/leads"
TEMPLATES = Path(__file__).resolve().parent / "templates"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
#: Pages show personal data: never stored by the browser or a proxy.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
MAX_FIELD_CHARS = 4000

Handler = Callable[..., Coroutine[Any, Any, HTTPResponse]]


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str
    roles: tuple


#: The navigation bar, in order; a page appears for the roles that may open it.
NAV: List[NavItem] = [
    NavItem("线索", f"{PREFIX}/leads", ("recruiter", "admin")),
    NavItem("在线咨询", f"{PREFIX}/handoff", ("recruiter", "admin")),
    NavItem("删除请求", f"{PREFIX}/deletion-requests", ("recruiter", "admin")),
    NavItem("待处理问题", f"{PREFIX}/review", ("editor", "admin")),
    NavItem("FAQ编辑", f"{PREFIX}/faq", ("editor", "admin")),
    NavItem("更新模型", f"{PREFIX}/model", ("editor", "admin")),
    NavItem("数据统计", f"{PREFIX}/analytics", ("editor", "admin")),
    NavItem("账号管理", f"{PREFIX}/admin/users", ("admin",)),
    NavItem("审计日志", f"{PREFIX}/admin/audit", ("admin",)),
]
#: Every staff member's own password page; the only page (with logout) open while a change is forced.
PASSWORD_PATH = f"{PREFIX}/account/password"
#: Roles of the issue-5 pages (review queue, FAQ editor, model reload, analytics).
EDITOR_ROLES = ("editor", "admin")


def nav_for(role: str) -> List[NavItem]:
    return [item for item in NAV if role in item.roles]


def _topic(file_name: str) -> str:
    """An FAQ file shown by its Chinese topic name ("economic.yml" → 经济待遇)."""
    from bot import runtime
    from bot.faq.loader import topic_name

    return topic_name(runtime.settings().faq_dir / Path(str(file_name)).name)


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=jinja2.StrictUndefined
    )
    env.filters["local"] = local_text
    env.filters["topic"] = _topic
    env.filters["local_seconds"] = functools.partial(local_text, with_seconds=True)
    return env


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTTPResponse:
    """A page from ``templates/``; the base layout gets the user, navigation and CSRF token."""
    session = getattr(request.ctx, "session", None)
    context.setdefault("user", session.user if session else None)
    context.setdefault("nav", nav_for(session.user.role) if session else [])
    context.setdefault("csrf_token", session.csrf_token if session else "")
    context.setdefault("current_path", request.path)
    html = _environment().get_template(template).render(**context)
    return response.html(html, status=status, headers=dict(NO_STORE))


def error_page(request: Request, status: int, message: str) -> HTTPResponse:
    titles = {400: "请求有误", 403: "没有权限", 404: "未找到", 409: "无法修改", 429: "请求太频繁", 503: "暂时不可用"}
    return render(request, "error.html", status=status, title=titles.get(status, "出错了"), message=message)


def redirect(location: str) -> HTTPResponse:
    """303: after a POST the browser GETs the next page (no resubmission on reload)."""
    return response.redirect(location, status=303, headers=dict(NO_STORE))


def login_redirect(request: Request, expired: bool = False) -> HTTPResponse:
    target = request.path + (f"?{request.query_string}" if request.query_string and request.method == "GET" else "")
    if request.method != "GET":
        target = PREFIX
    suffix = "&expired=1" if expired else ""
    return redirect(f"{PREFIX}/login?next={quote(target, safe='')}{suffix}")


def form_value(request: Request, name: str, required: bool = True, max_chars: int = MAX_FIELD_CHARS) -> str:
    """A form field as text; 400 with a Chinese message when missing, too long or binary."""
    value = (request.form or {}).get(name)
    if value is None or not value.strip():
        if required:
            raise RequestRejected(400, "missing_field", f"表单缺少必填项（{name}）。")
        return ""
    if len(value) > max_chars:
        raise RequestRejected(400, "field_too_long", f"输入太长：最多{max_chars}个字符。")
    if "\x00" in value or "\ufffd" in value:
        raise RequestRejected(400, "binary_field", "输入包含无法识别的字符，请检查后重试。")
    return value


def require_role(*roles: str) -> Callable[[Handler], Handler]:
    """Guard a portal handler: login required (else redirect), a password an admin set
    changed first (else redirect to the password page), role in ``roles`` (else 403),
    a valid CSRF token on POST (else 403). Sets ``request.ctx.session`` and turns
    RequestRejected / UnknownLead / database errors into Chinese error pages."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            try:
                portal = await services(request)
                token = request.cookies.get(COOKIE)
                session = await blocking(portal.sessions.lookup, token)
                if session is None:
                    return login_redirect(request, expired=bool(token))
                request.ctx.session = session
                if session.user.must_change_password and request.path not in (PASSWORD_PATH, f"{PREFIX}/logout"):
                    return redirect(PASSWORD_PATH)
                if roles and session.user.role not in roles:
                    return error_page(request, 403, "您的账号没有访问此页面的权限。")
                if request.method == "POST":
                    csrf.check(session.csrf_token, (request.form or {}).get(csrf.FIELD))
                return await handler(request, *args, **kwargs)
            except RequestRejected as rejected:
                return error_page(request, rejected.status, rejected.message)
            except UnknownLead:
                return error_page(request, 404, "没有这条线索（可能已按保存期限删除）。")
            except ErasedLead:
                return error_page(request, 409, "这条线索的个人信息已删除，不能再修改。")
            except SQLAlchemyError as exc:
                logger.error("portal: database unavailable (%s)", type(exc).__name__)
                return error_page(request, 503, "数据库暂时不可用，请稍后再试。")

        return guarded

    return decorate


def add_security_headers(response_: HTTPResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response_.headers.setdefault(name, value)


def set_cookie(
    response_: HTTPResponse,
    request: Request,
    name: str,
    value: str,
    secure: bool,
    max_age: Optional[int] = None,
    same_site: str = "Lax",
) -> None:
    """An HttpOnly cookie for the portal path; Secure on https or when configured."""
    response_.cookies[name] = value
    cookie: Dict[str, Any] = response_.cookies[name]
    cookie["path"] = PREFIX
    cookie["httponly"] = True
    cookie["samesite"] = same_site
    if secure or request.scheme == "https":
        cookie["secure"] = True
    if max_age is not None:
        cookie["max-age"] = max_age


def delete_cookie(response_: HTTPResponse, name: str) -> None:
    response_.cookies[name] = ""
    response_.cookies[name]["path"] = PREFIX
    response_.cookies[name]["max-age"] = 0


def client_address(request: Request) -> str:
    return (request.remote_addr or request.ip or "unknown")[:64]
