"""bot/lang/extract.py and bot/lang/numbers.py at the edges: each plausible range at both ends, relative
years, bare answers, and the numerals and grade words that must be left alone.

Found by mutation testing (``make mutation``).
"""

from __future__ import annotations

import pytest

from bot.lang.extract import (
    extract,
    extract_age,
    extract_birth_year,
    extract_enlistment,
    extract_loan,
    extract_myopia_degree,
    extract_program_years,
    extract_status,
    extract_tuition,
    extract_vision,
    extract_weight,
    extract_years_paid,
    is_skip,
    speaks_about_self,
)
from bot.lang.numbers import arabize, chinese_number, digit_string

YEAR = 2023


@pytest.mark.parametrize(
    "text, value",
    [
        ("30公斤", 30.0),
        ("29.9公斤", None),
        ("200公斤", 200.0),
        ("200.5公斤", None),
        ("60斤", 30.0),
        ("59斤", None),
        ("400斤", 200.0),
        ("401斤", None),
    ],
)
def test_weight_range_30_to_200_kg_at_both_ends(text: str, value) -> None:
    assert extract_weight(text) == value


@pytest.mark.parametrize(
    "text, value",
    [
        ("视力5.3", [5.3]),
        ("视力5.4", None),
        ("视力3.0", [3.0]),
        ("视力2.9", None),
        ("视力4.8 4.9 5.0", [4.8, 4.9]),
    ],
)
def test_vision_range_at_both_ends_and_two_eyes_at_most(text: str, value) -> None:
    assert extract_vision(text) == value


@pytest.mark.parametrize(
    "text, value", [("近视25度", 25), ("近视24度", None), ("近视2000度", 2000), ("近视2001度", None)]
)
def test_myopia_range_25_to_2000(text: str, value) -> None:
    assert extract_myopia_degree(text) == value


@pytest.mark.parametrize(
    "text, value",
    [
        ("2023年1月入伍", (2023, "上半年")),
        ("2023年6月入伍", (2023, "上半年")),
        ("2023年7月入伍", (2023, "下半年")),
        ("2023年12月入伍", (2023, "下半年")),
        ("2023年13月入伍", (None, None)),
        ("2023年0月入伍", (None, None)),
        ("去年上半年入伍", (2022, "上半年")),
        ("明年下半年", (2024, "下半年")),
        ("今年上半年", (2023, "上半年")),
        ("23年下半年", (2023, "下半年")),
        ("2017年下半年", (None, "下半年")),
        ("2018年下半年", (2018, "下半年")),
        ("2028年上半年", (2028, "上半年")),
        ("2029年上半年", (None, "上半年")),
    ],
)
def test_enlistment_months_1_to_12_and_relative_years(text: str, value) -> None:
    assert extract_enlistment(text, YEAR) == value


@pytest.mark.parametrize("text, value", [("交了0年", 0), ("交了8年", 8), ("交了9年", None)])
def test_years_paid_0_to_8(text: str, value) -> None:
    assert extract_years_paid(text) == value


def test_bare_answers_count_only_when_asked() -> None:
    assert [extract_years_paid(t, True) for t in ("4", "9", "0")] == [4, None, 0]
    assert extract_years_paid("4") is None
    assert [extract_tuition(t, True) for t in ("5000", "5000元", "300", "299", "200000", "200001", "一万五千")] == [
        5000,
        5000,
        300,
        None,
        200000,
        None,
        15000,
    ]
    assert extract_tuition("5000") is None
    assert [extract_program_years(t, True) for t in ("4", "8", "9", "0", "1")] == [4, 8, None, None, 1]
    assert extract_program_years("4") is None
    assert (extract_program_years("学制5年"), extract_program_years("三年制")) == (5, 3)
    assert [extract_age(t, True) for t in ("21", "13", "14", "45", "46")] == [21, None, 14, 45, None]
    assert extract_age("21") is None
    assert (
        extract_birth_year("2003", YEAR, True),
        extract_birth_year("03", YEAR, True),
        extract_birth_year("2003", YEAR),
    ) == (2003, 2003, None)
    assert (extract_loan("没有", True), extract_loan("没有"), extract_loan("24000", True), extract_loan("24000")) == (
        0.0,
        None,
        24000.0,
        None,
    )
    assert (extract_status("其他", YEAR, True), extract_status("其他", YEAR)) == (("非学生", None), (None, None))


