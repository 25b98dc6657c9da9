"""Where a student may enlist (应征地), and the 学校所在地 vs 户籍地 comparison."""

from __future__ import annotations

from typing import Optional, Tuple

from bot.eligibility.rules import LocationRow, LocationRule, PolicyYear


def location_rule(status: Optional[str], education: Optional[str], policy: PolicyYear) -> LocationRule:
    """The first location rule of the table that matches the student's 身份 and 学历层次."""
    for rule in policy.locations:
        if rule.applies_to(status, education):
            return rule
    raise LookupError("the table has no default location rule")


def can_choose(status: Optional[str], education: Optional[str], policy: PolicyYear) -> bool:
    """True for those who may pick 学校所在地 or 入学前户籍所在地 (enrolled, fresh graduates)."""
    return "学校所在地" in location_rule(status, education, policy).options


def comparison(policy: PolicyYear) -> Tuple[LocationRow, ...]:
    return policy.location_rows
