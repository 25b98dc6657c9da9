"""CSV export of leads: UTF-8 with BOM so Excel shows Chinese correctly.

Cells that a spreadsheet would read as a formula (starting with = + - @ or a tab) are
prefixed with an apostrophe: students type these values, and a CSV opened in Excel must
not execute anything.
"""

from __future__ import annotations

import csv
import io
import logging
from typing import TYPE_CHECKING, Dict, Iterable, List, Mapping, Optional, Tuple

from bot.lang.timefmt import local_text
from bot.leads.facts import FACT_LABELS, fact_row, merged_slots, student_facts
from bot.leads.records import Lead
from bot.storage.conversations import TranscriptUnavailable, read_slots

if TYPE_CHECKING:
    from bot.leads.records import LeadFilter
    from bot.leads.store import LeadStore

logger = logging.getLogger(__name__)

HEADER = (
    "编号",
    "姓名",
    "手机号",
    "学校",
    "身份",
    "学历层次",
    "户籍所在地",
    "拟应征地",
    "最关心的问题",
    "状态",
    "负责人",
    "回访日期",
    "来源",
    "同意书版本",
    "同意时间",
    "创建时间",
    "更新时间",
    *(f"对话中：{label}" for label in FACT_LABELS),
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def leads_csv(leads: Iterable[Lead], facts: Optional[Mapping[int, Mapping[str, str]]] = None) -> bytes:
    """The CSV file (bytes, UTF-8 with BOM, CRLF line ends as Excel expects); ``facts``: lead
    id -> what the student told the checks (see :func:`facts_of`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for lead in leads:
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    lead.reference,
                    lead.name,
                    lead.phone,
                    lead.school,
                    lead.student_status,
                    lead.education_level,
                    lead.hukou_place,
                    lead.enlist_place,
                    lead.main_concern,
                    lead.status_label,
                    lead.owner,
                    lead.follow_up_on.isoformat() if lead.follow_up_on else "",
                    lead.source_channel,
                    lead.consent_version,
                    local_text(lead.consent_at),
                    local_text(lead.created_at),
                    local_text(lead.updated_at),
                    *fact_row((facts or {}).get(lead.id, {})),
                )
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def facts_of(tracker_store_url: str, senders: Mapping[int, List[str]]) -> Dict[int, Dict[str, str]]:
    """Lead id -> the student's facts from its conversations (``senders``: lead id -> its
    conversations, oldest first); {} when the tracker store cannot be read (the export still
    has every lead, with those columns empty)."""
    try:
        slots = read_slots(tracker_store_url, [s for ids in senders.values() for s in ids])
    except TranscriptUnavailable:
        logger.warning("export: tracker store unreadable, facts left empty")
        return {}
    return {lead_id: student_facts(merged_slots(slots, ids)) for lead_id, ids in senders.items()}


def export_csv(store: "LeadStore", tracker_store_url: str, criteria: "LeadFilter") -> Tuple[int, bytes]:
    """(number of leads, the CSV) for the leads matching ``criteria``, facts included."""
    leads = list(store.iter_all(criteria))
    return len(leads), leads_csv(leads, facts_of(tracker_store_url, store.conversations_of(leads)))
