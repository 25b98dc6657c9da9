"""FAQ编辑 for editors and admins: every entry with hits, 👍/👎 and freshness (sortable,
filterable); one entry's page where every field is editable (issue 16 §5) with the answer
shown as students see it next to its Markdown source; a save first shows the diff and asks
to confirm (§4); move a phrasing to another entry; retire an entry; create one from scratch
or from a queue group. Every write goes through bot.faq.editor (validated, faq/ write lock,
change history) and the audit log."""

from __future__ import annotations

import re
from typing import Callable, Dict, List, Mapping, Optional

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import runtime
from bot.conversation.contact import contact_block
from bot.errors import RequestRejected, ReviewError
from bot.faq.editor import (
    Committed,
    EntryUsage,
    create_entry,
    list_entries,
    move_question,
    new_entry_id,
    retire_entry,
    save_entry,
)
from bot.faq.entry import MAX_ANSWER_CHARS, FaqEntry
from bot.faq.history import FaqHistory, diff_rows
from bot.faq.loader import faq_files
from bot.faq.preview import student_view
from bot.portal.faq_forms import carried, entry_fields
from bot.portal.services import blocking, services
from bot.portal.web import EDITOR_ROLES, PREFIX, form_value, redirect, render, require_role
from bot.usage.turns import hits_by_faq

FAQ_PATH = f"{PREFIX}/faq"
ENTRY_ID = re.compile(r"^[a-z0-9_]{1,64}$")
#: Sort keys of the list: label and key function (the default keeps list_entries' order).
SORTS: Dict[str, tuple] = {
    "hits": ("提问次数", None),
    "title": ("标题", lambda row: (row.entry.title, row.entry.id)),
    "ratio": ("有帮助比例（低→高）", lambda row: (row.helpful_ratio is None, row.helpful_ratio or 0.0, row.entry.id)),
    "reviewed": ("审核日期（早→晚）", lambda row: (row.entry.reviewed, row.entry.id)),
}
SAVED = {
    "1": "已保存。答案修改已即时生效；新问法要在“更新模型”后机器人才认得。",
    "created": "已新建条目。请到“更新模型”让机器人学会它的问法。",
    "moved": "已移动问法。请到“更新模型”让机器人按新的归属回答。",
    "reverted": "已撤销这次修改。",
}


def history() -> FaqHistory:
    return FaqHistory(runtime.database())


def _usage(settings) -> List[EntryUsage]:  # noqa: ANN001 - bot.config.Settings
    database = runtime.database()
    return list_entries(
        settings.faq_dir, hits_by_faq(database), runtime.feedback_store().totals_by_faq(), settings.faq_max_age_days
    )


def filtered(rows: List[EntryUsage], text: str, stale_only: bool, sort: str) -> List[EntryUsage]:
    needle = text.strip().lower()
    if needle:
        rows = [
            r
            for r in rows
            if needle in r.entry.id.lower() or needle in r.entry.title.lower() or needle in r.file.lower()
        ]
    if stale_only:
        rows = [r for r in rows if r.stale]
    key: Optional[Callable] = SORTS[sort][1]
    return sorted(rows, key=key) if key else rows


def entry_id_of(raw: str) -> str:
    if not ENTRY_ID.match(raw):
        raise RequestRejected(404, "unknown_entry", "没有这个FAQ条目。")
    return raw


def by_title(entries: Dict[str, FaqEntry]) -> List[FaqEntry]:
    """Entries in the order of their Chinese titles (how staff find them)."""
    return sorted(entries.values(), key=lambda entry: (entry.title, entry.id))


def refusal(exc: Exception) -> str:
    """The Chinese reason of a refused write."""
    return exc.message if isinstance(exc, RequestRejected) else str(exc)


def submitted(request: Request) -> Dict[str, List[str]]:
    """Every submitted form field with all its values (to show the form again)."""
    return {name: (request.form.getlist(name) if request.form else []) for name in (request.form or {})}


def preview_of(settings, entry: FaqEntry, entries: Dict[str, FaqEntry]) -> Dict[str, object]:  # noqa: ANN001
    return student_view(entry, entries, settings.policy_year, contact_block(settings))


