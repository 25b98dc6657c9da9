"""The calculators at the exact edge of each limit, and what their texts must not say.

Found by mutation testing (``make mutation``): limits tried one past the edge but never at
it, and texts checked only for what they contain.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.eligibility import benefit as money
from bot.eligibility.age import Outcome, check_age
from bot.eligibility.physical import Level, bmi, check_bmi, check_body, check_height, check_vision
from bot.eligibility.policy import Profile, policy_for

P, _ = policy_for(2023)
S = P.physical


def person(gender: str, age: int, education: str, status=None, grade=None, graduated=None) -> Profile:
    return Profile(
        gender=gender,
        birth_year=2023 - age,
        education_level=education,
        student_status=status,
        grade=grade,
        graduation_year=graduated,
    )


# --- age ------------------------------------------------------------------------------


def test_24_year_old_undergraduate_with_no_grade_is_conditional_at_the_final_year_limit() -> None:
    """24 is the 毕业班 limit itself: still conditional (``age <= max_age``), 25 is over."""
    verdict = check_age(person("男", 24, "本科", "在校生"), P)
    assert verdict.outcome is Outcome.CONDITIONAL
    assert (verdict.rule.max_age, verdict.conditional.max_age) == (22, 24)
    assert verdict.condition == "您是符合毕业条件的毕业班学生（本科大四、专科大三）"
    over = check_age(person("男", 25, "本科", "在校生"), P)
    assert over.outcome is Outcome.OVER and over.conditional.max_age == 24


def test_within_the_primary_limit_carries_no_condition() -> None:
    verdict = check_age(person("男", 22, "本科", "在校生"), P)
    assert verdict.outcome is Outcome.WITHIN
    assert (verdict.conditional, verdict.condition) == (None, "")


def test_graduation_year_condition_names_the_year() -> None:
    unknown = check_age(person("女", 23, "本科", "往届毕业生"), P)
    assert unknown.condition == "您是2022年毕业的"
    assert check_age(person("女", 23, "本科", "往届毕业生", graduated=2022), P).outcome is Outcome.WITHIN
    assert check_age(person("女", 23, "本科", "往届毕业生", graduated=2023), P).outcome is not Outcome.WITHIN


def test_seventeen_and_too_young_keep_the_rule_that_applies() -> None:
    seventeen = check_age(person("男", 17, "高中", "在校生"), P)
    young = check_age(person("男", 16, "高中", "在校生"), P)
    assert (seventeen.outcome, seventeen.age, seventeen.rule.max_age) == (Outcome.SEVENTEEN, 17, 22)
    assert (young.outcome, young.age, young.rule.max_age) == (Outcome.TOO_YOUNG, 16, 22)


def test_age_is_counted_in_the_given_year() -> None:
    verdict = check_age(person("男", 22, "本科", "在校生", "大二"), P, year=2024)
    assert (verdict.age, verdict.outcome) == (23, Outcome.OVER)
    with pytest.raises(ValueError):
        check_age(Profile(gender="男"), P)


# --- tuition ---------------------------------------------------------------------------


def test_lowest_cap_counts_the_row_ending_on_that_day() -> None:
    """2023-08-31 is the last day of the 12000 row (``end >= on``)."""
    assert money.lowest_cap_from(dt.date(2023, 8, 31), "本科", P) == 12000
    assert money.lowest_cap_from(dt.date(2023, 9, 1), "本科", P) == 16000
    assert money.lowest_cap_from(dt.date(2030, 1, 1), "研究生", P) == 25000


def test_2020_is_the_first_two_round_year() -> None:
    assert money.approval_date(2020, "上半年", P) == dt.date(2020, 3, 1)
    assert money.approval_date(2020, "下半年", P) == dt.date(2020, 9, 1)
    with pytest.raises(ValueError, match="2020"):
        money.approval_date(2019, "上半年", P)


def test_estimate_fields_and_a_zero_year_loan() -> None:
    est = money.estimate(
        P, "本科", "往届毕业生", 2023, "下半年", tuition_per_year=5000.5, years_paid=0, loan_amount=3000
    )
    assert (est.loan_per_year, est.total, est.years_paid, est.approval) == (0.0, 0.0, 0, dt.date(2023, 9, 1))
    assert (est.education_level, est.student_status, est.enlist_year, est.enlist_half) == (
        "本科",
        "往届毕业生",
        2023,
        "下半年",
    )
    assert (est.tuition_per_year, est.loan_amount, est.programme_years) == (5000.5, 3000, 4)
    assert money.yuan(5000.5) == "5000.50" and money.yuan(5000.0) == "5000"
    for bad in ({"loan_amount": -1}, {"years_paid": -1}):
        with pytest.raises(ValueError):
            money.estimate(
                P, "本科", "应届毕业生", 2023, "下半年", **{"tuition_per_year": 5000, "years_paid": 4, **bad}
            )


def test_enrolled_student_who_paid_every_year_has_no_reduction_left() -> None:
    est = money.estimate(P, "本科", "在校生", 2023, "下半年", tuition_per_year=4500, years_paid=5)
    assert (est.remaining_years, est.reduction_per_year, est.reduction_total) == (0, 4500, 0)
    no_programme = money.estimate(P, "研究生", "在校生", 2023, "下半年", tuition_per_year=8000, years_paid=1)
    assert (no_programme.remaining_years, no_programme.reduction_total) == (None, None)


# --- body ------------------------------------------------------------------------------


def test_height_texts() -> None:
    assert check_height(160, "男", S).text == "身高160cm：达到男性160cm以上的要求"
    assert check_height(157.5, "女", S).text == "身高157.5cm：低于女性158cm的要求（条件兵另有标准）"


@pytest.mark.parametrize(
    "weight, gender, level, text",
    [
        (69.96, "男", Level.FAIL, "BMI = 69.96 ÷ 2² ≈ 17.5：低于男性下限17.5，离界限很近，以体检实测为准"),
        (70.02, "男", Level.PASS, "BMI = 70.02 ÷ 2² ≈ 17.5：在男性合格范围17.5≤BMI<30内，离界限很近，以体检实测为准"),
        (100, "男", Level.PASS, "BMI = 100 ÷ 2² ≈ 25.0：在男性合格范围17.5≤BMI<30内"),
        (108, "男", Level.PASS, "BMI = 108 ÷ 2² ≈ 27.0：在男性合格范围17.5≤BMI<30内（身体条件兵要求BMI<27）"),
        (
            112,
            "男",
            Level.CHECK,
            "BMI = 112 ÷ 2² ≈ 28.0：在男性合格范围17.5≤BMI<30内；但BMI≥28须加查糖化血红蛋白（<6.5%为合格）",
        ),
        (
            120,
            "男",
            Level.FAIL,
            "BMI = 120 ÷ 2² ≈ 30.0：达到或超过男性上限30（要求小于30），离界限很近，以体检实测为准",
        ),
        (92, "女", Level.PASS, "BMI = 92 ÷ 2² ≈ 23.0：在女性合格范围17≤BMI<24内"),
    ],
)
def test_bmi_texts_in_full(weight: float, gender: str, level: Level, text: str) -> None:
    result = check_bmi(200, weight, gender, S)
    assert (result.level, result.text) == (level, text)


def test_a_male_pass_below_27_says_nothing_of_conditional_soldiers() -> None:
    """physical.py: the 条件兵 note is for men with 27 ≤ BMI < 28 only (``and``, not ``or``)."""
    for weight in (70.02, 100, 107.96):
        assert "条件兵" not in check_bmi(200, weight, "男", S).text
        assert "糖化" not in check_bmi(200, weight, "男", S).text
    assert "条件兵" not in check_bmi(200, 92, "女", S).text
    assert "离界限" not in check_bmi(200, 100, "男", S).text


def test_bmi_needs_positive_numbers() -> None:
    assert bmi(200, 100) == 25
    for height, weight in ((175, 0), (-1, 70), (175, -1)):
        with pytest.raises(ValueError):
            bmi(height, weight)


@pytest.mark.parametrize(
    "values, degree, level, text",
    [
        ([4.8], None, Level.PASS, "裸眼视力4.8（按两眼都是此值）：两眼都达到4.8，符合裸眼视力要求"),
        ([5.0, 4.4], None, Level.FAIL, "裸眼视力5.0、4.4：有一眼低于4.5，按标准不合格"),
        ([4.4, 5.0], None, Level.FAIL, "裸眼视力4.4、5.0：有一眼低于4.5，按标准不合格"),
        (
            [4.6],
            601,
            Level.FAIL,
            "裸眼视力4.6（按两眼都是此值）、近视601度：裸眼低于4.8需查矫正视力，矫正度数超过600度不合格",
        ),
        (
            [4.6],
            600,
            Level.CHECK,
            "裸眼视力4.6（按两眼都是此值）：有一眼低于4.8，需查矫正视力，任何一眼矫正视力须达到4.8且矫正度数不超过600度（您说的600度未超过600度）",
        ),
        (
            [4.6, 4.7],
            None,
            Level.CHECK,
            "裸眼视力4.6、4.7：有一眼低于4.8，需查矫正视力，任何一眼矫正视力须达到4.8且矫正度数不超过600度",
        ),
        (
            [5.0, 4.7],
            None,
            Level.CHECK,
            "裸眼视力5.0、4.7：有一眼低于4.8，需查矫正视力，任何一眼矫正视力须达到4.8且矫正度数不超过600度",
        ),
    ],
)
def test_vision_texts_in_full(values, degree, level: Level, text: str) -> None:
    result = check_vision(values, degree, S)
    assert (result.level, result.text) == (level, text)


def test_vision_needs_a_value() -> None:
    with pytest.raises(ValueError):
        check_vision([], None, S)


def test_body_checks_only_what_was_given() -> None:
    full = check_body("男", 175, 70, [4.8], None, S)
    assert [r.text for r in full] == [
        "身高175cm：达到男性160cm以上的要求",
        "BMI = 70 ÷ 1.75² ≈ 22.9：在男性合格范围17.5≤BMI<30内",
        "裸眼视力4.8（按两眼都是此值）：两眼都达到4.8，符合裸眼视力要求",
    ]
    assert check_body("男", None, 70, [], None, S) == ()
    assert [r.text for r in check_body("女", 160, None, [4.6], 300, S)] == [
        "身高160cm：达到女性158cm以上的要求",
        "裸眼视力4.6（按两眼都是此值）：有一眼低于4.8，需查矫正视力，任何一眼矫正视力须达到4.8且矫正度数不超过600度（您说的300度未超过600度）",
    ]


FINAL_YEAR = "您是符合毕业条件的毕业班学生（本科大四、专科大三）"


@pytest.mark.parametrize(
    "profile, outcome, rule, conditional, condition",
    [
        (person("男", 16, "本科", "在校生"), Outcome.TOO_YOUNG, "age.m.general", "age.m.final_year", FINAL_YEAR),
        (person("男", 17, "本科", "在校生"), Outcome.SEVENTEEN, "age.m.general", "age.m.final_year", FINAL_YEAR),
        (
            person("女", 16, "本科", "往届毕业生"),
            Outcome.TOO_YOUNG,
            None,
            "age.f.last_year_graduate",
            "您是2022年毕业的",
        ),
        (
            person("女", 17, "本科", "往届毕业生"),
            Outcome.SEVENTEEN,
            None,
            "age.f.last_year_graduate",
            "您是2022年毕业的",
        ),
        (
            person("女", 23, "本科", "往届毕业生"),
            Outcome.NOT_TARGET,
            None,
            "age.f.last_year_graduate",
            "您是2022年毕业的",
        ),
        (person("女", 30, "本科", "往届毕业生", graduated=2021), Outcome.NOT_TARGET, None, None, ""),
        (person("男", 25, "本科", "在校生"), Outcome.OVER, "age.m.general", "age.m.final_year", FINAL_YEAR),
        (person("男", 16, "高中", "在校生"), Outcome.TOO_YOUNG, "age.m.general", None, ""),
        (person("男", 17, "高中", "在校生"), Outcome.SEVENTEEN, "age.m.general", None, ""),
        (person("男", 23, "高中", "非学生"), Outcome.OVER, "age.m.general", None, ""),
    ],
)
def test_every_verdict_carries_the_conditional_limit_and_its_condition(
    profile, outcome, rule, conditional, condition
) -> None:
    verdict = check_age(profile, P)
    assert verdict.outcome is outcome and verdict.age == 2023 - profile.birth_year
    assert (verdict.rule.id if verdict.rule else None) == rule
    assert (verdict.conditional.id if verdict.conditional else None) == conditional
    assert verdict.condition == condition


def test_a_rule_that_depends_on_nothing_has_no_condition() -> None:
    from bot.eligibility.age import condition_text

    general = next(rule for rule in P.age_rules if rule.id == "age.m.general")
    assert condition_text(general, 2023) == ""
    with pytest.raises(ValueError, match="^gender and birth year are needed$"):
        check_age(Profile(gender="男"), P)
