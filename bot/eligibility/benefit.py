"""The tuition money calculator: the cap for an enlistment date, 补偿/代偿 now, 减免 on return."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from bot.eligibility.rules import PolicyYear, Round, TuitionCap

#: The twice-a-year system (approval on 3月1日 / 9月1日) started in 2020 (N3).
FIRST_TWO_ROUND_YEAR = 2020
#: Standard programme lengths assumed when the student does not say (stated in the answer).
DEFAULT_PROGRAMME_YEARS = {"专科": 3, "本科": 4}


def approval_date(year: int, half: str, policy: PolicyYear) -> dt.date:
    """Day recruits of that round are approved (上半年 3月1日, 下半年 9月1日)."""
    if year < FIRST_TWO_ROUND_YEAR:
        raise ValueError(f"before {FIRST_TWO_ROUND_YEAR} there was one round a year")
    round_: Round = policy.round(half)
    return dt.date(year, round_.approval_month, round_.approval_day)


def tuition_cap(on: dt.date, policy: PolicyYear) -> TuitionCap:
    """The cap row whose 入伍通知书 date range contains ``on``."""
    for cap in policy.tuition_caps:
        if (cap.start is None or cap.start <= on) and (cap.end is None or on <= cap.end):
            return cap
    raise LookupError(f"no tuition cap for {on}")


def cap_amount(cap: TuitionCap, education_level: str) -> int:
    return cap.postgraduate if education_level == "研究生" else cap.undergraduate


@dataclass(frozen=True)
class Estimate:
    """Tuition money for one student; amounts in 元."""

    education_level: str
    student_status: str
    enlist_year: int
    enlist_half: str
    approval: dt.date
    cap: TuitionCap
    cap_per_year: int
    tuition_per_year: float
    loan_amount: float
    years_paid: int
    basis_per_year: float  # the higher of tuition and loan per year
    per_year: float  # capped
    total: float
    capped: bool
    loan_per_year: float
    remaining_years: Optional[int] = None  # enrolled students: years reduced on return
    programme_years: Optional[int] = None
    reduction_per_year: Optional[float] = None
    reduction_total: Optional[float] = None

    def arithmetic(self) -> str:
        """The calculation in one line, e.g. "5000元/年 × 4年 = 20000元"."""
        per_year = yuan(self.per_year)
        line = f"{per_year}元/年 × {self.years_paid}年 = {yuan(self.total)}元"
        if self.capped:
            line = f"每年{yuan(self.basis_per_year)}元超过上限，按上限{self.cap_per_year}元计：" + line
        return line


def yuan(amount: float) -> str:
    return f"{amount:.0f}" if float(amount).is_integer() else f"{amount:.2f}"


def estimate(
    policy: PolicyYear,
    education_level: str,
    student_status: str,
    enlist_year: int,
    enlist_half: str,
    tuition_per_year: float,
    years_paid: int,
    loan_amount: float = 0.0,
    programme_years: Optional[int] = None,
) -> Estimate:
    """学费补偿/贷款代偿 for the years paid, capped per year; 学费减免 years for enrolled students.

    The basis per year is the higher of the tuition and the loan spread over the years paid
    (N28/N29); each year is capped by the row of the approval date (N8, mapping 推断).
    """
    if tuition_per_year < 0 or loan_amount < 0 or years_paid < 0:
        raise ValueError("amounts and years must not be negative")
    approval = approval_date(enlist_year, enlist_half, policy)
    cap = tuition_cap(approval, policy)
    limit = cap_amount(cap, education_level)
    loan_per_year = loan_amount / years_paid if years_paid else 0.0
    basis = max(tuition_per_year, loan_per_year)
    per_year = min(basis, limit)
    total = per_year * years_paid
    remaining = reduction = reduction_total = None
    programme = programme_years or DEFAULT_PROGRAMME_YEARS.get(education_level)
    if student_status in ("在校生", "新生") and programme:
        remaining = max(programme - years_paid, 0)
        reduction = tuition_per_year
        reduction_total = reduction * remaining
    return Estimate(
        education_level=education_level,
        student_status=student_status,
        enlist_year=enlist_year,
        enlist_half=enlist_half,
        approval=approval,
        cap=cap,
        cap_per_year=limit,
        tuition_per_year=tuition_per_year,
        loan_amount=loan_amount,
        years_paid=years_paid,
        basis_per_year=basis,
        per_year=per_year,
        total=total,
        capped=basis > limit,
        loan_per_year=loan_per_year,
        remaining_years=remaining,
        programme_years=programme,
        reduction_per_year=reduction,
        reduction_total=reduction_total,
    )


def lowest_cap_from(on: dt.date, education_level: str, policy: PolicyYear) -> int:
    """The lowest cap of any row from ``on`` onwards (for 减免 in semesters after return)."""
    amounts = [cap_amount(c, education_level) for c in policy.tuition_caps if c.end is None or c.end >= on]
    return min(amounts)
