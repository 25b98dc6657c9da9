"""The 2023 rule table and the calculators over it, at every boundary."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from bot.eligibility import benefit as money
from bot.eligibility.age import Outcome, check_age
from bot.eligibility.location import can_choose, location_rule
from bot.eligibility.physical import Level, bmi, check_bmi, check_height, check_vision
from bot.eligibility.policy import Profile, policy_for
from bot.eligibility.rules import Status

P, _ = policy_for(2023)

YEAR = 2023


# --- the table itself -----------------------------------------------------------------


def test_every_rule_cites_a_known_source_and_has_a_status() -> None:
    for rule in P.all_rules():
        assert rule.cites, rule.id
        for cite in rule.cites:
            assert cite.code in P.sources, (rule.id, cite.code)
        assert isinstance(rule.status, Status)
    ids = [rule.id for rule in P.all_rules()]
    assert len(ids) == len(set(ids))


def test_table_numbers_are_the_fact_sheet_numbers() -> None:
    """Section 1.4 (ages), 1.7 (body), 3.1 (caps), 1.1/1.2 (rounds) of facts-2023.md."""
    limits = {rule.id: rule.max_age for rule in P.age_rules}
    assert limits == {
        "age.m.postgrad": 26,
        "age.m.graduate": 24,
        "age.m.final_year": 24,
        "age.m.junior": 20,
        "age.m.general": 22,
        "age.f.postgrad": 26,
        "age.f.university": 22,
        "age.f.high_school": 22,
        "age.f.last_year_graduate": 23,
    }
    assert P.physical.min_height_cm == {"男": 160, "女": 158}
    assert (
        P.physical.bmi["男"].low,
        P.physical.bmi["男"].high,
        P.physical.bmi["女"].low,
        P.physical.bmi["女"].high,
    ) == (17.5, 30, 17, 24)
    assert (P.physical.vision_fail_below, P.physical.vision_corrected_below, P.physical.max_correction_degree) == (
        4.5,
        4.8,
        600,
    )
    caps = [(c.start, c.end, c.undergraduate, c.postgraduate) for c in P.tuition_caps]
    assert caps == [
        (None, dt.date(2022, 1, 23), 8000, 12000),
        (dt.date(2022, 1, 24), dt.date(2023, 8, 31), 12000, 16000),
        (dt.date(2023, 9, 1), dt.date(2024, 8, 31), 16000, 20000),
        (dt.date(2024, 9, 1), None, 20000, 25000),
    ]
    assert [(r.name, r.start, r.end, r.approval_month, r.approval_day) for r in P.rounds] == [
        ("上半年", dt.date(2023, 2, 15), dt.date(2023, 3, 31), 3, 1),
        ("下半年", dt.date(2023, 8, 15), dt.date(2023, 9, 30), 9, 1),
    ]


def test_statuses_follow_the_fact_sheet() -> None:
    assert P.tuition_rules["round_to_cap"].status is Status.INFERRED  # 3.1 【推断】
    assert P.tuition_caps[-1].status is Status.DOUBTFUL  # 2024-09-01 row: no official document yet
    windows = {w.id: w.status for w in P.windows}
    assert windows["window.f.second"] is Status.NOT_FOUND  # 1.3 女兵下半年【未找到】
    assert all(s is Status.DOUBTFUL for k, s in windows.items() if k != "window.f.second")  # C-grade only
    assert next(r for r in P.locations if r.id == "loc.graduate").status is Status.INFERRED  # 5.1 【推断】


def test_caps_cover_every_date_without_gaps() -> None:
    caps = P.tuition_caps
    for before, after in itertools.pairwise(caps):
        assert before.end + dt.timedelta(days=1) == after.start


def test_other_years_fall_back_to_the_newest_older_table() -> None:
    assert policy_for(2023) == (P, True)
    assert policy_for(2025) == (P, False)
    assert policy_for(2021) == (P, False)


# --- age ---------------------------------------------------------------------------------


def person(gender: str, age: int, education: str, status=None, grade=None, graduated=None) -> Profile:
    return Profile(
        gender=gender,
        birth_year=YEAR - age,
        education_level=education,
        student_status=status,
        grade=grade,
        graduation_year=graduated,
    )


@pytest.mark.parametrize(
    "profile, outcome, limit",
    [
        # men, general 18-22 (N1)
        (person("男", 22, "本科", "在校生", "大二"), Outcome.WITHIN, 22),
        (person("男", 23, "本科", "在校生", "大二"), Outcome.OVER, 22),
        (person("男", 18, "高中", "应届毕业生"), Outcome.WITHIN, 22),
        (person("男", 17, "高中", "在校生"), Outcome.SEVENTEEN, 22),
        (person("男", 16, "高中", "在校生"), Outcome.TOO_YOUNG, 22),
        # men, 本专科毕业生 24
        (person("男", 24, "本科", "应届毕业生"), Outcome.WITHIN, 24),
        (person("男", 25, "本科", "应届毕业生"), Outcome.OVER, 24),
        (person("男", 24, "专科", "往届毕业生"), Outcome.WITHIN, 24),
        (person("男", 25, "专科", "往届毕业生"), Outcome.OVER, 24),
        # men, 毕业班 24
        (person("男", 24, "本科", "在校生", "大四"), Outcome.WITHIN, 24),
        (person("男", 25, "本科", "在校生", "大四"), Outcome.OVER, 24),
        (person("男", 24, "专科", "在校生", "大三"), Outcome.WITHIN, 24),
        (person("男", 23, "本科", "在校生", "大三"), Outcome.OVER, 22),
        # men, 研究生 26
        (person("男", 26, "研究生", "在校生"), Outcome.WITHIN, 26),
        (person("男", 27, "研究生", "应届毕业生"), Outcome.OVER, 26),
        (person("男", 26, "研究生", "往届毕业生"), Outcome.WITHIN, 26),
        # men, 初中 20
        (person("男", 20, "初中", "非学生"), Outcome.WITHIN, 20),
        (person("男", 21, "初中", "非学生"), Outcome.OVER, 20),
        # women
        (person("女", 26, "研究生", "在校生"), Outcome.WITHIN, 26),
        (person("女", 27, "研究生", "在校生"), Outcome.OVER, 26),
        (person("女", 22, "本科", "在校生"), Outcome.WITHIN, 22),
        (person("女", 23, "本科", "应届毕业生"), Outcome.OVER, 22),
        (person("女", 22, "高中", "应届毕业生"), Outcome.WITHIN, 22),
        (person("女", 23, "高中", "应届毕业生"), Outcome.OVER, 22),
        (person("女", 23, "本科", "往届毕业生", graduated=2022), Outcome.WITHIN, 23),
        (person("女", 24, "本科", "往届毕业生", graduated=2022), Outcome.OVER, 23),
    ],
)
def test_age_limits_plus_minus_one_year(profile: Profile, outcome: Outcome, limit: int) -> None:
    verdict = check_age(profile, P)
    assert verdict.outcome is outcome
    assert verdict.rule.max_age == limit


def test_final_year_unknown_is_conditional() -> None:
    verdict = check_age(person("男", 23, "本科", "在校生"), P)
    assert verdict.outcome is Outcome.CONDITIONAL
    assert (verdict.rule.max_age, verdict.conditional.max_age) == (22, 24)
    assert "毕业班" in verdict.condition
    assert check_age(person("男", 25, "本科", "在校生"), P).outcome is Outcome.OVER


def test_women_outside_the_groups_are_not_targets() -> None:
    assert check_age(person("女", 22, "本科", "往届毕业生", graduated=2021), P).outcome is Outcome.NOT_TARGET
    assert check_age(person("女", 20, "高中", "非学生"), P).outcome is Outcome.NOT_TARGET
    unknown = check_age(person("女", 23, "本科", "往届毕业生"), P)
    assert unknown.outcome is Outcome.NOT_TARGET and unknown.conditional.max_age == 23
    assert unknown.conditional.rounds == ("上半年",) and "2022年毕业" in unknown.condition


def test_age_counts_years_not_birthdays() -> None:
    """Born 2001 (any day) is 22 in 2023; born 2000-12-31 is already 23 (N21/N6)."""
    assert (
        check_age(
            Profile(gender="男", birth_year=2001, education_level="本科", student_status="在校生", grade="大二"), P
        ).outcome
        is Outcome.WITHIN
    )
    assert (
        check_age(
            Profile(gender="男", birth_year=2000, education_level="本科", student_status="在校生", grade="大二"), P
        ).outcome
        is Outcome.OVER
    )


def test_lead_form_status_other_counts_as_non_student() -> None:
    assert Profile.from_slots({"student_status": "其他"}).student_status == "非学生"


# --- body ----------------------------------------------------------------------------


def test_bmi_formula() -> None:
    assert bmi(175, 70) == pytest.approx(22.857, abs=1e-3)
    with pytest.raises(ValueError):
        bmi(0, 70)


@pytest.mark.parametrize(
    "weight, gender, level",
    [
        (70, "男", Level.PASS),  # 17.5: lower bound is inclusive
        (69.96, "男", Level.FAIL),  # 17.49
        (107.96, "男", Level.PASS),  # 26.99
        (108, "男", Level.PASS),  # 27: still fine, 条件兵 limit mentioned
        (112, "男", Level.CHECK),  # 28: HbA1c
        (119.96, "男", Level.CHECK),  # 29.99
        (120, "男", Level.FAIL),  # 30: upper bound is exclusive
        (68, "女", Level.PASS),  # 17
        (67.96, "女", Level.FAIL),  # 16.99
        (95.96, "女", Level.PASS),  # 23.99
        (96, "女", Level.FAIL),  # 24
    ],
)
def test_bmi_edges(weight: float, gender: str, level: Level) -> None:
    assert check_bmi(200, weight, gender, P.physical).level is level  # 2 m: BMI = weight / 4


def test_bmi_texts() -> None:
    assert "条件兵" in check_bmi(200, 108, "男", P.physical).text
    assert "糖化血红蛋白" in check_bmi(200, 112, "男", P.physical).text
    assert "离界限很近" in check_bmi(200, 119.96, "男", P.physical).text
    assert "≈ 22.9" in check_bmi(175, 70, "男", P.physical).text


@pytest.mark.parametrize(
    "height, gender, level",
    [
        (160, "男", Level.PASS),
        (159, "男", Level.FAIL),
        (158, "女", Level.PASS),
        (157, "女", Level.FAIL),
    ],
)
def test_height_edges(height: float, gender: str, level: Level) -> None:
    assert check_height(height, gender, P.physical).level is level


@pytest.mark.parametrize(
    "values, degree, level",
    [
        ([4.8], None, Level.PASS),
        ([5.0, 4.8], None, Level.PASS),
        ([4.7], None, Level.CHECK),
        ([4.5], None, Level.CHECK),
        ([4.4], None, Level.FAIL),
        ([5.0, 4.4], None, Level.FAIL),
        ([4.6], 600, Level.CHECK),
        ([4.6], 601, Level.FAIL),
        ([4.9], 700, Level.PASS),  # the 600度 limit is for correction; naked eye already fine
    ],
)
def test_vision_edges(values, degree, level: Level) -> None:
    assert check_vision(values, degree, P.physical).level is level


# --- tuition -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, undergraduate, postgraduate",
    [
        (dt.date(2022, 1, 23), 8000, 12000),
        (dt.date(2022, 1, 24), 12000, 16000),
        (dt.date(2023, 8, 31), 12000, 16000),
        (dt.date(2023, 9, 1), 16000, 20000),
        (dt.date(2024, 8, 31), 16000, 20000),
        (dt.date(2024, 9, 1), 20000, 25000),
    ],
)
def test_tuition_cap_date_boundaries(day: dt.date, undergraduate: int, postgraduate: int) -> None:
    cap = money.tuition_cap(day, P)
    assert (money.cap_amount(cap, "本科"), money.cap_amount(cap, "专科"), money.cap_amount(cap, "研究生")) == (
        undergraduate,
        undergraduate,
        postgraduate,
    )


def test_rounds_map_to_approval_dates_and_caps() -> None:
    assert money.approval_date(2023, "上半年", P) == dt.date(2023, 3, 1)
    assert money.approval_date(2023, "下半年", P) == dt.date(2023, 9, 1)
    assert money.tuition_cap(money.approval_date(2023, "上半年", P), P).undergraduate == 12000
    assert money.tuition_cap(money.approval_date(2023, "下半年", P), P).undergraduate == 16000
    assert money.tuition_cap(money.approval_date(2022, "下半年", P), P).undergraduate == 12000
    assert money.tuition_cap(money.approval_date(2021, "下半年", P), P).undergraduate == 8000
    with pytest.raises(ValueError):
        money.approval_date(2019, "下半年", P)


def test_issue_persona_24_year_old_graduate() -> None:
    est = money.estimate(P, "本科", "应届毕业生", 2023, "下半年", tuition_per_year=5000, years_paid=4)
    assert (est.cap_per_year, est.per_year, est.total, est.capped) == (16000, 5000, 20000, False)
    assert est.arithmetic() == "5000元/年 × 4年 = 20000元"
    assert est.remaining_years is None


def test_tuition_above_the_cap_is_capped() -> None:
    est = money.estimate(P, "本科", "往届毕业生", 2023, "上半年", tuition_per_year=15000, years_paid=4)
    assert (est.cap_per_year, est.per_year, est.total, est.capped) == (12000, 12000, 48000, True)
    assert est.arithmetic() == "每年15000元超过上限，按上限12000元计：12000元/年 × 4年 = 48000元"
    at_cap = money.estimate(P, "本科", "往届毕业生", 2023, "上半年", tuition_per_year=12000, years_paid=4)
    assert (at_cap.total, at_cap.capped) == (48000, False)


def test_the_higher_of_tuition_and_loan_counts() -> None:
    est = money.estimate(
        P, "研究生", "应届毕业生", 2023, "下半年", tuition_per_year=8000, years_paid=3, loan_amount=30000
    )
    assert (est.basis_per_year, est.per_year, est.total, est.cap_per_year) == (10000, 10000, 30000, 20000)
    lower_loan = money.estimate(
        P, "本科", "应届毕业生", 2023, "下半年", tuition_per_year=6000, years_paid=4, loan_amount=8000
    )
    assert lower_loan.total == 24000


def test_enrolled_student_gets_reduction_years_on_return() -> None:
    est = money.estimate(P, "本科", "在校生", 2023, "下半年", tuition_per_year=4500, years_paid=2)
    assert (est.total, est.remaining_years, est.reduction_total) == (9000, 2, 9000)
    five = money.estimate(P, "本科", "在校生", 2023, "下半年", tuition_per_year=4500, years_paid=2, programme_years=5)
    assert five.remaining_years == 3
    freshman = money.estimate(P, "专科", "新生", 2023, "下半年", tuition_per_year=6000, years_paid=0)
    assert (freshman.total, freshman.remaining_years, freshman.reduction_total) == (0, 3, 18000)


def test_lowest_cap_after_enlistment() -> None:
    assert money.lowest_cap_from(dt.date(2023, 3, 1), "本科", P) == 12000
    assert money.lowest_cap_from(dt.date(2023, 9, 1), "研究生", P) == 20000


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError):
        money.estimate(P, "本科", "应届毕业生", 2023, "下半年", tuition_per_year=-1, years_paid=4)


# --- where to enlist ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, education, options",
    [
        ("在校生", "本科", ("学校所在地", "入学前户籍所在地")),
        ("应届毕业生", "研究生", ("学校所在地", "入学前户籍所在地")),
        ("新生", "本科", ("入学前户籍所在地",)),
        ("往届毕业生", "专科", ("户籍所在地",)),
        ("应届毕业生", "高中", ("户籍所在地",)),
        ("非学生", "高中", ("户籍所在地",)),
    ],
)
def test_where_to_enlist(status: str, education: str, options) -> None:
    rule = location_rule(status, education, P)
    assert rule.options[: len(options)] == options
    assert can_choose(status, education, P) is ("学校所在地" in options)


# --- audit fixes (issue 12 §1) -----------------------------------------------------------------


def test_women_high_school_only_graduates_of_this_year_and_only_the_second_round() -> None:
    """Fact sheet §1.4/§10.8: only 普通高中应届毕业生; 下半年 only is 存疑; 在校生 are not targets."""
    assert check_age(person("女", 18, "高中", "在校生"), P).outcome is Outcome.NOT_TARGET
    verdict = check_age(person("女", 18, "高中", "应届毕业生"), P)
    assert verdict.outcome is Outcome.WITHIN and verdict.rule.rounds == ("下半年",)
    assert verdict.rule.status is Status.DOUBTFUL


def test_resettlement_rule_is_the_same_whichever_place_one_enlists_from() -> None:
    """安置条例 第十条 (§10.3): 不复学→入学前户口所在地 in both columns."""
    row = next(r for r in P.location_rows if r.id == "row.resettlement")
    assert "不复学的，为入学前户口所在地" in row.school and "不复学的，为入学前户口所在地" in row.hukou


def test_website_steps_come_from_n26_and_do_not_mention_military_registration() -> None:
    assert [c.code for c in P.registration["website"].cites] == ["N3"]
    steps = P.registration["steps"]
    assert [c.code for c in steps.cites] == ["N26"] and steps.status is Status.DOUBTFUL
    assert "兵役登记" not in steps.text and "兵役登记" not in P.registration["website"].text


def test_age_counting_is_not_attributed_to_the_medical_standard() -> None:
    names = [P.sources[c.code].short for c in P.age_notes["counting"].cites]
    assert not any("体格检查标准" in n for n in names)


def test_no_grading_words_in_what_students_read() -> None:
    for source in P.sources.values():
        assert not any(word in source.short for word in ("C级", "转引", "镜像")), source.code
