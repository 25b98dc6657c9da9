"""The FAQ validator's rules at their limits, word for word, and what a valid entry becomes.

Found by mutation testing (``make mutation``): the title, ``reviewed_by`` and button-count
rules, staleness at exactly 365 days and ISO-string dates had no test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import List

import pytest

from tests.faq.test_validator import QUESTIONS_A, QUESTIONS_B, TODAY, check, entry, two_entries


def messages(tmp_path: Path, entries) -> List[str]:
    return [p.message for p in check(tmp_path, ("a.yml", entries)).problems]


REVIEWER = "审核人（reviewed_by）应是审核人的姓名，1到40个字，不含HTML标签。"


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"title": "一" * 16}, []),
        ({"title": "一" * 17}, ["标题“一一一一一一一一一一一一一一一一一”太长（17字），按钮上最多显示16个字。"]),
        ({"title": "  "}, ["标题（title）不能为空，它是按钮上显示的简短名称，例如“学费补偿”。"]),
        ({"reviewed_by": "李" * 40}, []),
        ({"reviewed_by": "李" * 41}, [REVIEWER]),
        ({"reviewed_by": "<b>李</b>"}, [REVIEWER]),
        ({"reviewed_by": " "}, [REVIEWER]),
        ({"reviewed": TODAY - dt.timedelta(days=365)}, []),
        (
            {"reviewed": TODAY - dt.timedelta(days=366)},
            ["该条目上次审核是 2025-11-27，已超过365天，请核对政策是否有变化，并更新 reviewed 日期。"],
        ),
        ({"reviewed": TODAY, "valid_until": TODAY}, []),
        ({"reviewed": "2026-11-01", "valid_until": "2027-08-31"}, []),
        ({"valid_until": None}, []),
        ({"valid_until": "明年"}, ["有效期“明年”格式不对，应写成 2024-08-31 这样的日期。"]),
        ({"tags": ["经济", " "]}, ["标签（tags）应是文字列表，例如 [经济, 学费]。"]),
        ({"tags": "经济"}, ["标签（tags）应是文字列表，例如 [经济, 学费]。"]),
        ({"sources": ["abc", "《征兵工作条例》"]}, ["第1条来源是空的或太短，请写出文件名称或网址。"]),
        (
            {"sources": []},
            ["来源（sources）必须是至少一项的列表，每项写一个政策文件或网址，例如“《征兵工作条例》第十五条”。"],
        ),
        ({"questions": QUESTIONS_A + [" "]}, ["第10条问法是空的或不是文字。"]),
        ({"questions": QUESTIONS_A + ["问" * 120]}, []),
        (
            {"questions": QUESTIONS_A + ["问" * 121]},
            ["问法“问问问问问问问问问问问问问问问问问问问问…”太长（121字），每条问法最多120字。"],
        ),
        ({"questions": QUESTIONS_A + ["？？"]}, ["问法“？？”只有标点符号。"]),
        ({"answer": " "}, ["答案（answer）不能为空。"]),
        (
            {"answer": "联系 {contact} 或 {"},
            ["答案中有不成对的花括号 { 或 }，请删除（花括号只用于 {contact} 占位符）。"],
        ),
        ({"answer": "联系 {phone}"}, ["答案中的占位符“{phone}”无法识别，可用的只有 {contact}（联系方式）。"]),
        ({"policy_year": 2000}, []),
        ({"policy_year": 2101}, ["政策年度“2101”应是四位年份数字，例如 2023。"]),
        ({"policy_year": True}, ["政策年度“True”应是四位年份数字，例如 2023。"]),
    ],
)
def test_entry_rules_at_their_limits(tmp_path: Path, fields, expected: List[str]) -> None:
    assert messages(tmp_path, [entry(**fields)]) == expected


def test_bad_id_word_for_word(tmp_path: Path) -> None:
    assert messages(tmp_path, [entry("A")]) == [
        "编号“A”不合规：只能用小写英文字母、数字和下划线，以字母开头，2到48个字符，例如 tuition_compensation。"
    ]


def five_entries() -> list:
    more = [
        entry(entry_id, [f"{word}{i}号怎么办呢" for i in range(9)], title=word)
        for entry_id, word in (("c_entry", "体检"), ("d_entry", "政审"), ("e_entry", "报名"))
    ]
    return two_entries() + more


@pytest.mark.parametrize(
    "buttons, expected",
    [
        (["postgrad_bonus", "c_entry", "d_entry", "e_entry"], []),
        (
            ["postgrad_bonus", "c_entry", "d_entry", "e_entry", "postgrad_bonus"],
            ["后续问题按钮最多4个，现在有5个。", "按钮“postgrad_bonus”重复了。"],
        ),
        (["postgrad_bonus", "postgrad_bonus"], ["按钮“postgrad_bonus”重复了。"]),
        ("postgrad_bonus", ["后续问题按钮（buttons）应是条目编号的列表，例如 [loan_repayment, tuition_limits]。"]),
        (["tuition_compensation"], ["按钮不能指向条目自己。"]),
    ],
)
def test_buttons_at_most_four_distinct_known_others(tmp_path: Path, buttons, expected: List[str]) -> None:
    entries = five_entries()
    entries[0]["buttons"] = buttons
    assert messages(tmp_path, entries) == expected


def test_a_valid_entry_is_built_trimmed_with_iso_dates(tmp_path: Path) -> None:
    first = entry(
        reviewed="2026-11-01",
        valid_until="2027-08-31",
        reviewed_by=" 李雷 ",
        tags=[" 经济 "],
        buttons=["postgrad_bonus"],
        title=" 学费补偿 ",
        sources=[" 《征兵工作条例》 "],
        answer=" 答案。 ",
        questions=[f" {q} " for q in QUESTIONS_A],
    )
    result = check(tmp_path, ("a.yml", [first, entry("postgrad_bonus", QUESTIONS_B, title="考研加分")]))
    assert result.ok and not result.problems
    built, other = result.entries
    assert (built.id, built.title, built.questions, built.answer, built.sources) == (
        "tuition_compensation",
        "学费补偿",
        tuple(QUESTIONS_A),
        "答案。",
        ("《征兵工作条例》",),
    )
    assert (built.policy_year, built.reviewed, built.valid_until, built.reviewed_by, built.tags, built.buttons) == (
        2023,
        dt.date(2026, 11, 1),
        dt.date(2027, 8, 31),
        "李雷",
        ("经济",),
        ("postgrad_bonus",),
    )
    assert (other.valid_until, other.reviewed_by, other.tags, other.buttons) == (None, None, (), ())
    assert result.report() == "检查通过：共 2 个条目。"


def test_report_counts_warnings_and_errors(tmp_path: Path) -> None:
    stale = check(tmp_path / "1", ("a.yml", [entry(reviewed=dt.date(2024, 1, 1))]))
    assert stale.report().endswith("检查通过：共 1 个条目，1 个警告（不影响使用，但请尽快处理）。")
    broken = check(tmp_path / "2", ("a.yml", [entry(title=" ", reviewed=dt.date(2024, 1, 1))]))
    lines = broken.report().splitlines()
    assert lines[0].startswith("[错误] ") and lines[1].startswith("[警告] ")
    assert lines[-1] == (
        "检查未通过：1 个错误，1 个警告。请按上面的提示修改后重新运行 enlist faq validate；"
        "修正错误之前，机器人会继续使用上一次通过检查的内容。"
    )


EVERY_PROBLEM = """- id: bad_entry
  title: 一一一一一一一一一一一一一一一一一
  questions:
  - 学费补偿是什么
  - 当兵能补学费吗
  - 入伍后学费能退吗
  - 参军学废补偿
  - 服兵役交过的学费国家给不给
  - 我大二去当兵学费怎么算
  - 应征入伍学费返还政策
  - 大学生参军补偿学费吗
  - 学费能拿回来吗
  - 学费能拿回来吗？
  answer: 联系 {phone}
  sources:
  - 《征兵工作条例》
  - abc
  policy_year: 2101
  reviewed: 昨天
  valid_until: 明年
  reviewed_by: <b>x</b>
  buttons:
  - other_entry
  - bad_entry
  - other_entry
  - nope
  - other_entry
  tags: 经济
