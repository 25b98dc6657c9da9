"""The age check: which limit of the policy table applies to a student, and are they within it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Optional

from bot.eligibility.policy import Profile
from bot.eligibility.rules import AgeRule, PolicyYear


class Match(Enum):
    YES = "yes"
    MAYBE = "maybe"  # depends on something we were not told (school year, graduation year)
    NO = "no"


class Outcome(Enum):
    WITHIN = "within"  # within the limit that applies
    CONDITIONAL = "conditional"  # within a limit that applies only if ... (see ``condition``)
    SEVENTEEN = "seventeen"  # 17: only by the army's need and own wish
    TOO_YOUNG = "too_young"  # under 17
    OVER = "over"  # above every limit that could apply
    NOT_TARGET = "not_target"  # women outside the groups conscripted this year


@dataclass(frozen=True)
class AgeVerdict:
    outcome: Outcome
    age: int
    rule: Optional[AgeRule]  # the limit that applies (None: no group matches)
    conditional: Optional[AgeRule] = None  # a more generous limit that may apply
    condition: str = ""  # what the conditional limit depends on


def age_in(year: int, birth_year: int) -> int:
    """Age for conscription purposes: the year minus the birth year (birthday irrelevant)."""
    return year - birth_year


def match(rule: AgeRule, profile: Profile, year: int) -> Match:
    """Does ``rule`` apply to ``profile``? MAYBE when it hinges on an unknown fact."""
    if rule.gender != profile.gender:
        return Match.NO
    if not rule.applies_to(profile.student_status, profile.education_level):
        return Match.NO
    result = Match.YES
    if rule.final_year_only:
        final = profile.is_final_year()
        if final is False:
            return Match.NO
        if final is None:
            result = Match.MAYBE
    if rule.graduated_years_ago is not None:
        if profile.graduation_year is None:
            result = Match.MAYBE
        elif year - profile.graduation_year != rule.graduated_years_ago:
            return Match.NO
    return result


def condition_text(rule: AgeRule, year: int) -> str:
    """What a MAYBE rule depends on, in words for the student."""
    if rule.final_year_only:
        return "您是符合毕业条件的毕业班学生（本科大四、专科大三）"
    if rule.graduated_years_ago is not None:
        return f"您是{year - rule.graduated_years_ago}年毕业的"
    return ""


def check_age(profile: Profile, policy: PolicyYear, year: Optional[int] = None) -> AgeVerdict:
    """Apply the table's age rules (first YES rule of the gender wins) to ``profile``.

    ``year``: the conscription year the age is counted in (default: the table's year; a
    later year when the configured year has no table of its own yet).
    """
    if profile.birth_year is None or profile.gender is None:
        raise ValueError("gender and birth year are needed")
    year = policy.year if year is None else year
    age = age_in(year, profile.birth_year)
    primary: Optional[AgeRule] = None
    maybe: Optional[AgeRule] = None
    for rule in policy.age_rules:
        found = match(rule, profile, year)
        if found is Match.YES:
            primary = rule
            break
        if found is Match.MAYBE and maybe is None:
            maybe = rule
    if age < 17:
        return AgeVerdict(Outcome.TOO_YOUNG, age, primary, maybe, condition_text(maybe, year) if maybe else "")
    if age == 17:
        return AgeVerdict(Outcome.SEVENTEEN, age, primary, maybe, condition_text(maybe, year) if maybe else "")
    if primary is None:
        return AgeVerdict(Outcome.NOT_TARGET, age, None, maybe, condition_text(maybe, year) if maybe else "")
    if age <= primary.max_age:
        return AgeVerdict(Outcome.WITHIN, age, primary)
    if maybe is not None and age <= maybe.max_age and maybe.max_age > primary.max_age:
        return AgeVerdict(Outcome.CONDITIONAL, age, primary, maybe, condition_text(maybe, year))
    return AgeVerdict(Outcome.OVER, age, primary, maybe, condition_text(maybe, year) if maybe else "")
