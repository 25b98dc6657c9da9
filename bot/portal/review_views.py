"""待处理问题 (review queue) for editors and admins: similar unanswered questions grouped,
most frequent first; accept as a phrasing of an FAQ entry, mark "new FAQ needed", ignore or
reopen; preview and write the accepted phrasings into faq/ (validated, all or nothing).

Calls the review API only (bot/review/store.py, bot/review/patch.py); every decision and
every write is audited."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import urlencode

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import runtime
from bot.errors import RequestRejected, ReviewError
from bot.faq.entry import FaqEntry
from bot.faq.history import FaqHistory
from bot.leads.query import parse_day
from bot.portal.services import blocking, services
from bot.portal.web import EDITOR_ROLES, PREFIX, form_value, redirect, render, require_role
from bot.review.items import DECISIONS, KIND_NAMES_ZH, KINDS, MISSED_KINDS, STATE_NAMES_ZH, STATES
from bot.review.patch import ApplyResult, Patch, apply_patch, build_patch
from bot.review.store import ItemFilter, ReviewStore

QUEUE_PATH = f"{PREFIX}/review"
GROUPS_PER_PAGE = 25
EXAMPLES_SHOWN = 5
MAX_PAGE = 10_000
#: Item ids of one group travel in a hidden field ("1,2,3"); the store groups at most 5000.
MAX_ITEMS_FIELD = 5000 * 11
DECISION_NAMES_ZH: Dict[str, str] = {
    "accepted": "加为问法",
    "new_faq_needed": "需要新FAQ",
    "ignored": "忽略",
    "open": "重新打开",
}
assert set(STATE_NAMES_ZH) == set(STATES) and set(DECISION_NAMES_ZH) == set(DECISIONS)


def parse_state(raw: Optional[str]) -> str:
    state = raw or "open"
    if state not in STATES:
        raise RequestRejected(400, "bad_state", "状态筛选无效。")
    return state


#: ``kind=`` values of the filter: one reason, or every reason the analytics count as 未能回答.
KIND_FILTERS: Dict[str, Tuple[str, ...]] = {"missed": MISSED_KINDS, **{kind: (kind,) for kind in KINDS}}
KIND_FILTER_NAMES_ZH: Dict[str, str] = {"missed": "未能回答（没把握、超出范围、没听懂）", **KIND_NAMES_ZH}


def parse_scope(args: Mapping[str, Any]) -> ItemFilter:
    """``from``/``to`` (China days) and ``kind`` of the queue filter; 400 in Chinese when unusable."""
    kind = (args.get("kind") or "").strip()
    if kind and kind not in KIND_FILTERS:
        raise RequestRejected(400, "bad_kind", "原因筛选无效。")
    start, end = parse_day(args.get("from") or "", "起始"), parse_day(args.get("to") or "", "截止")
    if start and end and start > end:
        raise RequestRejected(400, "bad_range", "结束日期不能早于开始日期。")
    return ItemFilter(start, end, KIND_FILTERS[kind] if kind else None)


def scope_query(args: Mapping[str, Any], scope: ItemFilter) -> str:
    """The filter as a query string to keep on the state links ("" without a filter)."""
    parts = {
        "kind": (args.get("kind") or "").strip(),
        "from": scope.start.isoformat() if scope.start else "",
        "to": scope.end.isoformat() if scope.end else "",
    }
    return urlencode({key: value for key, value in parts.items() if value})


def parse_page(raw: Optional[str]) -> int:
    raw = raw or "1"
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise RequestRejected(400, "bad_page", "页码无效。")
    return int(raw)


def parse_item_ids(raw: str) -> List[int]:
    """``"12,15"`` → ``[12, 15]``; 400 in Chinese for anything else."""
    parts = [part.strip() for part in raw.split(",")]
    if not parts or not all(part.isdigit() and len(part) <= 10 for part in parts):
        raise RequestRejected(400, "bad_items", "问题编号无效，请刷新页面后重试。")
    return [int(part) for part in parts]


def _entries() -> Dict[str, FaqEntry]:
    return dict(runtime.faq_catalog().snapshot().by_id)


def _queue_page(
    store: ReviewStore, state: str, page: int, scope: ItemFilter
) -> Tuple[list, int, int, Patch, Dict[str, int]]:
    groups = store.groups(states=(state,), scope=scope)
    pages = max(1, -(-len(groups) // GROUPS_PER_PAGE))
    shown = groups[(page - 1) * GROUPS_PER_PAGE : page * GROUPS_PER_PAGE]
    return shown, len(groups), pages, build_patch(store), store.counts_by_state(scope)


def patch_rows(patch: Patch, entries: Mapping[str, FaqEntry]) -> List[Tuple[str, str, List[str]]]:
    """The patch as staff read it: (entry title, entry id, phrasings to add), by title."""
    rows = [
        (entries[faq_id].title if faq_id in entries else faq_id, faq_id, questions)
        for faq_id, questions in patch.phrasings.items()
    ]
    return sorted(rows)


def _apply(store: ReviewStore, faq_dir, max_age_days: int, editor: str) -> Tuple[Patch, ApplyResult, int]:
    """Write the accepted phrasings (validated; nothing written on errors; one change in the
    FAQ history), then mark them."""
    patch = build_patch(store)
    if not patch.phrasings:
        raise ReviewError("没有已采纳、待写入的问法。")
    result = apply_patch(faq_dir, patch, max_age_days, editor, FaqHistory(runtime.database()))
    marked = store.mark_applied([item for ids in patch.items.values() for item in ids])
    return patch, result, marked


def register(blueprint: Blueprint) -> None:
    async def show(
        request: Request,
        state: str,
        page: int,
        status: int = 200,
        error: str = "",
        done: str = "",
        scope: Optional[ItemFilter] = None,
    ) -> HTTPResponse:
        store = runtime.review_store()
        scope = scope or ItemFilter()
        groups, total, pages, patch, counts = await blocking(_queue_page, store, state, page, scope)
        entries = await blocking(_entries)
        return render(
            request,
            "review.html",
            status=status,
            groups=groups,
            total=total,
            page=page,
            pages=pages,
            state=state,
            states=STATE_NAMES_ZH,
            kinds=KIND_NAMES_ZH,
            kind_filters=KIND_FILTER_NAMES_ZH,
            entries=entries,
            patch=patch,
            patch_rows=patch_rows(patch, entries),
            error=error,
            done=done,
            counts=counts,
            scope=scope,
            kind=(request.args.get("kind") or "").strip() if scope.active else "",
            filter_query=scope_query(request.args, scope),
            examples_shown=EXAMPLES_SHOWN,
            queue_path=QUEUE_PATH,
        )

    @blueprint.get("/review")
    @require_role(*EDITOR_ROLES)
    async def queue(request: Request) -> HTTPResponse:
        done = request.args.get("done", "")
        messages = {
            "decided": "已保存处理结果。",
            "applied": "已把采纳的问法写入FAQ文件。请到“更新模型”让机器人学会这些问法。",
        }
        return await show(
            request,
            parse_state(request.args.get("state")),
            parse_page(request.args.get("page")),
            done=messages.get(done, ""),
            scope=parse_scope(request.args),
        )

    @blueprint.post("/review/decide")
    @require_role(*EDITOR_ROLES)
    async def decide(request: Request) -> HTTPResponse:
        state = parse_state((request.form or {}).get("state"))
        ids = parse_item_ids(form_value(request, "items", max_chars=MAX_ITEMS_FIELD))
        decision = form_value(request, "decision", max_chars=40)
        faq_id = (request.form or {}).get("faq_id") or None
        user = request.ctx.session.user
        store = runtime.review_store()
        try:
            entries = await blocking(_entries)
            changed = await blocking(
                store.decide,
                ids,
                decision,
                decided_by=user.name,
                faq_id=faq_id if decision == "accepted" else None,
                known_faq_ids=entries,
            )
        except ReviewError as exc:
            return await show(request, state, 1, status=400, error=str(exc))
        portal = await services(request)
        detail = f"{DECISION_NAMES_ZH.get(decision, decision)} {changed}条" + (
            f" → {faq_id}" if decision == "accepted" else ""
        )
        await blocking(portal.audit.record, user.name, "review_decide", f"review:{ids[0]}", detail)
        return redirect(f"{QUEUE_PATH}?state={state}&done=decided")

    @blueprint.post("/review/apply")
    @require_role(*EDITOR_ROLES)
    async def apply(request: Request) -> HTTPResponse:
        portal = await services(request)
        user = request.ctx.session.user
        try:
            patch, result, marked = await blocking(
                _apply, runtime.review_store(), portal.settings.faq_dir, portal.settings.faq_max_age_days, user.name
            )
        except ReviewError as exc:
            return await show(request, "accepted", 1, status=400, error=f"未写入任何文件：{exc}")
        added = sum(len(questions) for questions in result.added.values())
        detail = f"新增问法 {added} 条（{'、'.join(sorted(result.added)) or '无'}），跳过重复 {result.skipped} 条，标记 {marked} 条"
        await blocking(portal.audit.record, user.name, "review_apply", None, detail)
        return redirect(f"{QUEUE_PATH}?state=applied&done=applied")
