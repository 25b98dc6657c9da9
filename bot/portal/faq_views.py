"""FAQ编辑 for editors and admins: every entry with hits, 👍/👎 and freshness (sortable,
filterable), and one entry's page to change its answer or add phrasings. Saving goes through
bot.faq.editor.update_entry: validated, written into faq/*.yml (git stays the history) with
the editor's name and today's date, nothing written on errors; every save is audited."""

from __future__ import annotations

import re
from typing import Callable, Dict, List, Optional

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import runtime
from bot.errors import RequestRejected, ReviewError
from bot.faq.editor import EntryUsage, list_entries, update_entry
from bot.faq.model import MAX_ANSWER_CHARS, MAX_QUESTION_CHARS
from bot.portal.services import blocking, services
from bot.portal.web import EDITOR_ROLES, PREFIX, form_value, redirect, render, require_role
from bot.turns import hits_by_faq

FAQ_PATH = f"{PREFIX}/faq"
ENTRY_ID = re.compile(r"^[a-z0-9_]{1,64}$")
MAX_NEW_QUESTIONS = 50
#: Sort keys of the list: label and key function (the default keeps list_entries' order).
SORTS: Dict[str, tuple] = {
    "hits": ("提问次数", None),
    "id": ("编号", lambda row: row.entry.id),
    "ratio": ("有帮助比例（低→高）", lambda row: (row.helpful_ratio is None, row.helpful_ratio or 0.0, row.entry.id)),
    "reviewed": ("审核日期（早→晚）", lambda row: (row.entry.reviewed, row.entry.id)),
}


def _usage(settings) -> List[EntryUsage]:  # noqa: ANN001 - bot.config.Settings
    database = runtime.database()
    return list_entries(settings.faq_dir, hits_by_faq(database), runtime.feedback_store().totals_by_faq(),
                        settings.faq_max_age_days)


def filtered(rows: List[EntryUsage], text: str, stale_only: bool, sort: str) -> List[EntryUsage]:
    needle = text.strip().lower()
    if needle:
        rows = [r for r in rows if needle in r.entry.id.lower() or needle in r.entry.title.lower() or needle in r.file.lower()]
    if stale_only:
        rows = [r for r in rows if r.stale]
    key: Optional[Callable] = SORTS[sort][1]
    return sorted(rows, key=key) if key else rows


def new_questions(raw: str) -> List[str]:
    """One phrasing per line; 400 in Chinese when there are too many or one is too long."""
    lines = [line.strip() for line in raw.replace("\r\n", "\n").split("\n") if line.strip()]
    if len(lines) > MAX_NEW_QUESTIONS:
        raise RequestRejected(400, "too_many_questions", f"一次最多添加{MAX_NEW_QUESTIONS}条问法。")
    for line in lines:
        if len(line) > MAX_QUESTION_CHARS:
            raise RequestRejected(400, "question_too_long", f"问法“{line[:20]}…”太长：每条最多{MAX_QUESTION_CHARS}个字。")
    return lines


def entry_id_of(raw: str) -> str:
    if not ENTRY_ID.match(raw):
        raise RequestRejected(404, "unknown_entry", "没有这个FAQ条目。")
    return raw


def register(blueprint: Blueprint) -> None:
    @blueprint.get("/faq")
    @require_role(*EDITOR_ROLES)
    async def entry_list(request: Request) -> HTTPResponse:
        sort = request.args.get("sort", "hits")
        if sort not in SORTS:
            raise RequestRejected(400, "bad_sort", "排序方式无效。")
        text = request.args.get("q", "")[:100]
        stale_only = request.args.get("stale") == "1"
        portal = await services(request)
        rows = await blocking(_usage, portal.settings)
        return render(request, "faq_list.html", rows=filtered(rows, text, stale_only, sort), total=len(rows),
                      stale_total=sum(r.stale for r in rows), sort=sort, sorts=SORTS, q=text, stale_only=stale_only,
                      faq_path=FAQ_PATH, max_age_days=portal.settings.faq_max_age_days)

    async def show_entry(request: Request, entry_id: str, status: int = 200, error: str = "", saved: str = "",
                         answer: Optional[str] = None, questions_text: str = "") -> HTTPResponse:
        portal = await services(request)
        rows = await blocking(_usage, portal.settings)
        row = next((r for r in rows if r.entry.id == entry_id), None)
        if row is None:
            raise RequestRejected(404, "unknown_entry", "没有这个FAQ条目。")
        return render(request, "faq_entry.html", status=status, row=row, entry=row.entry, error=error, saved=saved,
                      answer=row.entry.answer if answer is None else answer, questions_text=questions_text,
                      faq_path=FAQ_PATH, max_answer_chars=MAX_ANSWER_CHARS, policy_year=portal.settings.policy_year,
                      max_age_days=portal.settings.faq_max_age_days)

    @blueprint.get("/faq/<entry_id:str>")
    @require_role(*EDITOR_ROLES)
    async def entry_page(request: Request, entry_id: str) -> HTTPResponse:
        saved = "已保存。答案修改已即时生效；新问法要在“更新模型”后机器人才认得。" if request.args.get("saved") else ""
        return await show_entry(request, entry_id_of(entry_id), saved=saved)

    @blueprint.post("/faq/<entry_id:str>")
    @require_role(*EDITOR_ROLES)
    async def save_entry(request: Request, entry_id: str) -> HTTPResponse:
        entry_id = entry_id_of(entry_id)
        answer = form_value(request, "answer", required=False, max_chars=MAX_ANSWER_CHARS * 10)  # the validator explains the limit
        questions_text = form_value(request, "questions", required=False, max_chars=MAX_NEW_QUESTIONS * (MAX_QUESTION_CHARS + 2))
        portal = await services(request)
        user = request.ctx.session.user
        try:
            questions = new_questions(questions_text)
            if not answer.strip():
                raise ReviewError("答案不能为空。")
            saved = await blocking(update_entry, portal.settings.faq_dir, entry_id, user.name, answer=answer,
                                   new_questions=questions, max_age_days=portal.settings.faq_max_age_days)
        except (ReviewError, RequestRejected) as exc:
            message = exc.message if isinstance(exc, RequestRejected) else str(exc)
            return await show_entry(request, entry_id, status=400, error=f"未保存：{message}", answer=answer,
                                    questions_text=questions_text)
        detail = f"问法 {len(saved.questions)} 条" + (f"，提交新问法 {len(questions)} 条" if questions else "")
        await blocking(portal.audit.record, user.name, "faq_save", f"faq:{entry_id}", detail)
        return redirect(f"{FAQ_PATH}/{entry_id}?saved=1")
