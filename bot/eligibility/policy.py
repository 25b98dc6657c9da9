"""Which policy table answers for a conscription year, and the student profile it is applied to."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.eligibility.policy_file import PolicyFileError, load_tables, policy_dir, policy_files
from bot.eligibility.rules import PolicyYear

logger = logging.getLogger(__name__)


class PolicyTables:
    """The tables of ``faq/policy/``, read again when a file changes (as the FAQ catalog
    is); a file that stops validating keeps the last good tables and logs why."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._stamp: Optional[Tuple[Tuple[str, float], ...]] = None
        self._tables: Dict[int, PolicyYear] = {}
        self._lock = threading.Lock()

    def tables(self) -> Dict[int, PolicyYear]:
        stamp = tuple((p.name, p.stat().st_mtime) for p in policy_files(self.directory))
        with self._lock:
            if stamp != self._stamp:
                try:
                    self._tables = load_tables(self.directory)
                except PolicyFileError as error:
                    if not self._tables:
                        raise
                    logger.error("policy table not reloaded, keeping the last good one: %s", error)
                self._stamp = stamp
            return self._tables

    def policy_for(self, year: int) -> Tuple[PolicyYear, bool]:
        """(table, exact): the table of ``year``, else the newest one before it (exact False)."""
        tables = self.tables()
        if year in tables:
            return tables[year], True
        older = [y for y in tables if y < year]
        chosen = max(older) if older else min(tables)
        return tables[chosen], False


_shared: Dict[Path, PolicyTables] = {}


def tables_in(faq_dir: Path) -> PolicyTables:
    """The (shared, reloading) tables of ``faq_dir/policy``."""
    directory = policy_dir(faq_dir)
    if directory not in _shared:
        _shared[directory] = PolicyTables(directory)
    return _shared[directory]


def policy_for(year: int) -> Tuple[PolicyYear, bool]:
    """:meth:`PolicyTables.policy_for` over the configured ``ENLIST_FAQ_DIR``."""
    from bot import runtime

    return tables_in(runtime.settings().faq_dir).policy_for(year)


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