@pytest.mark.parametrize(
    "text, value",
    [
        ("前年毕业", ("往届毕业生", 2021)),
        ("我前年毕业的", ("往届毕业生", 2021)),
        ("去年毕业", ("往届毕业生", 2022)),
        ("今年毕业", ("应届毕业生", 2023)),
    ],
)
def test_relative_graduation_years(text: str, value) -> None:
    assert extract_status(text, YEAR) == value


@pytest.mark.parametrize(
    "text, value",
    [
        ("一万五千", 15000),
        ("一万五", 15000),
        ("一万零五百", 10500),
        ("两万零五", 20005),
        ("〇", 0),
        ("二〇〇三", 2003),
        ("一千零三", 1003),
        ("点五", 0.5),
        ("三点一四", 3.14),
        ("十万", 100000),
        ("万", 10000),
        ("", None),
        ("一点", None),
        ("一万二三", None),
    ],
)
def test_chinese_numbers_edges(text: str, value) -> None:
    assert chinese_number(text) == value


def test_digit_strings_keep_leading_zeros() -> None:
    assert (digit_string("零三"), digit_string("〇三"), digit_string("三十"), digit_string("")) == (
        "03",
        "03",
        None,
        None,
    )


@pytest.mark.parametrize(
    "text, value",
    [
        ("5千", "5000"),
        ("5千块", "5000块"),
        ("4.5k", "4500"),
        ("1.2万", "12000"),
        ("3.5万", "35000"),
        ("1万2", "12000"),
        ("一万五千元", "15000元"),
        ("二〇〇三年", "2003年"),
        ("零三年", "03年"),
        ("八千一年", "8000 1年"),
        ("三岁", "3岁"),
        ("1千米", "1千米"),
        ("5kg", "5kg"),
        ("70千克", "70kg"),
        # grade and ordinal words stay words; 身高一米八 is a height
        ("大一", "大一"),
        ("第三", "第三"),
        ("第三年", "第三年"),
        ("高三", "高三"),
        ("研二", "研二"),
        ("星期三", "星期三"),
        ("他一下", "他一下"),
        ("一个", "一个"),
        ("三", "三"),
        ("十", "十"),
        ("千", "千"),
        ("身高一米八", "身高1米八"),
    ],
)
def test_arabize_edges(text: str, value: str) -> None:
    assert arabize(text) == value


def test_grades_give_status_and_level() -> None:
    assert extract("大四", YEAR).values() == {"student_status": "在校生", "education_level": "本科", "grade": "大四"}
    assert extract("研二", YEAR).values() == {"student_status": "在校生", "education_level": "研究生", "grade": "研二"}
    assert extract("高三", YEAR).values() == {"student_status": "在校生", "education_level": "高中", "grade": "高三"}
    assert extract("初二", YEAR).values() == {"student_status": "在校生", "education_level": "初中", "grade": "初二"}
    assert extract("快毕业了", YEAR).values() == {"student_status": "在校生", "grade": "毕业班"}


def test_one_message_with_everything() -> None:
    facts = extract("我男，21岁，大二，身高175，体重70公斤，视力4.8，学费5000", YEAR)
    assert facts.values() == {
        "gender": "男",
        "birth_year": 2002,
        "age": 21,
        "student_status": "在校生",
        "grade": "大二",
        "height_cm": 175.0,
        "weight_kg": 70.0,
        "vision": [4.8],
        "tuition_per_year": 5000.0,
    }
    assert extract("体重140", YEAR).notes == ["weight_unit"] and extract("体重70公斤", YEAR).notes == []


def test_skips_and_self_descriptions() -> None:
    assert is_skip("跳过") and not is_skip("我要跳过")
    assert speaks_about_self("我21岁") and not speaks_about_self("我想问一下学费")


