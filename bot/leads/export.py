"""CSV export of leads: UTF-8 with BOM so Excel shows Chinese correctly.

Cells that a spreadsheet would read as a formula (starting with = + - @ or a tab) are
prefixed with an apostrophe: students type these values, and a CSV opened in Excel must
not execute anything.
"""

from __future__ import annotations

import csv
import io
from typing import Iterable

from bot.leads.model import Lead
from bot.timefmt import local_text

HEADER = ("编号", "姓名", "手机号", "学校", "身份", "学历层次", "户籍所在地", "拟应征地", "最关心的问题",
          "状态", "来源", "同意书版本", "同意时间", "创建时间", "更新时间")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def leads_csv(leads: Iterable[Lead]) -> bytes:
    """The CSV file (bytes, UTF-8 with BOM, CRLF line ends as Excel expects)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for lead in leads:
        writer.writerow([safe_cell(v) for v in (
            lead.reference, lead.name, lead.phone, lead.school, lead.student_status, lead.education_level,
            lead.hukou_place, lead.enlist_place, lead.main_concern, lead.status_label, lead.source_channel,
            lead.consent_version, local_text(lead.consent_at), local_text(lead.created_at), local_text(lead.updated_at),
        )])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
