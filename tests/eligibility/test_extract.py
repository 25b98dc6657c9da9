"""bot/lang/extract.py and bot/lang/numbers.py: facts from Chinese text, Chinese numerals, units."""

from __future__ import annotations

import pytest

from bot.lang.extract import (
    extract,
    extract_age,
    extract_birth_year,
    extract_education,
    extract_enlistment,
    extract_gender,
    extract_grade,
    extract_height,
    extract_loan,
    extract_myopia_degree,
    extract_status,
    extract_tuition,
    extract_vision,
    extract_weight,
    extract_years_paid,
    is_skip,
    speaks_about_self,
    weight_without_unit,
)
from bot.lang.numbers import arabize, chinese_number

YEAR = 2023


@pytest.mark.parametrize(
    "text, value",
    [
        ("十七", 17),
        ("二十", 20),
        ("二十三", 23),
        ("一百四", 140),
        ("一百四十", 140),
        ("一百零五", 105),
        ("四千五", 4500),
        ("五千", 5000),
        ("一万二", 12000),
        ("两万四", 24000),
        ("一万", 10000),
        ("两千零三", 2003),
        ("二零零三", 2003),
        ("一点七五", 1.75),
        ("三", 3),
    ],
)
def test_chinese_numbers(text: str, value: float) -> None:
    assert chinese_number(text) == value


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我二十三岁", "我23岁"),
        ("零三年的", "03年的"),
        ("二零零三年出生", "2003年出生"),
        ("一百四十斤", "140斤"),
        ("七十千克", "70kg"),
        ("学费一年五千", "学费1年5000"),
        ("学费八千一年", "学费8000 1年"),  # 八千 a year, not 8100
        ("1万2", "12000"),
        ("1.2万元", "12000元"),
        ("我大一新生", "我大一新生"),  # grade words stay
        ("研二", "研二"),
        ("看一下", "看一下"),
    ],
)
def test_arabize_rewrites_quantities_only(text: str, expected: str) -> None:
    assert arabize(text) == expected


@pytest.mark.parametrize(
    "text, expect, gender",
    [
        ("我是男生", False, "男"),
        ("女生", False, "女"),
        ("本人女", False, "女"),
        ("性别：男", False, "男"),
        ("男的，21岁", False, "男"),
        ("我2000年12月出生，大二，男", False, "男"),
        ("男", True, "男"),
        ("女", True, "女"),
        ("男", False, "男"),
        ("我女朋友想当兵", False, None),
        ("男生女生都可以吗", False, None),
        ("我女儿18岁", False, None),
    ],
)
def test_gender(text: str, expect: bool, gender) -> None:
    assert extract_gender(text, expect) == gender


@pytest.mark.parametrize(
    "text, age",
    [
        ("我21岁", 21),
        ("二十三岁", 23),
        ("今年１７岁", 17),
        ("满18周岁了", 18),
        ("我二十一岁本科", 21),
        ("我今年没说年龄", None),
    ],
)
def test_age(text: str, age) -> None:
    assert extract_age(text) == age


def test_bare_age_only_when_asked() -> None:
    assert extract_age("21", expect=True) == 21
    assert extract_age("21") is None
    assert extract_age("5", expect=True) is None


@pytest.mark.parametrize(
    "text, year",
    [
        ("2002年出生", 2002),
        ("03年的", 2003),
        ("我是98年的", 1998),
        ("二零零三年出生", 2003),
        ("零三年的", 2003),
        ("出生于2001年", 2001),
        ("2000年12月出生", 2000),
        ("2001.12.31生", 2001),
        ("2004年生的", 2004),
        ("2023年的政策", None),
        ("2023年下半年入伍", None),
        ("2022年毕业的", None),
    ],
)
def test_birth_year(text: str, year) -> None:
    assert extract_birth_year(text, YEAR) == year


@pytest.mark.parametrize("text, year", [("2002", 2002), ("02", 2002), ("98年", 1998), ("21", None)])
def test_bare_birth_year_when_asked(text: str, year) -> None:
    assert extract_birth_year(text, YEAR, expect=True) == year


def test_age_and_birth_year_become_one_birth_year_in_the_policy_year() -> None:
    assert extract("二十三岁", YEAR).birth_year == 2000
    assert extract("21", YEAR, expect="birth_year").birth_year == 2002
    assert extract("2002", YEAR, expect="birth_year").birth_year == 2002
    assert extract("03年的", YEAR).birth_year == 2003


