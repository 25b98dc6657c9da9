"""Lead pages for recruiters and admins: the list with filters, one lead with its
conversation, status changes, notes and the CSV export of the current filter."""

from __future__ import annotations

import datetime as dt
from typing import Dict, List, Tuple

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.clock import today
from bot.errors import RequestRejected
from bot.lang.timefmt import CHINA
from bot.leads.erasure import erase_leads
from bot.leads.export import export_csv
from bot.leads.facts import merged_slots, student_facts
from bot.leads.query import DUE_TODAY, parse_query
from bot.leads.records import (
    ENLIST_PLACES,
    NO_OWNER,
    STATUSES,
    STUDENT_STATUSES,
    SUBMITTED_FIELDS,
    WITHDRAWN,
    WORKFLOW_STATUSES,
    Lead,
    Submission,
)
from bot.portal import lead_work_views
from bot.portal.lead_work_views import audit, owner_names, workflow
from bot.portal.markdown_html import render_inline, render_markdown, split_first_line
from bot.portal.services import blocking, services
from bot.portal.web import LEAD_ROLES, LIST_PATH, NO_STORE, error_page, form_value, redirect, render, require_role
from bot.storage.conversations import TranscriptUnavailable, Turn, read_slots, read_transcript

PER_PAGE = 20
MAX_NOTE_CHARS = 2000
SAVED = {
    "status": "状态已更新。",
    "note": "备注已保存。",
    "erased": "个人信息已删除。",
    "owner": "负责人已更新。",
    "follow_up": "回访日期已更新。",
    "merged": "已合并：重复线索的提交记录和备注已移到这条线索。",
}


