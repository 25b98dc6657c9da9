"""What the height, weight and vision thresholds of the policy table mean for given numbers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Optional, Sequence, Tuple

from bot.eligibility.rules import Physical


class Level(Enum):
    PASS = "符合"
    CHECK = "需进一步检查"
    FAIL = "不符合"


@dataclass(frozen=True)
class BodyResult:
    level: Level
    text: str


def bmi(height_cm: float, weight_kg: float) -> float:
    """BMI = weight (kg) / height (m)²."""
    if height_cm <= 0 or weight_kg <= 0:
        raise ValueError("height and weight must be positive")
    metres = height_cm / 100
    return weight_kg / (metres * metres)


def _num(value: float) -> str:
    return f"{value:g}"


def check_height(height_cm: float, gender: str, standard: Physical) -> BodyResult:
    minimum = standard.min_height_cm[gender]
    if height_cm >= minimum:
        return BodyResult(Level.PASS, f"身高{_num(height_cm)}cm：达到{gender}性{_num(minimum)}cm以上的要求")
    return BodyResult(Level.FAIL, f"身高{_num(height_cm)}cm：低于{gender}性{_num(minimum)}cm的要求（条件兵另有标准）")


def check_bmi(height_cm: float, weight_kg: float, gender: str, standard: Physical) -> BodyResult:
    """BMI computed and placed in the range for the gender (exact value, shown to 0.1)."""
    value = bmi(height_cm, weight_kg)
    allowed = standard.bmi[gender]
    shown = f"BMI = {_num(weight_kg)} ÷ {height_cm / 100:g}² ≈ {value:.1f}"
    near = min(abs(value - allowed.low), abs(value - allowed.high)) < 0.1
    near_text = "，离界限很近，以体检实测为准" if near else ""
    if value < allowed.low:
        return BodyResult(Level.FAIL, f"{shown}：低于{gender}性下限{_num(allowed.low)}{near_text}")
    if value >= allowed.high:
        return BodyResult(
            Level.FAIL,
            f"{shown}：达到或超过{gender}性上限{_num(allowed.high)}（要求小于{_num(allowed.high)}）{near_text}",
        )
    text = f"{shown}：在{gender}性合格范围{_num(allowed.low)}≤BMI<{_num(allowed.high)}内{near_text}"
    if gender == "男" and value >= standard.bmi_hba1c_from:
        return BodyResult(
            Level.CHECK, text + f"；但BMI≥{_num(standard.bmi_hba1c_from)}须加查糖化血红蛋白（<6.5%为合格）"
        )
    if gender == "男" and value >= standard.bmi_special_male_high:
        text += f"（身体条件兵要求BMI<{_num(standard.bmi_special_male_high)}）"
    return BodyResult(Level.PASS, text)


def check_vision(values: Sequence[float], myopia_degree: Optional[int], standard: Physical) -> BodyResult:
    """Naked-eye vision (one value = both eyes) against 4.5 / 4.8 and the 600度 limit."""
    if not values:
        raise ValueError("no vision values")
    eyes = list(values) if len(values) > 1 else [values[0], values[0]]
    shown = "、".join(f"{v:.1f}" for v in values)
    label = f"裸眼视力{shown}" + ("（按两眼都是此值）" if len(values) == 1 else "")
    worst = min(eyes)
    if worst < standard.vision_fail_below:
        return BodyResult(Level.FAIL, f"{label}：有一眼低于{_num(standard.vision_fail_below)}，按标准不合格")
    if worst < standard.vision_corrected_below:
        limit = standard.max_correction_degree
        if myopia_degree is not None and myopia_degree > limit:
            return BodyResult(
                Level.FAIL,
                f"{label}、近视{myopia_degree}度：裸眼低于{_num(standard.vision_corrected_below)}需查矫正视力，矫正度数超过{limit}度不合格",
            )
        degree = f"（您说的{myopia_degree}度未超过{limit}度）" if myopia_degree is not None else ""
        return BodyResult(
            Level.CHECK,
            f"{label}：有一眼低于{_num(standard.vision_corrected_below)}，需查矫正视力，任何一眼矫正视力须达到{_num(standard.vision_corrected_below)}且矫正度数不超过{limit}度{degree}",
        )
    return BodyResult(Level.PASS, f"{label}：两眼都达到{_num(standard.vision_corrected_below)}，符合裸眼视力要求")


def check_body(
    gender: str,
    height_cm: Optional[float],
    weight_kg: Optional[float],
    vision: Sequence[float],
    myopia_degree: Optional[int],
    standard: Physical,
) -> Tuple[BodyResult, ...]:
    """Every check the given numbers allow (none for numbers not given)."""
    results = []
    if height_cm is not None:
        results.append(check_height(height_cm, gender, standard))
        if weight_kg is not None:
            results.append(check_bmi(height_cm, weight_kg, gender, standard))
    if vision:
        results.append(check_vision(vision, myopia_degree, standard))
    return tuple(results)
