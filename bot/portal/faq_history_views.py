"""修改记录 of the FAQ (issue 16 §4): every change with who, when and a diff per entry
(Chinese field names), per entry and for the whole FAQ; any change is reverted in one click
through the same validated write path and lock as a save (bot.faq.editor.revert_change),
recorded as a change of its own and in the audit log."""

from __future__ import annotations

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.errors import RequestRejected, ReviewError
from bot.faq.editor import revert_change
from bot.faq.history import diff_rows
from bot.portal.faq_views import FAQ_PATH, entry_id_of, history
from bot.portal.services import blocking, services
from bot.portal.web import EDITOR_ROLES, redirect, render, require_role

DONE = {
    "reverted": "已撤销这次修改：条目已恢复到修改前的样子。",
    "retired": "已停用这个条目。需要时可点“撤销这次修改”恢复。",
}


def _change_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 10:
        raise RequestRejected(404, "unknown_change", "没有这条修改记录。")
    return int(raw)


def register(blueprint: Blueprint) -> None:
    @blueprint.get("/faq/changes")
    @require_role(*EDITOR_ROLES)
    async def recent(request: Request) -> HTTPResponse:
        changes = await blocking(history().recent, 100)
        return render(request, "faq_history.html", changes=changes, entry_id=None, title="", faq_path=FAQ_PATH)

    @blueprint.get("/faq/<entry_id:str>/history")
    @require_role(*EDITOR_ROLES)
    async def for_entry(request: Request, entry_id: str) -> HTTPResponse:
        entry_id = entry_id_of(entry_id)
        changes = await blocking(history().for_entry, entry_id)
        if not changes:
            raise RequestRejected(404, "no_history", "这个条目还没有在门户里修改过的记录。")
        title = next(part.title for part in changes[0].entries if part.entry_id == entry_id)
        return render(request, "faq_history.html", changes=changes, entry_id=entry_id, title=title, faq_path=FAQ_PATH)

    @blueprint.get("/faq/changes/<change_id:str>")
    @require_role(*EDITOR_ROLES)
    async def change_page(request: Request, change_id: str, status: int = 200, error: str = "") -> HTTPResponse:
        change = await blocking(history().get, _change_id(change_id))
        if change is None:
            raise RequestRejected(404, "unknown_change", "没有这条修改记录。")
        return render(
            request,
            "faq_change.html",
            status=status,
            change=change,
            error=error,
            done=DONE.get(request.args.get("done", ""), ""),
            diffs=[(part, diff_rows(part.before, part.after)) for part in change.entries],
            faq_path=FAQ_PATH,
        )

    @blueprint.post("/faq/changes/<change_id:str>/revert")
    @require_role(*EDITOR_ROLES)
    async def revert(request: Request, change_id: str) -> HTTPResponse:
        store = history()
        change = await blocking(store.get, _change_id(change_id))
        if change is None:
            raise RequestRejected(404, "unknown_change", "没有这条修改记录。")
        portal = await services(request)
        user = request.ctx.session.user
        try:
            committed = await blocking(
                revert_change, portal.settings.faq_dir, change, user.name, store, portal.settings.faq_max_age_days
            )
        except ReviewError as exc:
            # Sanic types its route decorator as returning (route, handler); it returns the handler.
            return await change_page(request, change_id, status=400, error=f"未撤销：{exc}")  # type: ignore[operator]
        await blocking(
            portal.audit.record,
            user.name,
            "faq_revert",
            f"faq:{change.entries[0].entry_id}",
            f"撤销第{change.id}号修改（第{committed.change_id}号修改）",
        )
        return redirect(f"{FAQ_PATH}/changes/{committed.change_id}?done=reverted")
