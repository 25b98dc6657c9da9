"""Working leads (issue 15 part 2): the owner (分配给我 / to a colleague), the follow-up day,
bulk status and owner changes from the list, and merging a possible duplicate. Every change
is one audit record per lead; CSRF and roles come from ``require_role``."""

from __future__ import annotations

import datetime as dt
from typing import List, Optional

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.errors import RequestRejected
from bot.leads.query import parse_day
from bot.leads.records import NO_OWNER, STATUSES, WORKFLOW_STATUSES
from bot.leads.workflow import MAX_BULK, LeadWorkflow
from bot.portal.services import PortalServices, blocking, services
from bot.portal.web import LEAD_ROLES, LIST_PATH, form_value, redirect, require_role


def workflow(portal: PortalServices) -> LeadWorkflow:
    return LeadWorkflow(portal.leads.database)


async def owner_names(portal: PortalServices) -> List[str]:
    """Staff who may own a lead: enabled recruiters and admins."""
    users = await blocking(portal.accounts.list)
    return [u.name for u in users if not u.disabled and u.role in LEAD_ROLES]


async def _owner_from_form(request: Request, portal: PortalServices) -> Optional[str]:
    """The ``owner`` field: a staff name, or NO_OWNER for nobody (returned as None)."""
    owner = form_value(request, "owner", max_chars=40)
    if owner == NO_OWNER:
        return None
    if owner not in await owner_names(portal):
        raise RequestRejected(400, "bad_owner", "负责人无效：只能分配给启用中的招募人员或管理员。")
    return owner


async def audit(request: Request, portal: PortalServices, action: str, lead_id: int, detail: str) -> None:
    """One audit record by the logged-in staff member about one lead."""
    await blocking(portal.audit.record, request.ctx.session.user.name, action, f"lead:{lead_id}", detail)


def _back(request: Request) -> str:
    """Where the list form came from (only the lead list, with its query)."""
    back = (request.form or {}).get("back") or LIST_PATH
    return back if back.startswith(LIST_PATH) and "\n" not in back and "//" not in back else LIST_PATH


def _ids(request: Request) -> List[int]:
    raw = (request.form.getlist("ids") if request.form else []) if request.form else []
    if not raw:
        raise RequestRejected(400, "no_leads", "请先勾选要修改的线索。")
    if len(raw) > MAX_BULK or not all(value.isdigit() and len(value) <= 10 for value in raw):
        raise RequestRejected(400, "bad_ids", f"所选线索无效（一次最多{MAX_BULK}条）。")
    return [int(value) for value in raw]


def register(blueprint: Blueprint) -> None:
    @blueprint.post("/leads/<lead_id:int>/owner")
    @require_role(*LEAD_ROLES)
    async def assign(request: Request, lead_id: int) -> HTTPResponse:
        portal = await services(request)
        owner = await _owner_from_form(request, portal)
        previous = await blocking(workflow(portal).set_owner, lead_id, owner)
        await audit(request, portal, "lead_assign", lead_id, f"{previous or '无'} → {owner or '无'}")
        return redirect(f"{LIST_PATH}/{lead_id}?saved=owner")

    @blueprint.post("/leads/<lead_id:int>/follow-up")
    @require_role(*LEAD_ROLES)
    async def follow_up(request: Request, lead_id: int) -> HTTPResponse:
        day = parse_day(form_value(request, "day", required=False, max_chars=10), "回访")
        if day is not None and not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
            raise RequestRejected(400, "bad_date", "回访日期超出范围。")
        portal = await services(request)
        previous = await blocking(workflow(portal).set_follow_up, lead_id, day)
        await audit(request, portal, "follow_up", lead_id, f"{previous or '无'} → {day or '无'}")
        return redirect(f"{LIST_PATH}/{lead_id}?saved=follow_up")

    @blueprint.post("/leads/bulk")
    @require_role(*LEAD_ROLES)
    async def bulk(request: Request) -> HTTPResponse:
        ids = _ids(request)
        status = form_value(request, "status", required=False, max_chars=40)
        owner_field = form_value(request, "owner", required=False, max_chars=40)
        if not status and not owner_field:
            raise RequestRejected(400, "nothing_to_do", "请选择要批量修改的状态或负责人。")
        if status and status not in WORKFLOW_STATUSES:
            raise RequestRejected(400, "bad_status", "状态取值无效。")
        portal = await services(request)
        owner = await _owner_from_form(request, portal) if owner_field else None
        actor, work = request.ctx.session.user.name, workflow(portal)
        changed = set()
        if status:
            previous = await blocking(work.bulk_status, ids, status, actor)
            for lead_id, before in previous.items():
                await audit(
                    request,
                    portal,
                    "status_change",
                    lead_id,
                    f"{STATUSES.get(before, before)} → {STATUSES[status]}（批量）",
                )
            changed |= set(previous)
        if owner_field:
            owners = await blocking(work.bulk_owner, ids, owner)
            for lead_id, before in owners.items():
                await audit(request, portal, "lead_assign", lead_id, f"{before or '无'} → {owner or '无'}（批量）")
            changed |= set(owners)
        back = _back(request)
        return redirect(f"{back}{'&' if '?' in back else '?'}saved=bulk&changed={len(changed)}")

    @blueprint.post("/leads/<lead_id:int>/merge")
    @require_role(*LEAD_ROLES)
    async def merge(request: Request, lead_id: int) -> HTTPResponse:
        other = form_value(request, "duplicate", max_chars=10)
        if not other.isdigit() or int(other) == lead_id:
            raise RequestRejected(400, "bad_duplicate", "要合并的线索无效。")
        portal = await services(request)
        kept, duplicate = await blocking(portal.leads.get, lead_id), await blocking(portal.leads.get, int(other))
        merged = await blocking(workflow(portal).merge, lead_id, int(other))
        await audit(
            request,
            portal,
            "lead_merge",
            lead_id,
            f"{duplicate.reference} 并入 {kept.reference}; 提交记录 {merged.submissions} 条; 备注 {merged.notes} 条",
        )
        return redirect(f"{LIST_PATH}/{lead_id}?saved=merged")
