"""The FAQ entry: the schema every ``faq/*.yml`` list item must follow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional, Tuple

REQUIRED_FIELDS: Tuple[str, ...] = (
    "id",
    "title",
    "questions",
    "answer",
    "sources",
    "policy_year",
    "reviewed",
)
OPTIONAL_FIELDS: Tuple[str, ...] = ("buttons", "tags", "valid_until", "reviewed_by")
ALL_FIELDS: Tuple[str, ...] = REQUIRED_FIELDS + OPTIONAL_FIELDS

#: Chinese names of the fields, used in messages for staff.
FIELD_NAMES_ZH: Dict[str, str] = {
    "id": "编号",
    "title": "标题",
    "questions": "问法",
    "answer": "答案",
    "sources": "来源",
    "policy_year": "政策年度",
    "reviewed": "审核日期",
    "buttons": "后续问题按钮",
    "tags": "标签",
    "valid_until": "有效期至",
    "reviewed_by": "审核人",
}

#: Placeholders an answer may contain; the bot fills them when it answers.
ANSWER_PLACEHOLDERS: Tuple[str, ...] = ("contact",)

MIN_QUESTIONS = 8
MAX_QUESTION_CHARS = 120
MAX_TITLE_CHARS = 16
MAX_ANSWER_CHARS = 400  # one phone screen (360×640) before the sources line
MAX_BUTTONS = 4
MAX_REVIEWER_CHARS = 40


@dataclass(frozen=True)
class Location:
    """Where something is written: file and 1-based line."""

    path: Path
    line: int

    def describe(self, base: Optional[Path] = None) -> str:
        path = self.path
        if base is not None:
            try:
                path = self.path.resolve().relative_to(base.resolve())
            except ValueError:
                pass
        return f"{path} 第{self.line}行"


@dataclass(frozen=True)
class FaqEntry:
    """One validated FAQ entry."""

    id: str
    title: str
    questions: Tuple[str, ...]
    answer: str
    sources: Tuple[str, ...]
    policy_year: int
    reviewed: dt.date
    buttons: Tuple[str, ...] = ()
    tags: Tuple[str, ...] = ()
    valid_until: Optional[dt.date] = None
    reviewed_by: Optional[str] = None
    location: Optional[Location] = field(default=None, compare=False)

    @property
    def intent(self) -> str:
        """The Rasa retrieval intent of this entry."""
        return f"faq/{self.id}"

    @property
    def response_name(self) -> str:
        """The Rasa response name of this entry."""
        return f"utter_faq/{self.id}"


@dataclass(frozen=True)
class Problem:
    """A validation finding, phrased in Chinese for FAQ editors."""

    location: Location
    entry_id: Optional[str]
    message: str
    level: str = "error"  # "error" blocks the build; "warning" does not

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def describe(self, base: Optional[Path] = None) -> str:
        kind = "错误" if self.is_error else "警告"
        entry = f" 条目“{self.entry_id}”" if self.entry_id else ""
        return f"[{kind}] {self.location.describe(base)}{entry}：{self.message}"
