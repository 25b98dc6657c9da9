"""The 待处理删除请求 page: deletion requests typed in conversations that submitted no lead.

The phone is unverified: a recruiter calls it, then erases the matching lead with one
click (the shared erasure path, bot/leads/erasure.py) or rejects the request. Both are
audited by request and lead id, never by phone; handling a request clears its phone.
"""

from __future__ import annotations

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.errors import RequestRejected
from bot.leads.deletion_requests import DONE, REJECTED, DeletionRequest, UnknownRequest
from bot.leads.erasure import erase_leads
from bot.leads.records import WITHDRAWN
from bot.portal.services import PortalServices, blocking, services
from bot.portal.web import LEAD_ROLES, PREFIX, redirect, render, require_role

PAGE_PATH = f"{PREFIX}/deletion-requests"
_SAVED = {"done": "已删除并关闭该请求。", "rejected": "已驳回该请求。"}


def register(blueprint: Blueprint) -> None:
    @blueprint.get("/deletion-requests")
    @require_role(*LEAD_ROLES)
    async def requests(request: Request) -> HTTPResponse:
        portal = await services(request)
        pending = await blocking(portal.deletion_requests.open_requests)
        return render(
            request,
            "deletion_requests.html",
            requests=pending,
            page_path=PAGE_PATH,
            saved=_SAVED.get(request.args.get("saved", ""), ""),
            leads_path=f"{PREFIX}/leads",
        )

    @blueprint.post("/deletion-requests/<request_id:int>/erase")
    @require_role(*LEAD_ROLES)
    async def erase(request: Request, request_id: int) -> HTTPResponse:
        portal = await services(request)
        pending = await blocking(_open, portal, request_id)
        lead_ids = [pending.lead_id] if pending.lead_id else []
        erased = await blocking(
            erase_leads, portal.leads, portal.settings.tracker_store, lead_ids, WITHDRAWN, [pending.sender_id]
        )
        await blocking(portal.deletion_requests.close, request_id, DONE, request.ctx.session.user.name, pending.lead_id)
        target = f"lead:{pending.lead_id}" if pending.lead_id else f"deletion_request:{request_id}"
        await blocking(
            portal.audit.record,
            request.ctx.session.user.name,
            "deletion_request_done",
            target,
            f"删除请求 {request_id}; 线索 {erased.leads} 条; 提交记录 {len(erased.references)} 条"
            + ("" if erased.redacted else "（对话记录未能清除）"),
        )
        return redirect(f"{PAGE_PATH}?saved=done")

    @blueprint.post("/deletion-requests/<request_id:int>/reject")
    @require_role(*LEAD_ROLES)
    async def reject(request: Request, request_id: int) -> HTTPResponse:
        portal = await services(request)
        pending = await blocking(_open, portal, request_id)
        await blocking(portal.deletion_requests.close, request_id, REJECTED, request.ctx.session.user.name, None)
        # The typed number is gone from the request; redact it from that conversation too.
        await blocking(erase_leads, portal.leads, portal.settings.tracker_store, [], None, [pending.sender_id])
        await blocking(
            portal.audit.record,
            request.ctx.session.user.name,
            "deletion_request_rejected",
            f"deletion_request:{request_id}",
            "无法核实",
        )
        return redirect(f"{PAGE_PATH}?saved=rejected")


def _open(portal: PortalServices, request_id: int) -> DeletionRequest:
    try:
        return portal.deletion_requests.get_open(request_id)
    except UnknownRequest:
        raise RequestRejected(404, "unknown_request", "没有这条待处理的删除请求（可能已被处理）。") from None
