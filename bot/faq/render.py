"""Turns a FAQ entry into the chat message a student sees."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from bot import clock
from bot.faq.catalog import CatalogSnapshot
from bot.faq.compiler import button_payload, follow_up_buttons
from bot.faq.entry import FaqEntry
from bot.faq.sources import student_sources


@dataclass(frozen=True)
class ChatReply:
    """Text (light Markdown) and buttons, as sent through ``dispatcher.utter_message``;
    ``details`` (the reasoning and sources of a personal result) is sent on request."""

    text: str
    buttons: List[Dict[str, str]] = field(default_factory=list)
    details: str = ""


def render_answer(
    entry: FaqEntry,
    snapshot: CatalogSnapshot,
    policy_year: int,
    contact: str,
    today: Optional[dt.date] = None,
) -> ChatReply:
    """The answer with its placeholders filled, the policy year stated and sources linked;
    once that year is over (``today``, from :mod:`bot.clock`) it says so first."""
    parts = []
    past = clock.past_year_line(entry.policy_year, today)
    if past:
        parts.append(f"**{past}。**")
    elif entry.policy_year != policy_year:  # the past-year line already says the same
        parts.append(
            f"**注意：以下是{entry.policy_year}年的政策**，{policy_year}年可能已有调整，"
            "请以全国征兵网和区人武部的最新公告为准。"
        )
    parts.append(entry.answer.replace("{contact}", contact))
    footer = f"（{entry.policy_year}年政策 · 仅供参考，以征兵办审核为准）"
    sources = format_sources(entry.sources)
    if sources:
        footer += f"\n依据：{sources}"
    parts.append(footer)
    return ChatReply("\n\n".join(parts), follow_up_buttons(entry, snapshot.by_id))


def format_sources(sources: Sequence[str]) -> str:
    """Every source, strongest first; links only to official sites (see :mod:`bot.faq.sources`)."""
    return "；".join(student_sources(sources))


def topic_buttons(snapshot: CatalogSnapshot, entry_ids: Sequence[str]) -> List[Dict[str, str]]:
    """Buttons that open the given entries (unknown ids are skipped)."""
    return [{"title": snapshot.by_id[i].title, "payload": button_payload(i)} for i in entry_ids if i in snapshot.by_id]
