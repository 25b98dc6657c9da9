"""The lead list's filter as it travels in a query string (or the export form): parsed
with a Chinese 400 for anything malformed, and turned back into links that keep it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, Mapping, Optional
from urllib.parse import urlencode

from bot.errors import RequestRejected
from bot.leads.records import ENLIST_PLACES, SORT_KEYS, STATUSES, STUDENT_STATUSES, LeadFilter

MAX_TEXT_CHARS = 100
MAX_PAGE = 100_000
#: Query parameter -> LeadFilter field.
PARAMS = {
    "status": "status",
    "school": "school",
    "student_status": "student_status",
    "enlist_place": "enlist_place",
    "from": "created_from",
    "to": "created_to",
    "q": "text",
    "owner": "owner",
    "sort": "sort",
}
DEFAULT_SORT = LeadFilter.sort
#: ``due=today``: the 今日待回访 view (follow-up day today or already past).
DUE_TODAY = "today"
_CHOICES = {
    "status": tuple(STATUSES),
    "student_status": STUDENT_STATUSES,
    "enlist_place": ENLIST_PLACES,
    "sort": tuple(SORT_KEYS) + tuple(f"-{key}" for key in SORT_KEYS),
    "due": (DUE_TODAY,),
}
_LABELS = {"status": "状态", "student_status": "身份", "enlist_place": "拟应征地", "sort": "排序", "due": "回访"}


@dataclass(frozen=True)
class LeadQuery:
    criteria: LeadFilter
    page: int = 1
    due: str = ""  # DUE_TODAY or ''

    def params(self, **changes: Optional[str]) -> Dict[str, str]:
        """The filter as query parameters (empty ones left out), with ``changes`` applied."""
        values: Dict[str, Optional[str]] = {}
        for param, name in PARAMS.items():
            value = getattr(self.criteria, name)
            values[param] = value.isoformat() if isinstance(value, dt.date) else value
        if values["sort"] == DEFAULT_SORT:
            values["sort"] = None
        values["due"] = self.due
        values.update(changes)
        return {k: v for k, v in values.items() if v}

    def link(self, path: str, **changes: Optional[str]) -> str:
        query = urlencode(self.params(**changes))
        return f"{path}?{query}" if query else path

    def sort_link(self, path: str, key: str) -> str:
        """The list sorted by column ``key``: ascending first, descending when already ascending."""
        return self.link(path, sort=f"-{key}" if self.criteria.sort == key else key, page=None)

    def sort_mark(self, key: str) -> str:
        """' ▲' / ' ▼' on the column the list is sorted by."""
        return {key: " ▲", f"-{key}": " ▼"}.get(self.criteria.sort, "")

    def describe(self) -> str:
        """The filter in words for the audit log."""
        return "; ".join(f"{k}={v}" for k, v in self.params().items()) or "全部"


def _single(args: Mapping, name: str) -> str:
    """One query value (the first when repeated), stripped; '' when absent."""
    value = args.get(name)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    value = (value or "").strip()
    if len(value) > MAX_TEXT_CHARS:
        raise RequestRejected(400, "filter_too_long", f"筛选条件太长：最多{MAX_TEXT_CHARS}个字符。")
    if "\x00" in value or "\ufffd" in value:
        raise RequestRejected(400, "binary_filter", "筛选条件包含无法识别的字符。")
    return value


def parse_day(value: str, label: str) -> Optional[dt.date]:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RequestRejected(400, "bad_date", f"{label}日期格式不对，请用 年-月-日（例如 2023-09-01）。") from None


def parse_query(args: Mapping, today: Optional[dt.date] = None) -> LeadQuery:
    """A LeadQuery from request args (Sanic's RequestParameters or a form); ``today`` (China
    time) is the day ``due=today`` means."""
    values = {param: _single(args, param) for param in (*PARAMS, "page", "due")}
    for param, allowed in _CHOICES.items():
        if values[param] and values[param] not in allowed:
            raise RequestRejected(400, "bad_choice", f"筛选条件“{_LABELS[param]}”的取值无效。")
    created_from, created_to = parse_day(values["from"], "起始"), parse_day(values["to"], "截止")
    if created_from and created_to and created_from > created_to:
        raise RequestRejected(400, "bad_range", "起始日期不能晚于截止日期。")
    page = 1
    if values["page"]:
        if not values["page"].isdigit() or not 1 <= int(values["page"]) <= MAX_PAGE:
            raise RequestRejected(400, "bad_page", "页码无效。")
        page = int(values["page"])
    criteria = LeadFilter(
        status=values["status"] or None,
        school=values["school"] or None,
        student_status=values["student_status"] or None,
        enlist_place=values["enlist_place"] or None,
        created_from=created_from,
        created_to=created_to,
        text=values["q"] or None,
        owner=values["owner"] or None,
        sort=values["sort"] or DEFAULT_SORT,
        due_by=today if values["due"] and today else None,
    )
    return LeadQuery(criteria, page, values["due"])