@pytest.mark.parametrize(
    "slot, text, facts",
    [
        ("birth_year", "2003", {"birth_year": 2003}),
        ("birth_year", "21", {"birth_year": 2002, "age": 21}),
        ("student_status", "其他", {"student_status": "非学生"}),
        ("body_asked", "175", {"height_cm": 175.0}),
        ("body_asked", "4.8", {"vision": [4.8]}),
        ("enlist_year", "2024", {"enlist_year": 2024}),
        ("enlist_half", "2023.9", {"enlist_year": 2023, "enlist_half": "下半年"}),
        ("loan_amount", "24000", {"loan_amount": 24000.0}),
        ("tuition_per_year", "5000", {"tuition_per_year": 5000.0}),
        ("years_paid", "4", {"years_paid": 4}),
        ("program_years", "4", {"program_years": 4}),
    ],
)
def test_a_bare_answer_counts_only_for_the_slot_just_asked(slot: str, text: str, facts) -> None:
    assert extract(text, YEAR, slot).values() == facts
    assert extract(text, YEAR).values() == {}
    assert extract(text, YEAR, "gender").values() == {}


def test_bare_gender_and_unclear_answers() -> None:
    assert extract("男", YEAR, "gender").values() == {"gender": "男"}
    assert extract("大学", YEAR, "education_level").values() == {}
    assert extract("近视500度", YEAR).myopia_degree == 500 and extract("跳过", YEAR).skipped is True
    assert extract("学费5000", YEAR).skipped is False


@pytest.mark.parametrize(
    "text, year",
    [
        ("1963年出生", 1963),
        ("1962年出生", None),
        ("2018年出生", 2018),
        ("2019年出生", None),
        ("99年的", 1999),
    ],
)
def test_birth_years_from_60_to_5_years_back(text: str, year) -> None:
    assert extract_birth_year(text, YEAR) == year


@pytest.mark.parametrize(
    "text, value",
    [
        ("1983年毕业", ("往届毕业生", 1983)),
        ("1982年毕业", (None, None)),
        ("2029年毕业", (None, 2029)),
        ("2030年毕业", (None, None)),
        ("23年毕业", ("应届毕业生", 2023)),
        ("22届毕业", ("往届毕业生", 2022)),
    ],
)
def test_graduation_years_from_40_back_to_6_ahead(text: str, value) -> None:
    assert extract_status(text, YEAR) == value


@pytest.mark.parametrize("text, age", [("5岁", 5), ("4岁", None), ("70岁", 70), ("71岁", None)])
def test_ages_5_to_70(text: str, age) -> None:
    assert extract_age(text) == age


@pytest.mark.parametrize(
    "text, value", [("学费300", 300.0), ("学费299", None), ("学费200000", 200000.0), ("学费200001", None)]
)
def test_tuition_300_to_200000(text: str, value) -> None:
    assert extract_tuition(text) == value


@pytest.mark.parametrize("text, value", [("学制8年", 8), ("学制9年", None), ("学制1年", 1), ("学制0年", None)])
def test_programme_years_1_to_8(text: str, value) -> None:
    assert extract_program_years(text) == value


def test_a_grade_does_not_override_a_stated_status() -> None:
    assert extract("我是往届毕业生，大二的时候", YEAR).values() == {"student_status": "往届毕业生", "grade": "大二"}
    assert extract("应届，快毕业了", YEAR).values() == {"student_status": "应届毕业生", "grade": "毕业班"}
    assert extract("毕业班", YEAR).values() == {"student_status": "在校生", "grade": "毕业班"}


@pytest.mark.parametrize(
    "text, value",
    [
        ("一点二点三", None),
        ("二三", 23),
        ("一二十", None),
        ("二一十", None),
    ],
)
def test_malformed_numerals_are_not_guessed(text: str, value) -> None:
    assert chinese_number(text) == value


@pytest.mark.parametrize(
    "text, value",
    [
        ("100万", "1000000"),
        ("一百万", "1000000"),
        ("大一年级", "大一年级"),
        ("十一年", "11年"),
        ("二零一年", "201年"),
        ("百", "百"),
        ("点", "点"),
        ("万", "万"),
        ("一二十岁", "一二十岁"),
        ("一二千一年", "一二千一年"),
    ],
)
def test_arabize_whole_numbers_and_runs_it_cannot_read(text: str, value: str) -> None:
    assert arabize(text) == value
