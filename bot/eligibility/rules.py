"""Types of the per-year policy table: every rule carries its sources and its status.

A rule's ``status`` is the fact sheet's own grading: 确认 (the source says it), 推断 (derived
from the sources, not said by them), 存疑 (weak or conflicting sources), 未找到 (no source).
The answers print 推断/存疑/未找到 next to the rule, so the student sees how sure we are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Dict, FrozenSet, Optional, Tuple


class Status(str, Enum):
    CONFIRMED = "确认"
    INFERRED = "推断"
    DOUBTFUL = "存疑"
    NOT_FOUND = "未找到"

    @property
    def mark(self) -> str:
        """The marker shown after a rule: "" for confirmed, "【推断】" etc. otherwise."""
        return "" if self is Status.CONFIRMED else f"【{self.value}】"

    @property
    def plain(self) -> str:
        """What a student reads instead of the grading mark: plain words, no 【推断】/【存疑】."""
        return _PLAIN_STATUS.get(self.value, "")


_PLAIN_STATUS = {
    "推断": "（这是按条文推算的，请以区人武部答复为准）",
    "存疑": "（这一点各地执行可能不同，请以区人武部答复为准）",
    "未找到": "（未找到公开来源，请咨询区人武部）",
}


@dataclass(frozen=True)
class Source:
    """One entry of the fact sheet's source table (section 0)."""

    code: str
    title: str
    url: str
    level: str
    short: str = ""  # name used inline in answers, e.g. 《征兵工作条例》


@dataclass(frozen=True)
class Cite:
    """A source code with the article or place in it, e.g. ``Cite("L1", "第十五条")``."""

    code: str
    where: str = ""


@dataclass(frozen=True, kw_only=True)
class Rule:
    """A policy statement shown to students, with its sources and status."""

    id: str
    text: str
    cites: Tuple[Cite, ...]
    status: Status = Status.CONFIRMED


@dataclass(frozen=True, kw_only=True)
class GroupRule(Rule):
    """A rule for some 身份 (``statuses``) and 学历层次 (``educations``); empty sets match anyone."""

    statuses: FrozenSet[str] = frozenset()
    educations: FrozenSet[str] = frozenset()

    def applies_to(self, status: Optional[str], education: Optional[str]) -> bool:
        return (not self.statuses or status in self.statuses) and (not self.educations or education in self.educations)


@dataclass(frozen=True, kw_only=True)
class AgeRule(GroupRule):
    """An upper age limit for one group; the first matching rule of a gender applies.

    ``final_year_only``: only students in
    their graduating year (毕业班). ``graduated_years_ago``: graduated that many years
    before the conscription year. ``rounds``: the rounds the limit applies to.
    """

    gender: str
    max_age: int
    group: str
    final_year_only: bool = False
    graduated_years_ago: Optional[int] = None
    rounds: Tuple[str, ...] = ("上半年", "下半年")


@dataclass(frozen=True, kw_only=True)
class Round(Rule):
    """One conscription round of the year: dates and the day recruits are approved."""

    name: str
    start: dt.date
    end: dt.date
    approval_month: int
    approval_day: int
    focus: str


@dataclass(frozen=True, kw_only=True)
class Window(Rule):
    """An online registration window (None dates: not found)."""

    gender: str
    round: str
    opens: Optional[str]
    closes: Optional[str]


@dataclass(frozen=True, kw_only=True)
class TuitionCap(Rule):
    """Yearly cap of 学费补偿/代偿/减免 for 入伍通知书 dates in [start, end] (None = open)."""

    start: Optional[dt.date]
    end: Optional[dt.date]
    undergraduate: int
    postgraduate: int


@dataclass(frozen=True, kw_only=True)
class LocationRule(GroupRule):
    """Where a group may enlist (应征地)."""

    options: Tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class LocationRow(Rule):
    """One line of the 学校所在地 vs 户籍地 comparison."""

    topic: str
    school: str
    hukou: str


@dataclass(frozen=True, kw_only=True)
class Benefit(GroupRule):
    """A benefit other than tuition money, and who it applies to."""

    title: str


@dataclass(frozen=True)
class BmiRange:
    low: float
    high: float  # exclusive


@dataclass(frozen=True, kw_only=True)
class Physical:
    """Height, BMI and vision thresholds, each with the rule that states it."""

    min_height_cm: Dict[str, float]
    bmi: Dict[str, BmiRange]
    bmi_special_male_high: float
    bmi_hba1c_from: float
    vision_fail_below: float
    vision_corrected_below: float
    max_correction_degree: int
    rules: Dict[str, Rule]


@dataclass(frozen=True)
class PolicyYear:
    """Everything the personal answers need for one conscription year."""

    year: int
    sources: Dict[str, Source]
    age_rules: Tuple[AgeRule, ...]
    age_notes: Dict[str, Rule]
    rounds: Tuple[Round, ...]
    windows: Tuple[Window, ...]
    registration: Dict[str, Rule]
    physical: Physical
    tuition_caps: Tuple[TuitionCap, ...]
    tuition_rules: Dict[str, Rule]
    locations: Tuple[LocationRule, ...]
    location_rows: Tuple[LocationRow, ...]
    benefits: Tuple[Benefit, ...]
    other_paths: Dict[str, Rule] = field(default_factory=dict)

    def round(self, name: str) -> Round:
        return next(r for r in self.rounds if r.name == name)

    def all_rules(self) -> Tuple[Rule, ...]:
        """Every rule of the table (for checks that each one cites a known source)."""
        rules = [*self.age_rules, *self.age_notes.values(), *self.rounds, *self.windows]
        rules += [*self.registration.values(), *self.physical.rules.values(), *self.tuition_caps]
        rules += [*self.tuition_rules.values(), *self.locations, *self.location_rows, *self.benefits]
        rules += [*self.other_paths.values()]
        return tuple(rules)
