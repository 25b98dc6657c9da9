"""Lead form field checks at the exact length limits, and what a check must leave alone.

Found by mutation testing (``make mutation``): limits tested one past the edge or not at
all, prefix/suffix stripping that was never shown to spare ordinary names.
"""

from __future__ import annotations

import pytest

from bot.leads.fields import (
    FIELDS_BY_SLOT,
    check_concern,
    check_education,
    check_enlist_place,
    check_hukou,
    check_name,
    check_phone,
    check_school,
    check_student_status,
    display_phone,
    looks_like_question,
    normalize_phone,
)


@pytest.mark.parametrize(
    "check, label, low, high",
    [
        (check_school, "学校名称", 2, 50),
        (check_hukou, "户籍所在地", 2, 50),
        (check_concern, "最关心的问题", 1, 200),
    ],
)
def test_free_text_lengths_at_both_edges(check, label: str, low: int, high: int) -> None:
    assert check("吕" * low).value == "吕" * low
    assert check("吕" * high).value == "吕" * high
    assert check("吕" * (high + 1)).problem == f"{label}请填写{low}–{high}个字。"
    assert check("吕" * (low - 1)).problem == f"{label}请填写{low}–{high}个字。"


def test_name_lengths_at_both_edges() -> None:
    assert check_name("李雷").value == "李雷"
    assert check_name("李" * 20).value == "李" * 20
    assert check_name("李" * 21).problem == "姓名需要2–20个字，请重新输入。"
    assert check_name("李").problem == "姓名需要2–20个字，请重新输入。"


def test_name_problems_word_for_word() -> None:
    assert check_name("李雷1").problem == "姓名里不能有数字，请输入您的真实姓名（2–20个字）。"
    assert check_name("李雷/").problem == "姓名里不能有网址或特殊符号，请输入您的真实姓名（2–20个字）。"
    assert check_name("李雷😀").problem == "姓名只能包含汉字、字母和间隔号“·”，请重新输入。"


@pytest.mark.parametrize(
    "typed, value",
    [
        ("叫李雷", "李雷"),
        ("名字是：李雷", "李雷"),
        ("姓名 王小明", "王小明"),
        ("我是李雷", "李雷"),
        ("我叫 王小明，", "王小明"),
        ("我叫李", "我叫李"),  # too short once the prefix is gone: kept as typed
    ],
)
def test_name_prefixes(typed: str, value: str) -> None:
    assert check_name(typed).value == value


@pytest.mark.parametrize(
    "typed, value",
    [
        ("吕梁学院", "吕梁学院"),
        ("太原理工大学", "太原理工大学"),
        ("山西大学", "山西大学"),  # no prefix: nothing cut
        ("我在吕院", "吕院"),
        ("我在吕", "我在吕"),
        ("就读于太原理工大学", "太原理工大学"),
        ("学校是吕梁学院", "吕梁学院"),
        ("吕梁学院读书", "吕梁学院"),
        ("我是吕梁学院的学生", "吕梁学院"),
        ("我在吕梁学院读大学", "吕梁学院"),
        ("太理上学", "太理"),
        ("吕上学", "吕上学"),
    ],
)
def test_school_prefixes_and_suffixes_cut_only_what_they_name(typed: str, value: str) -> None:
    assert check_school(typed).value == value


@pytest.mark.parametrize(
    "typed, value",
    [
        ("离石区", "离石区"),
        ("山西省吕梁市离石区", "山西省吕梁市离石区"),
        ("户口在离石区", "离石区"),
        ("老家是山西吕梁", "山西吕梁"),
        ("我是离石人", "离石人"),
        ("户口在离", "户口在离"),
    ],
)
def test_hukou_prefixes(typed: str, value: str) -> None:
    assert check_hukou(typed).value == value


def test_free_text_markup_is_refused_word_for_word() -> None:
    assert check_concern("学费 <b>").problem == "最关心的问题里不能有网址或特殊符号（如 < > / =），请用文字填写。"
    assert check_concern("都行").value == "无" and check_concern("没有").value == "无"


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("12800138000", "这看起来不是大陆手机号（应以13–19开头，共11位）。请重新输入，例如 138 0013 8000。"),
        ("1380013800", "手机号应是11位数字，您输入的是10位。请重新输入，例如 138 0013 8000。"),
        ("abc", "请输入11位手机号码，例如 138 0013 8000（可以带空格或短横线）。"),
    ],
)
def test_phone_problems_word_for_word(typed: str, problem: str) -> None:
    assert check_phone(typed).problem == problem


def test_phone_prefixes_only_with_eleven_digits_after_them() -> None:
    assert normalize_phone("8613800138000") == "13800138000"
    assert normalize_phone("861380013800") is None
    assert normalize_phone("13800138000") == "13800138000"
    assert display_phone("1380013800") == "1380013800"


@pytest.mark.parametrize(
    "check, typed, value",
    [
        (check_student_status, "往届毕业生", "往届毕业生"),
        (check_student_status, "其他", "其他"),
        (check_student_status, "我大二", "在校生"),
        (check_education, "本科", "本科"),
        (check_education, "大专", "专科"),
        (check_enlist_place, "未定", "未定"),
        (check_enlist_place, "老家", "户籍所在地"),
    ],
)
def test_choices(check, typed: str, value: str) -> None:
    assert check(typed).value == value


def test_choice_problems_list_the_choices() -> None:
    assert check_student_status("乱写").problem == "请选择您的身份：在校生、应届毕业生、往届毕业生、其他。"
    assert check_education("乱写").problem == "请选择您的学历层次：专科、本科、研究生。"
    assert check_enlist_place("乱写").problem == "请选择拟应征地：学校所在地、户籍所在地、未定。"


def test_questions_are_told_from_answers() -> None:
    assert looks_like_question("学费怎么算？")
    assert not looks_like_question("李雷")
    assert FIELDS_BY_SLOT["lead_phone"].skippable is False


@pytest.mark.parametrize(
    "check, typed, value",
    [
        (check_name, "名字叫李雷", "李雷"),
        (check_name, "我叫李雷", "李雷"),
        (check_name, "姓名李雷", "李雷"),
        (check_hukou, "户口在离石", "离石"),
        (check_hukou, "户籍在离石", "离石"),
        (check_hukou, "户口是离石", "离石"),
        (check_hukou, "户籍是离石", "离石"),
        (check_hukou, "老家在离石", "离石"),
        (check_hukou, "老家是离石", "离石"),
        (check_hukou, "我是离石", "离石"),
        (check_school, "就读于吕院", "吕院"),
        (check_school, "吕院的学生", "吕院"),
        (check_concern, "无", "无"),
        (check_concern, "没", "无"),
        (check_concern, "暂时没有", "无"),
    ],
)
def test_every_prefix_with_two_characters_after_it(check, typed: str, value: str) -> None:
    assert check(typed).value == value