@pytest.mark.parametrize(
    "text, level",
    [
        ("本科", "本科"),
        ("我是大专的", "专科"),
        ("高职学生", "专科"),
        ("研二", "研究生"),
        ("硕士毕业", "研究生"),
        ("读研", "研究生"),
        ("博士在读", "研究生"),
        ("高中毕业", "高中"),
        ("中专", "高中"),
        ("初中文凭", "初中"),
        ("大四", "本科"),
        ("本科毕业现在读研", "研究生"),
        ("专升本", "本科"),
        ("不是研究生", None),
        ("大学生", None),
    ],
)
def test_education(text: str, level) -> None:
    assert extract_education(text) == level


@pytest.mark.parametrize(
    "text, status, graduated",
    [
        ("在校生", "在校生", None),
        ("大三", "在校生", None),
        ("还没毕业", "在校生", None),
        ("应届毕业生", "应届毕业生", None),
        ("今年刚毕业", "应届毕业生", YEAR),
        ("往届", "往届毕业生", None),
        ("去年本科刚毕业", "往届毕业生", 2022),
        ("2021年毕业的", "往届毕业生", 2021),
        ("毕业两年了", "往届毕业生", None),
        ("大一新生", "新生", None),
        ("刚被录取", "新生", None),
        ("没上大学，在打工", "非学生", None),
        ("不是学生", "非学生", None),
        ("2023届本科毕业", "应届毕业生", 2023),
    ],
)
def test_status(text: str, status, graduated) -> None:
    assert extract_status(text, YEAR) == (status, graduated)


@pytest.mark.parametrize(
    "text, grade",
    [
        ("大三", "大三"),
        ("大学3年级", "大三"),
        ("研一", "研一"),
        ("高三", "高三"),
        ("毕业班", "毕业班"),
        ("高中", None),
        ("高考", None),
    ],
)
def test_grade(text: str, grade) -> None:
    assert extract_grade(text) == grade


def test_grade_implies_status_and_level() -> None:
    facts = extract("我21岁本科大三能当兵吗", YEAR)
    assert (facts.birth_year, facts.education_level, facts.student_status, facts.grade) == (
        2002,
        "本科",
        "在校生",
        "大三",
    )
    facts = extract("研一", YEAR)
    assert (facts.education_level, facts.student_status) == ("研究生", "在校生")
    facts = extract("我大四", YEAR)
    assert facts.education_level == "本科"


@pytest.mark.parametrize(
    "text, cm",
    [
        ("1.75米", 175),
        ("175cm", 175),
        ("175厘米", 175),
        ("一米七五", 175),
        ("一米七", 170),
        ("1米8", 180),
        ("一米六八", 168),
        ("身高180", 180),
        ("身高1.82", 182),
        ("一点七五米", 175),
        ("175公斤", None),
        ("体重175斤", None),
    ],
)
def test_height(text: str, cm) -> None:
    assert extract_height(text) == cm


def test_bare_height_only_when_asked() -> None:
    assert extract_height("175", expect=True) == 175
    assert extract_height("175") is None


@pytest.mark.parametrize(
    "text, kg",
    [
        ("70公斤", 70),
        ("70kg", 70),
        ("70千克", 70),
        ("140斤", 70),
        ("一百四十斤", 70),
        ("体重65公斤", 65),
        ("七十公斤", 70),
        ("体重140", None),
        ("5公斤", None),
    ],
)
def test_weight(text: str, kg) -> None:
    assert extract_weight(text) == kg


def test_weight_without_unit_is_noticed_not_guessed() -> None:
    assert weight_without_unit("身高175 体重140")
    assert extract("身高175 体重140", YEAR).notes == ["weight_unit"]
    assert not weight_without_unit("体重140斤")


@pytest.mark.parametrize(
    "text, values",
    [
        ("视力4.8", [4.8]),
        ("左眼4.6右眼5.0", [4.6, 5.0]),
        ("双眼5.0", [5.0]),
        ("裸眼视力４．５", [4.5]),
        ("1.75米 70公斤", None),
        ("4.8", None),
    ],
)
def test_vision(text: str, values) -> None:
    assert extract_vision(text) == values


def test_bare_vision_when_body_asked() -> None:
    assert extract_vision("4.8", expect=True) == [4.8]
    assert extract("175cm 70公斤 4.6 5.0", YEAR, expect="body_asked").vision == [4.6, 5.0]


