"""What a student told the eligibility check and the benefit estimate, for the lead page and
the CSV export: read from the slots of the lead's conversations (bot/storage/conversations.py
``read_slots``), worded as a recruiter reads them."""

from __future__ import annotations

from typing import Callable, Dict, Iterable, List, Mapping, Optional, Tuple

from bot.leads.redaction import REDACTED

Slots = Mapping[str, object]


def _number(value: object, unit: str = "") -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    return f"{value:g}{unit}"


def _year(value: object) -> str:
    return _number(value, "年") if isinstance(value, (int, float)) and 1900 < value < 2100 else ""


def _bmi(slots: Slots) -> str:
    height, weight = slots.get("height_cm"), slots.get("weight_kg")
    if not (_number(height) and _number(weight)) or not 100 <= height <= 250:  # type: ignore[operator]
        return ""
    return f"{weight / (height / 100) ** 2:.1f}"  # type: ignore[operator]


def _vision(value: object) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not value:
        return ""
    numbers = [f"{v:.1f}" for v in value if _number(v)]
    if len(numbers) == 2:
        return f"左眼{numbers[0]}、右眼{numbers[1]}"
    return "、".join(numbers)


def _text(value: object) -> str:
    return value.strip()[:40] if isinstance(value, str) and value.strip() != REDACTED else ""


#: Column label -> how to word it from the slots (in this order on the page and in the CSV).
FACTS: Tuple[Tuple[str, Callable[[Slots], str]], ...] = (
    ("性别", lambda s: _text(s.get("gender"))),
    ("出生年份", lambda s: _year(s.get("birth_year"))),
    ("身份", lambda s: _text(s.get("student_status"))),
    ("学历层次", lambda s: _text(s.get("education_level"))),
    ("年级", lambda s: _text(s.get("grade"))),
    ("毕业年份", lambda s: _year(s.get("graduation_year"))),
    ("身高", lambda s: _number(s.get("height_cm"), "cm")),
    ("体重", lambda s: _number(s.get("weight_kg"), "kg")),
    ("BMI", _bmi),
    ("裸眼视力", lambda s: _vision(s.get("vision"))),
    ("近视度数", lambda s: _number(s.get("myopia_degree"), "度")),
    ("每年学费", lambda s: _number(s.get("tuition_per_year"), "元")),
    ("已交学费年数", lambda s: _number(s.get("years_paid"), "年")),
    ("助学贷款", lambda s: "无" if s.get("loan_amount") == 0 else _number(s.get("loan_amount"), "元")),
    ("计划入伍", lambda s: (_year(s.get("enlist_year")) + _text(s.get("enlist_half"))).strip()),
)
FACT_LABELS: Tuple[str, ...] = tuple(label for label, _ in FACTS)


def student_facts(slots: Slots) -> Dict[str, str]:
    """Label -> wording, only for the facts the student gave."""
    facts = {label: word(slots) for label, word in FACTS}
    return {label: value for label, value in facts.items() if value}


def merged_slots(by_sender: Mapping[str, Slots], senders: Iterable[Optional[str]]) -> Dict[str, object]:
    """The slots of several conversations of one lead, a later conversation winning."""
    merged: Dict[str, object] = {}
    for sender in senders:
        merged.update(by_sender.get(sender or "", {}))
    return merged


def fact_row(facts: Mapping[str, str]) -> List[str]:
    """The CSV cells in FACT_LABELS order ('' where unknown)."""
    return [facts.get(label, "") for label in FACT_LABELS]
