"""Leads: what a student agreed to share, and how recruiters work it."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from bot.lang.timefmt import utcnow

#: Status workflow: code -> label shown to recruiters.
STATUSES: Dict[str, str] = {
    "new": "新线索",
    "contacted": "已联系",
    "registered": "已报名",
    "enlisted": "已入伍",
    "ineligible": "不符合条件",
    "not_interested": "无意向",
    "withdrawn": "已撤回",  # the student withdrew consent; personal data erased (bot/leads/erasure.py)
}
WITHDRAWN = "withdrawn"
#: Statuses a recruiter may set by hand (withdrawal only through erasure).
WORKFLOW_STATUSES: Dict[str, str] = {code: label for code, label in STATUSES.items() if code != WITHDRAWN}
#: The fields a submission keeps as the student submitted them -> label shown to recruiters.
SUBMITTED_FIELDS: Dict[str, str] = {
    "name": "姓名",
    "school": "学校",
    "student_status": "身份",
    "education_level": "学历层次",
    "hukou_place": "户籍所在地",
    "enlist_place": "拟应征地",
    "main_concern": "最关心的问题",
}
STUDENT_STATUSES: Tuple[str, ...] = ("在校生", "应届毕业生", "往届毕业生", "其他")
EDUCATION_LEVELS: Tuple[str, ...] = ("专科", "本科", "研究生")
ENLIST_PLACES: Tuple[str, ...] = ("学校所在地", "户籍所在地", "未定")

#: Bump when the consent text shown to students changes; stored with every lead.
CONSENT_VERSION = "2023-2"  # 2023-2: names the handler and how to withdraw and delete

# Unambiguous characters for reference numbers (no 0/O, 1/I/L).
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    """A reference number students can read out on the phone, e.g. ``ZB-7K3F9Q``."""
    return "ZB-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


@dataclass(frozen=True)
class LeadSubmission:
    """One completed, consented sign-up from one conversation."""

    name: str
    phone: str  # normalised: 11 digits
    school: Optional[str]
    student_status: Optional[str]
    education_level: Optional[str]
    hukou_place: Optional[str]
    enlist_place: Optional[str]
    main_concern: Optional[str]
    consent_version: str
    consent_at: dt.datetime
    sender_id: str
    source_channel: str
    reference: str = field(default_factory=new_reference)
    submitted_at: dt.datetime = field(default_factory=utcnow)

    def to_json(self) -> Dict[str, Any]:
        data = asdict(self)
        for key in ("consent_at", "submitted_at"):
            data[key] = data[key].isoformat()
        return data

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "LeadSubmission":
        data = dict(data)
        for key in ("consent_at", "submitted_at"):
            data[key] = dt.datetime.fromisoformat(data[key])
        return cls(**data)


@dataclass(frozen=True)
class SaveResult:
    lead_id: int
    reference: str  # of this submission
    created: bool  # False: an existing lead (same phone) was updated


@dataclass(frozen=True)
class Lead:
    """A lead; after erasure ``phone``, ``name``, ``sender_id`` and the other personal fields
    are None and ``erased_at`` says when."""

    id: int
    reference: str
    phone: Optional[str]
    name: Optional[str]
    school: Optional[str]
    student_status: Optional[str]
    education_level: Optional[str]
    hukou_place: Optional[str]
    enlist_place: Optional[str]
    main_concern: Optional[str]
    consent_version: str
    consent_at: dt.datetime
    sender_id: Optional[str]
    source_channel: str
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    erased_at: Optional[dt.datetime] = None
    owner: Optional[str] = None  # the staff member working it
    follow_up_on: Optional[dt.date] = None  # the China-time day to call back
    merged_into: Optional[int] = None  # a duplicate merged into that lead

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    def follow_up_state(self, today: dt.date) -> str:
        """``overdue`` (the day has passed), ``today``, ``later`` or '' (no day set)."""
        if self.follow_up_on is None:
            return ""
        if self.follow_up_on < today:
            return "overdue"
        return "today" if self.follow_up_on == today else "later"

    @property
    def erased(self) -> bool:
        return self.erased_at is not None


@dataclass(frozen=True)
class Note:
    id: int
    author: str
    text: str
    created_at: dt.datetime


@dataclass(frozen=True)
class StatusChange:
    """One status change on a lead: who, when, from which status to which."""

    at: dt.datetime
    actor: str
    from_status: str
    to_status: str

    @property
    def labels(self) -> Tuple[str, str]:
        return STATUSES.get(self.from_status, self.from_status), STATUSES.get(self.to_status, self.to_status)


@dataclass(frozen=True)
class Submission:
    reference: str
    sender_id: str
    source_channel: str
    submitted_at: dt.datetime
    via_outbox: bool
    values: Dict[str, Optional[str]] = field(default_factory=dict)  # as submitted (SUBMITTED_FIELDS)


@dataclass(frozen=True)
class LeadFilter:
    """The recruiter's filter; every field optional. Dates are inclusive, in UTC."""

    status: Optional[str] = None
    school: Optional[str] = None  # substring
    student_status: Optional[str] = None
    enlist_place: Optional[str] = None
    created_from: Optional[dt.date] = None
    created_to: Optional[dt.date] = None
    text: Optional[str] = None  # searches name, phone, school, reference, concern
    owner: Optional[str] = None  # a user name, or NO_OWNER for the unassigned
    due_by: Optional[dt.date] = None  # follow-up day on or before (今日待回访: today, overdue included)
    sort: str = "-created"  # a SORT_KEYS key, "-" first for descending


#: The lead list's sortable columns: key -> label.
SORT_KEYS: Dict[str, str] = {
    "created": "登记时间",
    "name": "姓名",
    "school": "学校",
    "status": "状态",
    "owner": "负责人",
    "follow_up": "回访日期",
}
#: LeadFilter.owner for leads nobody owns.
NO_OWNER = "-"


@dataclass(frozen=True)
class Page:
    leads: List[Lead]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
