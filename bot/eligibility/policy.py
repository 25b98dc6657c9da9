"""Which policy table answers for a conscription year, and the student profile it is applied to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.eligibility.model import PolicyYear
from bot.eligibility.policy_2023 import POLICY_2023

TABLES: Dict[int, PolicyYear] = {POLICY_2023.year: POLICY_2023}


def policy_for(year: int) -> Tuple[PolicyYear, bool]:
    """(table, exact): the table of ``year``, else the newest one before it (exact False)."""
    if year in TABLES:
        return TABLES[year], True
    older = [y for y in TABLES if y < year]
    chosen = max(older) if older else min(TABLES)
    return TABLES[chosen], False


@dataclass(frozen=True)
class Profile:
    """What we know about the student (from the shared and eligibility slots)."""

    gender: Optional[str] = None
    birth_year: Optional[int] = None
    student_status: Optional[str] = None
    education_level: Optional[str] = None
    grade: Optional[str] = None
    graduation_year: Optional[int] = None
    height_cm: Optional[float] = None
    weight_kg: Optional[float] = None
    vision: Tuple[float, ...] = ()
    myopia_degree: Optional[int] = None

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> "Profile":
        """Build from tracker slots (floats from Rasa become ints where they are years)."""
        vision: List[float] = [float(v) for v in (slots.get("vision") or []) if _is_number(v)]
        return cls(
            gender=slots.get("gender"),
            birth_year=_int(slots.get("birth_year")),
            student_status=_status(slots.get("student_status")),
            education_level=slots.get("education_level"),
            grade=slots.get("grade"),
            graduation_year=_int(slots.get("graduation_year")),
            height_cm=_float(slots.get("height_cm")),
            weight_kg=_float(slots.get("weight_kg")),
            vision=tuple(vision),
            myopia_degree=_int(slots.get("myopia_degree")),
        )

    def is_final_year(self) -> Optional[bool]:
        """In the graduating class? None when the school year is unknown."""
        if not self.grade:
            return None
        if self.grade == "毕业班":
            return True
        if self.education_level == "专科":
            return self.grade in ("大三", "大四", "大五")
        if self.education_level == "本科":
            return self.grade in ("大四", "大五")
        return None


def _status(value: Any) -> Optional[str]:
    """The lead form's "其他" says nothing we can use: treat it as 非学生."""
    return "非学生" if value == "其他" else value


def _is_number(value: Any) -> bool:
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False


def _float(value: Any) -> Optional[float]:
    return float(value) if _is_number(value) else None


def _int(value: Any) -> Optional[int]:
    return int(float(value)) if _is_number(value) else None
