"""在线咨询: the live hand-off inbox for recruiters and admins.

The inbox lists waiting requests (oldest first), conversations being held and recent
finished ones. A conversation's page shows its transcript and the facts the student gave;
the recruiter takes it (only one can: a conditional update), replies, and ends it
("结束"). The page's small script (static/handoff.js) reloads the transcript every two
seconds; everything works without it, by reloading the page. Every take, reply and
release is in the audit log (the reply's length, not its text).
"""

from __future__ import annotations

from typing import Any, Dict, Tuple

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import runtime
from bot.handoff.store import MAX_REPLY_CHARS, HandoffConflict, HandoffUnavailable, UnknownHandoff
from bot.leads.facts import merged_slots, student_facts
from bot.portal.markdown_html import render_inline, render_markdown, split_first_line
from bot.portal.services import blocking, services
from bot.portal.web import LEAD_ROLES, PREFIX, error_page, form_value, redirect, render, require_role
from bot.storage.conversations import TranscriptUnavailable, read_slots, read_transcript

PATH = f"{PREFIX}/handoff"
SAVED = {
    "taken": "已接入：学生会在对话窗口看到“工作人员已接入”。助手在您结束前不会回答。",
    "sent": "已发送。",
    "released": "已结束：助手已恢复回答，学生收到了说明。",
}


def _transcript(tracker_store: str, sender: str) -> Tuple[list, str]:
    try:
        turns = read_transcript(tracker_store, sender)
        return turns, "" if turns else "这次对话还没有保存的消息。"
    except TranscriptUnavailable as exc:
        return [], str(exc)


def _facts(tracker_store: str, sender: str) -> Tuple[Dict[str, str], str]:
    try:
        return student_facts(merged_slots(read_slots(tracker_store, [sender]), [sender])), ""
    except TranscriptUnavailable as exc:
        return {}, str(exc)


def _markdown() -> Dict[str, Any]:
    return {"markdown": render_markdown, "inline": render_inline, "split": split_first_line}


def register(blueprint: Blueprint) -> None:
    @blueprint.get("/handoff")
    @require_role(*LEAD_ROLES)
    async def inbox(request: Request) -> HTTPResponse:
        store = await blocking(runtime.handoff_store)
        items = await blocking(store.inbox)
        return render(request, "handoff_inbox.html", items=items, path=PATH)

    @blueprint.get("/handoff/<handoff_id:int>")
    @require_role(*LEAD_ROLES)
    async def conversation(request: Request, handoff_id: int) -> HTTPResponse:
        portal = await services(request)
        store = await blocking(runtime.handoff_store)
        try:
            handoff = await blocking(store.get, handoff_id)
        except UnknownHandoff:
            return error_page(request, 404, "没有这个在线咨询。")
        turns, transcript_error = await blocking(_transcript, portal.settings.tracker_store, handoff.sender_id)
        facts, facts_error = await blocking(_facts, portal.settings.tracker_store, handoff.sender_id)
        template = "_handoff_transcript.html" if request.args.get("part") == "transcript" else "handoff.html"
        return render(
            request,
            template,
            handoff=handoff,
            turns=turns,
            transcript_error=transcript_error,
            facts=facts,
            facts_error=facts_error,
            path=PATH,
            max_reply_chars=MAX_REPLY_CHARS,
            saved=SAVED.get(request.args.get("saved", ""), ""),
            mine=handoff.taken_by == request.ctx.session.user.name,
            **_markdown(),
        )

    async def act(
        request: Request, handoff_id: int, action: str, saved: str, operation: Any, detail: str = ""
    ) -> HTTPResponse:
        portal = await services(request)
        name = request.ctx.session.user.name
        try:
            await operation(runtime.handoff_service(), name)
        except UnknownHandoff:
            return error_page(request, 404, "没有这个在线咨询。")
        except HandoffConflict as conflict:
            return error_page(request, 503 if isinstance(conflict, HandoffUnavailable) else 409, str(conflict))
        await blocking(portal.audit.record, name, action, f"handoff:{handoff_id}", detail or None)
        return redirect(f"{PATH}/{handoff_id}?saved={saved}#reply")

    @blueprint.post("/handoff/<handoff_id:int>/take")
    @require_role(*LEAD_ROLES)
    async def take(request: Request, handoff_id: int) -> HTTPResponse:
        return await act(
            request, handoff_id, "handoff_take", "taken", lambda service, name: service.take(handoff_id, name)
        )

    @blueprint.post("/handoff/<handoff_id:int>/reply")
    @require_role(*LEAD_ROLES)
    async def reply(request: Request, handoff_id: int) -> HTTPResponse:
        text = form_value(request, "text", max_chars=MAX_REPLY_CHARS)
        return await act(
            request,
            handoff_id,
            "handoff_reply",
            "sent",
            lambda service, name: service.reply(handoff_id, name, text),
            f"{len(text.strip())} 字",
        )

    @blueprint.post("/handoff/<handoff_id:int>/release")
    @require_role(*LEAD_ROLES)
    async def release(request: Request, handoff_id: int) -> HTTPResponse:
        is_admin = request.ctx.session.user.role == "admin"
        return await act(
            request,
            handoff_id,
            "handoff_release",
            "released",
            lambda service, name: service.release(handoff_id, name, is_admin),
        )