def test_myopia_degree() -> None:
    assert extract_myopia_degree("近视500度") == 500
    assert extract_myopia_degree("度数650") == 650
    assert extract_myopia_degree("温度30度") is None


def test_the_issue_examples_in_one_message() -> None:
    facts = extract("我03年的，男，一米七五 一百四十斤 视力4.6", YEAR)
    assert (facts.birth_year, facts.gender, facts.height_cm, facts.weight_kg, facts.vision) == (
        2003,
        "男",
        175,
        70,
        [4.6],
    )
    facts = extract("1.75米 70公斤", YEAR)
    assert (facts.height_cm, facts.weight_kg) == (175, 70)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2023年9月入伍", (2023, "下半年")),
        ("2023-09入伍", (2023, "下半年")),
        ("今年下半年", (2023, "下半年")),
        ("23年上半年", (2023, "上半年")),
        ("明年上半年", (2024, "上半年")),
        ("下半年", (None, "下半年")),
        ("秋季入伍", (None, "下半年")),
        ("2024年3月去部队", (2024, "上半年")),
        ("2002年12月出生", (None, None)),
    ],
)
def test_enlistment(text: str, expected) -> None:
    assert extract_enlistment(text, YEAR) == expected


@pytest.mark.parametrize(
    "text, amount",
    [
        ("学费5000", 5000),
        ("5000元/年", 5000),
        ("一年四千五", 4500),
        ("每年学费6000元", 6000),
        ("学费一万二一年", 12000),
        ("贷款24000", None),
    ],
)
def test_tuition(text: str, amount) -> None:
    assert extract_tuition(text) == amount


@pytest.mark.parametrize(
    "text, amount",
    [
        ("贷款24000", 24000),
        ("贷了两万四", 24000),
        ("助学贷款一万六", 16000),
        ("没有贷款", 0),
        ("没贷款", 0),
        ("学费5000", None),
    ],
)
def test_loan(text: str, amount) -> None:
    assert extract_loan(text) == amount


def test_loan_bare_answers_when_asked() -> None:
    assert extract_loan("没有", expect=True) == 0
    assert extract_loan("30000", expect=True) == 30000


@pytest.mark.parametrize(
    "text, years",
    [
        ("交了4年", 4),
        ("读了两年", 2),
        ("4年学费", 4),
        ("学费5000元/年，交了4年", 4),
        ("一共3年", 3),
    ],
)
def test_years_paid(text: str, years) -> None:
    assert extract_years_paid(text) == years


def test_benefit_persona_in_one_message() -> None:
    facts = extract("24岁本科应届毕业生 2023年9月入伍 学费5000元/年 交了4年", YEAR)
    assert facts.values() == {
        "birth_year": 1999,
        "age": 24,
        "student_status": "应届毕业生",
        "education_level": "本科",
        "enlist_year": 2023,
        "enlist_half": "下半年",
        "tuition_per_year": 5000.0,
        "years_paid": 4,
    }


def test_skip_and_self_description() -> None:
    assert is_skip("跳过") and is_skip("不知道") and not is_skip("175cm")
    assert speaks_about_self("我21岁本科大三能当兵吗")
    assert not speaks_about_self("研究生可以当兵吗")
    assert not speaks_about_self("我想了解研究生当兵的政策")


def test_traditional_and_full_width() -> None:
    facts = extract("我是女生，２５歲，研究生在讀", YEAR)
    assert (facts.gender, facts.birth_year, facts.education_level, facts.student_status) == (
        "女",
        1998,
        "研究生",
        "在校生",
    )


@pytest.mark.parametrize(
    "text, height",
    [
        ("我身高180，体重75公斤，可以参军吗", 180),
        ("我身高一米八，能当兵吗", 180),
        ("身高一米七，体重一百二十斤", 170),
        ("高一米七五能当兵吗", 175),
        ("个子高1米7", 170),
    ],
)
def test_height_is_no_school_year(text: str, height: float) -> None:
    """身高/个子高 are heights: never 高一/高中/在校生 (a student of 180 cm is not in 高一)."""
    assert extract_height(text) == height
    assert extract_grade(text) is None
    assert extract_education(text) is None
    assert extract_status(text, YEAR) == (None, None)


@pytest.mark.parametrize("text, grade", [("我高一", "高一"), ("今年高三了", "高三"), ("我是高2的学生", "高二")])
def test_high_school_years_still_read(text: str, grade: str) -> None:
    assert extract_grade(text) == grade
    assert extract_education(text) == "高中"