- id: other_entry
  title: 其他
  questions:
  - 考研加几分
  - 退役考研加分政策
  - 当过兵考研有优惠吗
  - 参军回来考研究生加分吗
  - 服兵役后考研初试加分
  - 入伍退伍考研能加10分吗
  - 考研加分几年有效
  - 学费补偿是什么
  - 当兵能补学费吗呀
  answer: 答案。
  sources: [《征兵工作条例》]
  policy_year: 2023
  reviewed: 2026-11-01
- id: Late
  title: 晚
  questions: [体检1号怎么办呢, 体检2号怎么办呢, 体检3号怎么办呢, 体检4号怎么办呢, 体检5号怎么办呢, 体检6号怎么办呢, 体检7号怎么办呢, 体检8号怎么办呢]
  answer: 答案。
  sources: [《征兵工作条例》]
  policy_year: 2023
  reviewed: 2027-01-01
  valid_until: 2026-11-27
"""


def test_every_problem_points_at_its_own_line(tmp_path: Path) -> None:
    """Each rule reports the line of the field (or list item) it is about, not the entry's first line."""
    result = check(tmp_path, ("a.yml", EVERY_PROBLEM))
    path = str(tmp_path / "faq" / "a.yml")
    found = sorted((p.location.line, p.entry_id, p.message.replace(path, "a.yml")) for p in result.problems)
    assert found == [
        (2, "bad_entry", "标题“一一一一一一一一一一一一一一一一一”太长（17字），按钮上最多显示16个字。"),
        (13, "bad_entry", "问法“学费能拿回来吗？”与本条目第9条问法重复（忽略标点后完全相同）。"),
        (14, "bad_entry", "答案中的占位符“{phone}”无法识别，可用的只有 {contact}（联系方式）。"),
        (17, "bad_entry", "第2条来源是空的或太短，请写出文件名称或网址。"),
        (18, "bad_entry", "政策年度“2101”应是四位年份数字，例如 2023。"),
        (19, "bad_entry", "审核日期“昨天”格式不对，应写成 2023-09-01 这样的日期。"),
        (20, "bad_entry", "有效期“明年”格式不对，应写成 2024-08-31 这样的日期。"),
        (21, "bad_entry", REVIEWER),
        (22, "bad_entry", "后续问题按钮最多4个，现在有5个。"),
        (24, "bad_entry", "按钮不能指向条目自己。"),
        (25, "bad_entry", "按钮“other_entry”重复了。"),
        (26, "bad_entry", "按钮指向不存在的条目“nope”。按钮里只能写已有条目的编号（id）。"),
        (27, "bad_entry", "按钮“other_entry”重复了。"),
        (28, "bad_entry", "标签（tags）应是文字列表，例如 [经济, 学费]。"),
        (
            39,
            "other_entry",
            "问法“学费补偿是什么”与 a.yml 第4行 条目“bad_entry”的问法“学费补偿是什么”相同。同一句问法只能属于一个条目，请删除或改写其中一句。",
        ),
        (
            40,
            "other_entry",
            "问法“当兵能补学费吗呀”与 a.yml 第5行 条目“bad_entry”的问法“当兵能补学费吗”过于相似（相似度0.86），机器人难以区分。请改写其中一句，使两个条目的问法明显不同。",
        ),
        (
            45,
            "Late",
            "编号“Late”不合规：只能用小写英文字母、数字和下划线，以字母开头，2到48个字符，例如 tuition_compensation。",
        ),
        (51, "Late", "审核日期 2027-01-01 晚于今天（2026-11-28），请填写实际审核的日期。"),
        (52, "Late", "该条目已于 2026-11-27 过期，请更新答案和有效期，或删除该条目。"),
    ]
    assert all(p.is_error and p.level == "error" for p in result.problems)


def test_a_stale_entry_is_a_warning_on_its_reviewed_line(tmp_path: Path) -> None:
    result = check(tmp_path, ("a.yml", [entry(reviewed=dt.date(2024, 1, 1))]))
    (warning,) = result.problems
    assert (warning.level, warning.is_error, warning.location.line) == ("warning", False, 17)