def register(blueprint: Blueprint) -> None:
    lead_work_views.register(blueprint)

    @blueprint.get("/leads")
    @require_role(*LEAD_ROLES)
    async def lead_list(request: Request) -> HTTPResponse:
        portal = await services(request)
        day = today(portal.settings)
        query = parse_query(request.args, day)
        page = await blocking(portal.leads.search, query.criteria, query.page, PER_PAGE)
        counts = await blocking(portal.leads.counts_by_status, query.criteria)
        duplicated = await blocking(workflow(portal).duplicated, page.leads)
        changed = request.args.get("changed", "")
        saved = (
            f"已批量修改 {int(changed)} 条线索。" if request.args.get("saved") == "bulk" and changed.isdigit() else ""
        )
        return render(
            request,
            "leads.html",
            query=query,
            page=page,
            counts=counts,
            statuses=STATUSES,
            workflow_statuses=WORKFLOW_STATUSES,
            student_statuses=STUDENT_STATUSES,
            enlist_places=ENLIST_PLACES,
            list_path=LIST_PATH,
            today=day,
            duplicated=duplicated,
            owners=await owner_names(portal),
            no_owner=NO_OWNER,
            due_today=DUE_TODAY,
            saved=saved,
        )

    @blueprint.get("/leads/<lead_id:int>")
    @require_role(*LEAD_ROLES)
    async def lead_detail(request: Request, lead_id: int) -> HTTPResponse:
        portal = await services(request)
        lead = await blocking(portal.leads.get, lead_id)
        submissions = await blocking(portal.leads.submissions, lead_id)
        notes = await blocking(portal.leads.notes, lead_id)
        senders = _senders(lead, submissions)
        conversations = await blocking(_conversations, portal.settings.tracker_store, senders)
        facts, facts_error = await blocking(_facts, portal.settings.tracker_store, senders)
        work = workflow(portal)
        return render(
            request,
            "lead.html",
            lead=lead,
            submissions=submissions,
            notes=notes,
            conversations=conversations,
            statuses=WORKFLOW_STATUSES,
            saved=SAVED.get(request.args.get("saved", ""), ""),
            max_note_chars=MAX_NOTE_CHARS,
            list_path=LIST_PATH,
            submitted_fields=SUBMITTED_FIELDS,
            history=await blocking(work.history, lead_id),
            duplicates=await blocking(work.possible_duplicates, lead),
            merged_from=await blocking(work.merged_from, lead_id),
            owners=await owner_names(portal),
            no_owner=NO_OWNER,
            today=today(portal.settings),
            facts=facts,
            facts_error=facts_error,
        )

    @blueprint.get("/leads/<lead_id:int>/conversations/<number:int>")
    @require_role(*LEAD_ROLES)
    async def conversation(request: Request, lead_id: int, number: int) -> HTTPResponse:
        """One conversation of the lead (numbered from 1 as on the lead page), readable."""
        portal = await services(request)
        lead = await blocking(portal.leads.get, lead_id)
        senders = _senders(lead, await blocking(portal.leads.submissions, lead_id))
        if lead.erased or not 1 <= number <= len(senders):
            return error_page(request, 404, "没有这次对话。")
        found = (await blocking(_conversations, portal.settings.tracker_store, [senders[number - 1]]))[0]
        return render(
            request,
            "conversation.html",
            lead=lead,
            number=number,
            conversation=found,
            list_path=LIST_PATH,
            markdown=render_markdown,
            inline=render_inline,
            split=split_first_line,
        )

    @blueprint.post("/leads/<lead_id:int>/status")
    @require_role(*LEAD_ROLES)
    async def change_status(request: Request, lead_id: int) -> HTTPResponse:
        status = form_value(request, "status", max_chars=40)
        if status not in WORKFLOW_STATUSES:
            raise RequestRejected(400, "bad_status", "状态取值无效。")
        portal = await services(request)
        previous = await blocking(portal.leads.set_status, lead_id, status, request.ctx.session.user.name)
        await audit(
            request, portal, "status_change", lead_id, f"{STATUSES.get(previous, previous)} → {STATUSES[status]}"
        )
        return redirect(f"{LIST_PATH}/{lead_id}?saved=status")

    @blueprint.post("/leads/<lead_id:int>/notes")
    @require_role(*LEAD_ROLES)
    async def add_note(request: Request, lead_id: int) -> HTTPResponse:
        text = form_value(request, "text", max_chars=MAX_NOTE_CHARS)
        portal = await services(request)
        note = await blocking(portal.leads.add_note, lead_id, request.ctx.session.user.name, text)
        await audit(request, portal, "note", lead_id, f"note:{note.id}")
        return redirect(f"{LIST_PATH}/{lead_id}?saved=note")

    @blueprint.get("/leads/<lead_id:int>/erase")
    @require_role("admin")
    async def erase_confirm(request: Request, lead_id: int) -> HTTPResponse:
        """The confirmation step (no script on the portal: a page with the POST form)."""
        portal = await services(request)
        lead = await blocking(portal.leads.get, lead_id)
        return render(request, "lead_erase.html", lead=lead, list_path=LIST_PATH, fields=SUBMITTED_FIELDS)

    @blueprint.post("/leads/<lead_id:int>/erase")
    @require_role("admin")
    async def erase(request: Request, lead_id: int) -> HTTPResponse:
        portal = await services(request)
        lead = await blocking(portal.leads.get, lead_id)
        if not lead.erased:
            erased = await blocking(erase_leads, portal.leads, portal.settings.tracker_store, [lead_id], WITHDRAWN)
            await blocking(
                portal.audit.record,
                request.ctx.session.user.name,
                "lead_erase",
                f"lead:{lead_id}",
                f"{lead.reference}; 提交记录 {len(erased.references)} 条; 对话 {erased.conversations} 个"
                + ("" if erased.redacted else "（对话记录未能清除）"),
            )
        return redirect(f"{LIST_PATH}/{lead_id}?saved=erased")

    @blueprint.post("/leads/export")
    @require_role(*LEAD_ROLES)
    async def export(request: Request) -> HTTPResponse:
        portal = await services(request)
        query = parse_query(request.form or {}, today(portal.settings))
        count, body = await blocking(export_csv, portal.leads, portal.settings.tracker_store, query.criteria)
        await blocking(
            portal.audit.record, request.ctx.session.user.name, "export", None, f"{count} 条; 筛选: {query.describe()}"
        )
        filename = dt.datetime.now(CHINA).strftime("leads-%Y%m%d-%H%M.csv")
        headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'}
        return response.raw(body, headers=headers, content_type="text/csv; charset=utf-8")


def _senders(lead: Lead, submissions: List[Submission]) -> List[str]:
    """The lead's conversations: the first one, then each submission's (once each)."""
    return [sender for sender in dict.fromkeys([lead.sender_id, *(s.sender_id for s in submissions)]) if sender]


def _facts(tracker_store: str, senders: List[str]) -> Tuple[Dict[str, str], str]:
    """What the student told the checks in these conversations, or why it cannot be read."""
    try:
        return student_facts(merged_slots(read_slots(tracker_store, senders), senders)), ""
    except TranscriptUnavailable as exc:
        return {}, str(exc)


def _conversations(tracker_store: str, senders: List[str]) -> List[Dict[str, object]]:
    """Each conversation of the lead (first one, then by submission) with its turns or the
    reason it cannot be shown."""
    result: List[Dict[str, object]] = []
    for sender in senders:
        try:
            turns: List[Turn] = read_transcript(tracker_store, sender)
            result.append({"sender": sender, "turns": turns, "error": "" if turns else "这次对话没有保存的消息。"})
        except TranscriptUnavailable as exc:
            result.append({"sender": sender, "turns": [], "error": str(exc)})
    return result