def register(blueprint: Blueprint) -> None:  # noqa: C901 - one route table
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
        return render(
            request,
            "faq_list.html",
            rows=filtered(rows, text, stale_only, sort),
            total=len(rows),
            stale_total=sum(r.stale for r in rows),
            sort=sort,
            sorts=SORTS,
            q=text,
            stale_only=stale_only,
            faq_path=FAQ_PATH,
            max_age_days=portal.settings.faq_max_age_days,
        )

    async def show_entry(
        request: Request,
        entry_id: str,
        status: int = 200,
        error: str = "",
        saved: str = "",
        form: Optional[Mapping[str, object]] = None,
    ) -> HTTPResponse:
        portal = await services(request)
        rows = await blocking(_usage, portal.settings)
        row = next((r for r in rows if r.entry.id == entry_id), None)
        if row is None:
            raise RequestRejected(404, "unknown_entry", "没有这个FAQ条目。")
        entries = {r.entry.id: r.entry for r in rows}
        return render(
            request,
            "faq_entry.html",
            status=status,
            row=row,
            entry=row.entry,
            error=error,
            saved=saved,
            form=form or {},
            others=[e for e in by_title(entries) if e.id != entry_id],
            preview=preview_of(portal.settings, row.entry, entries),
            faq_path=FAQ_PATH,
            max_answer_chars=MAX_ANSWER_CHARS,
            policy_year=portal.settings.policy_year,
            max_age_days=portal.settings.faq_max_age_days,
        )

    @blueprint.get("/faq/<entry_id:str>")
    @require_role(*EDITOR_ROLES)
    async def entry_page(request: Request, entry_id: str) -> HTTPResponse:
        return await show_entry(request, entry_id_of(entry_id), saved=SAVED.get(request.args.get("saved", ""), ""))

    async def show_preview(
        request: Request, committed: Committed, entry_id: str, action: str, title: str
    ) -> HTTPResponse:
        portal = await services(request)
        entry = committed.saved[entry_id]
        return render(
            request,
            "faq_preview.html",
            title=title,
            action=action,
            entry=entry,
            diffs=[(part, diff_rows(part.before, part.after)) for part in committed.entries],
            preview=preview_of(portal.settings, entry, committed.saved),
            fields=carried(request),
            faq_path=FAQ_PATH,
        )

    @blueprint.post("/faq/<entry_id:str>")
    @require_role(*EDITOR_ROLES)
    async def save(request: Request, entry_id: str) -> HTTPResponse:
        """Without ``confirm``: validate and show the diff; with it: write."""
        entry_id = entry_id_of(entry_id)
        portal = await services(request)
        user = request.ctx.session.user
        form = submitted(request)
        confirm = (request.form or {}).get("confirm") == "yes"
        try:
            fields, add, remove = entry_fields(request)
            if (request.form or {}).get("back"):
                return await show_entry(request, entry_id, form=form)
            committed = await blocking(
                save_entry,
                portal.settings.faq_dir,
                entry_id,
                user.name,
                fields,
                add,
                remove,
                history(),
                dry_run=not confirm,
                max_age_days=portal.settings.faq_max_age_days,
            )
        except (ReviewError, RequestRejected) as exc:
            return await show_entry(request, entry_id, status=400, error=f"未保存：{refusal(exc)}", form=form)
        if not confirm:
            return await show_preview(request, committed, entry_id, f"{FAQ_PATH}/{entry_id}", "确认修改")
        saved = committed.saved[entry_id]
        detail = (
            f"第{committed.change_id}号修改：问法 {len(saved.questions)} 条"
            + (f"，新增 {len(add)} 条" if add else "")
            + (f"，删除 {len(remove)} 条" if remove else "")
        )
        await blocking(portal.audit.record, user.name, "faq_save", f"faq:{entry_id}", detail)
        return redirect(f"{FAQ_PATH}/{entry_id}?saved=1")

    @blueprint.post("/faq/<entry_id:str>/move")
    @require_role(*EDITOR_ROLES)
    async def move(request: Request, entry_id: str) -> HTTPResponse:
        entry_id = entry_id_of(entry_id)
        question = form_value(request, "question", max_chars=200)
        target = form_value(request, "target", required=False, max_chars=64)
        portal = await services(request)
        user = request.ctx.session.user
        try:
            if not target:
                raise ReviewError("请选择要移到哪个条目。")
            committed = await blocking(
                move_question,
                portal.settings.faq_dir,
                question,
                entry_id,
                entry_id_of(target),
                user.name,
                history(),
                portal.settings.faq_max_age_days,
            )
        except (ReviewError, RequestRejected) as exc:
            return await show_entry(request, entry_id, status=400, error=f"未移动：{refusal(exc)}")
        await blocking(
            portal.audit.record,
            user.name,
            "faq_move",
            f"faq:{entry_id}",
            f"第{committed.change_id}号修改：问法移到 {target}",
        )
        return redirect(f"{FAQ_PATH}/{entry_id}?saved=moved")

    @blueprint.post("/faq/<entry_id:str>/retire")
    @require_role(*EDITOR_ROLES)
    async def retire(request: Request, entry_id: str) -> HTTPResponse:
        entry_id = entry_id_of(entry_id)
        portal = await services(request)
        user = request.ctx.session.user
        try:
            if (request.form or {}).get("confirm") != "yes":
                raise ReviewError("请先勾选“我确认停用这个条目”。")
            committed = await blocking(
                retire_entry, portal.settings.faq_dir, entry_id, user.name, history(), portal.settings.faq_max_age_days
            )
        except ReviewError as exc:
            return await show_entry(request, entry_id, status=400, error=f"未停用：{exc}")
        await blocking(
            portal.audit.record, user.name, "faq_retire", f"faq:{entry_id}", f"第{committed.change_id}号修改"
        )
        return redirect(f"{FAQ_PATH}/changes/{committed.change_id}?done=retired")

    async def show_new(
        request: Request,
        status: int = 200,
        error: str = "",
        form: Optional[Dict[str, List[str]]] = None,
        items: str = "",
    ) -> HTTPResponse:
        portal = await services(request)
        entries = dict(runtime.faq_catalog().snapshot().by_id)
        if form is None:
            form = {"policy_year": [str(portal.settings.policy_year)], "reviewed_by": [request.ctx.session.user.name]}
            if items:
                texts = await blocking(_item_texts, items)
                form["questions"] = ["\n".join(texts)]
        return render(
            request,
            "faq_new.html",
            status=status,
            error=error,
            form=form,
            items=items,
            entries=by_title(entries),
            files=[p.name for p in faq_files(portal.settings.faq_dir)],
            faq_path=FAQ_PATH,
            max_answer_chars=MAX_ANSWER_CHARS,
        )

    @blueprint.get("/faq/new")
    @require_role(*EDITOR_ROLES)
    async def new_page(request: Request) -> HTTPResponse:
        return await show_new(request, items=_items_arg(request.args.get("items", "")))

    @blueprint.post("/faq/new")
    @require_role(*EDITOR_ROLES)
    async def create(request: Request) -> HTTPResponse:
        portal = await services(request)
        user = request.ctx.session.user
        form = submitted(request)
        items = _items_arg((request.form or {}).get("items", ""))
        confirm = (request.form or {}).get("confirm") == "yes"
        try:
            fields, add, _ = entry_fields(request)
            entry_id = form_value(request, "id", required=False, max_chars=64).strip()
            file_name = form_value(request, "file", required=False, max_chars=100)
            if (request.form or {}).get("back"):
                return await show_new(request, form=form, items=items)
            entry_id = entry_id or await blocking(new_entry_id, portal.settings.faq_dir)
            committed = await blocking(
                create_entry,
                portal.settings.faq_dir,
                file_name,
                dict(fields, id=entry_id, questions=add),
                user.name,
                history(),
                dry_run=not confirm,
                max_age_days=portal.settings.faq_max_age_days,
            )
        except (ReviewError, RequestRejected) as exc:
            return await show_new(request, status=400, error=f"未新建：{refusal(exc)}", form=form, items=items)
        if not confirm:
            return await show_preview(request, committed, entry_id, f"{FAQ_PATH}/new", "确认新建条目")
        marked = await blocking(_mark_items, items, entry_id, committed.saved, user.name) if items else 0
        await blocking(
            portal.audit.record,
            user.name,
            "faq_create",
            f"faq:{entry_id}",
            f"第{committed.change_id}号修改：问法 {len(add)} 条" + (f"，来自待处理问题 {marked} 条" if items else ""),
        )
        return redirect(f"{FAQ_PATH}/{entry_id}?saved=created")


def _items_arg(raw: str) -> str:
    """Review item ids ("1,2,3") of the queue group a new entry starts from; 400 otherwise."""
    raw = raw.strip()
    if raw and not re.fullmatch(r"\d{1,10}(,\d{1,10}){0,4999}", raw):
        raise RequestRejected(400, "bad_items", "问题编号无效，请刷新页面后重试。")
    return raw


def _item_texts(items: str) -> List[str]:
    texts: List[str] = []
    for item in runtime.review_store().items(states=(), ids=[int(i) for i in items.split(",")]):
        if item.text not in texts:
            texts.append(item.text)
    return texts


def _mark_items(items: str, entry_id: str, saved: Dict[str, FaqEntry], editor: str) -> int:
    """The queue group's items: accepted for the new entry and already written (applied)."""
    store = runtime.review_store()
    ids = [int(i) for i in items.split(",")]
    store.decide(ids, "accepted", decided_by=editor, faq_id=entry_id, known_faq_ids=saved)
    return store.mark_applied(ids)
