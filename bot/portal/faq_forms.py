"""The FAQ entry form of the portal: which fields a POST changes and how its text becomes
entry values (issue 16 §5). A field missing from the form is left unchanged; Chinese
messages for what the validator cannot say (a year that is no number, a date typed wrongly)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Tuple

from sanic.request import Request

from bot.errors import RequestRejected
from bot.faq.entry import MAX_QUESTION_CHARS
from bot.portal.web import form_value

MAX_NEW_QUESTIONS = 50
MAX_ANSWER_FIELD = 4000
#: Form fields that are carried from the preview to the confirming POST.
CARRIED = (
    "title",
    "answer",
    "questions",
    "remove",
    "sources",
    "buttons",
    "tags",
    "policy_year",
    "valid_until",
    "reviewed_by",
    "id",
    "file",
    "items",
)
_TAG_SPLIT = re.compile(r"[,，、;；\s]+")


def lines_of(raw: str) -> List[str]:
    return [line.strip() for line in raw.replace("\r\n", "\n").split("\n") if line.strip()]


def new_questions(raw: str) -> List[str]:
    """One phrasing per line; 400 in Chinese when there are too many or one is too long."""
    lines = lines_of(raw)
    if len(lines) > MAX_NEW_QUESTIONS:
        raise RequestRejected(400, "too_many_questions", f"一次最多添加{MAX_NEW_QUESTIONS}条问法。")
    for line in lines:
        if len(line) > MAX_QUESTION_CHARS:
            raise RequestRejected(
                400, "question_too_long", f"问法“{line[:20]}…”太长：每条最多{MAX_QUESTION_CHARS}个字。"
            )
    return lines


def _values(request: Request, name: str) -> List[str]:
    values = (request.form.getlist(name) if request.form else []) or []
    for value in values:
        if len(value) > MAX_ANSWER_FIELD or "\x00" in value:
            raise RequestRejected(400, "field_too_long", "输入太长或包含无法识别的字符。")
    return values


def entry_fields(request: Request) -> Tuple[Dict[str, Any], List[str], List[str]]:
    """(fields to set, phrasings to add, phrasings to remove) from the submitted form."""
    form = request.form or {}
    fields: Dict[str, Any] = {}
    for name in ("title", "reviewed_by"):
        if name in form:
            fields[name] = form_value(request, name, required=False, max_chars=200)
    if "answer" in form:
        answer = form_value(request, "answer", required=False, max_chars=MAX_ANSWER_FIELD)
        if not answer.strip():
            raise RequestRejected(400, "empty_answer", "答案不能为空。")
        fields["answer"] = answer
    if "sources" in form:
        fields["sources"] = lines_of(form_value(request, "sources", required=False, max_chars=MAX_ANSWER_FIELD))
    if "buttons" in form:
        fields["buttons"] = [value for value in _values(request, "buttons") if value.strip()]
    if "tags" in form:
        fields["tags"] = [
            tag for tag in _TAG_SPLIT.split(form_value(request, "tags", required=False, max_chars=200)) if tag
        ]
    if "policy_year" in form:
        year = form_value(request, "policy_year", required=False, max_chars=10).strip()
        if not re.fullmatch(r"20\d\d", year):
            raise RequestRejected(400, "bad_year", "政策年度应是四位数的年份，例如 2023。")
        fields["policy_year"] = int(year)
    if "valid_until" in form:
        until = form_value(request, "valid_until", required=False, max_chars=20).strip()
        if until:
            try:
                dt.date.fromisoformat(until)
            except ValueError:
                raise RequestRejected(400, "bad_date", "有效期应写成 2024-08-31 这样的日期，不需要时留空。") from None
        fields["valid_until"] = until or None
    add = new_questions(
        form_value(request, "questions", required=False, max_chars=MAX_NEW_QUESTIONS * (MAX_QUESTION_CHARS + 2))
    )
    remove = _values(request, "remove")
    return fields, add, remove


def carried(request: Request) -> List[Tuple[str, str]]:
    """The submitted entry fields as (name, value) pairs, to resubmit after the preview."""
    if not request.form:
        return []
    return [(name, value) for name in CARRIED for value in (request.form.getlist(name) or [])]
