"""Issue 12 §5: the policy table is a data file (faq/policy/<year>.yml) that staff edit;
`enlist faq validate` reports its mistakes with file and line, in Chinese; a new year's
file changes the answers with no code change."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.eligibility import benefit as money
from bot.eligibility.policy import PolicyTables, Profile
from bot.eligibility.policy_file import read_policy_file
from bot.eligibility.render import render_benefit, render_eligibility
from tests.conftest import PROJECT_HOME

SHIPPED = PROJECT_HOME / "faq" / "policy" / "2023.yml"
MAN_23 = Profile(gender="男", birth_year=2001, education_level="本科", student_status="在校生", grade="大三")


def copy_as(tmp_path: Path, year: int, *edits: tuple) -> Path:
    text = SHIPPED.read_text(encoding="utf-8").replace("year: 2023\n", f"year: {year}\n", 1)
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    directory = tmp_path / "policy"
    directory.mkdir(exist_ok=True)
    if not (directory / "2023.yml").exists():
        shutil.copy(SHIPPED, directory / "2023.yml")
    (directory / f"{year}.yml").write_text(text, encoding="utf-8")
    return directory


def problems_of(path: Path) -> list:
    table, problems = read_policy_file(path)
    assert table is None
    return [p.describe() for p in problems]


def test_the_shipped_table_reads_without_problems() -> None:
    table, problems = read_policy_file(SHIPPED)
    assert problems == [] and table.year == 2023
    assert {r.max_age for r in table.age_rules} == {20, 22, 23, 24, 26}
    assert [(c.undergraduate, c.postgraduate) for c in table.tuition_caps] == [
        (8000, 12000),
        (12000, 16000),
        (16000, 20000),
        (20000, 25000),
    ]


def test_a_new_years_file_changes_the_answers_with_no_code_change(tmp_path: Path) -> None:
    directory = copy_as(
        tmp_path,
        2024,
        ("  max_age: 22\n  group: 男青年（一般条件）", "  max_age: 23\n  group: 男青年（一般条件）"),
        ("text: 男青年一般为当年年满18至22周岁", "text: 男青年一般为当年年满18至23周岁"),
    )
    tables = PolicyTables(directory)
    old, exact_old = tables.policy_for(2023)
    new, exact_new = tables.policy_for(2024)
    assert exact_old and exact_new and new.year == 2024
    assert "很遗憾" in render_eligibility(MAN_23, old, 2024).text  # 23 in 2024 is over 22 by the 2023 table
    answer = render_eligibility(MAN_23, new, 2024)
    assert "年龄条件：符合" in answer.text and "上限23周岁" in answer.text
    assert "男青年一般为当年年满18至23周岁" in answer.details and "本助手还没有" not in answer.text


def test_a_changed_cap_changes_the_estimate_and_a_running_table_reloads(tmp_path: Path) -> None:
    directory = copy_as(tmp_path, 2025)
    tables = PolicyTables(directory)
    est = money.estimate(tables.policy_for(2025)[0], "本科", "应届毕业生", 2023, "下半年", 30000, 1)
    assert est.total == 16000
    path = directory / "2025.yml"
    text = path.read_text(encoding="utf-8").replace("  undergraduate: 16000\n", "  undergraduate: 17000\n", 1)
    path.write_text(text, encoding="utf-8")
    import os

    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))
    table = tables.policy_for(2025)[0]
    est = money.estimate(table, "本科", "应届毕业生", 2023, "下半年", 30000, 1)
    assert est.total == 17000
    assert (
        "共17000元"
        in render_benefit(est, Profile(education_level="本科", student_status="应届毕业生"), table, 2025).text
    )


def test_a_broken_edit_keeps_the_last_good_table(tmp_path: Path) -> None:
    directory = copy_as(tmp_path, 2025)
    tables = PolicyTables(directory)
    assert tables.policy_for(2025)[0].year == 2025
    path = directory / "2025.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("  max_age: 26\n", "  max_age: 二十六\n", 1), encoding="utf-8"
    )
    import os

    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))
    assert tables.policy_for(2025)[0].year == 2025  # still answering, from the last good table


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("  max_age: 26\n", "  max_age: 二十六\n", "“max_age”应是整数（如 22），现在是“二十六”"),
        (
            "  cites: [N1, L2 第二十条, N4]\n",
            "  cites: [N1, X9 第二十条, N4]\n",
            "引用的来源代码“X9”不在 sources 来源表里",
        ),
        ("- id: cap.2023\n  text:", "- id: cap.2022\n  text:", "规则编号“cap.2022”重复了"),
        ("  start: 2023-09-01\n", "  start: 2023-09-31\n", "应是日期，格式如 2023-09-01"),
        ("  gender: 男\n  max_age: 22\n", "  gender: 难\n  max_age: 22\n", "gender 应是“男”或“女”"),
        ("  status: 存疑\n", "  status: 可能\n", "应是确认、推断、存疑或未找到"),
        ("  max_age: 26\n", "  max_age: 26\n  maxage: 27\n", "不认识的字段“maxage”"),
        ("  undergraduate: 16000\n", "  undergraduate: 30000\n", "研究生不低于本专科"),
        ("  educations: [研究生]\n", "  educations: [博士]\n", "学历层次“博士”无法识别"),
    ],
)
def test_each_mistake_is_named_with_its_line_in_chinese(tmp_path: Path, old: str, new: str, expected: str) -> None:
    directory = copy_as(tmp_path, 2030, (old, new))
    path = directory / "2030.yml"
    described = problems_of(path)
    assert any(expected in d for d in described), described
    lines = path.read_text(encoding="utf-8").splitlines()
    before = SHIPPED.read_text(encoding="utf-8")
    edited = before[: before.index(old)].count("\n") + 1 + new.rstrip("\n").count("\n")
    rule_start = max(i for i, text in enumerate(lines[:edited], 1) if text.startswith("- id:"))
    # the field's own line, or for checks across fields the line where its rule starts
    assert any(
        f"2030.yml 第{edited}行" in d or f"2030.yml 第{rule_start}行" in d for d in described if expected in d
    ), (edited, rule_start, described)


def test_a_missing_rule_the_answers_need_is_reported(tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    start = text.index("  women_targets:")
    end = text.index("\nrounds:") + 1
    broken = tmp_path / "2023.yml"
    broken.write_text(text[:start] + text[end:], encoding="utf-8")
    assert any("缺少“women_targets”这一条" in d for d in problems_of(broken))


def test_file_name_and_year_must_agree(tmp_path: Path) -> None:
    wrong = tmp_path / "2024.yml"
    shutil.copy(SHIPPED, wrong)
    assert any("文件名是 2024.yml，但 year 写的是 2023" in d for d in problems_of(wrong))


def test_enlist_faq_validate_checks_the_policy_table(tmp_path: Path) -> None:
    faq = tmp_path / "faq"
    shutil.copytree(PROJECT_HOME / "faq", faq)

    def run() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", "faq", "validate"],
            cwd=PROJECT_HOME,
            env={**__import__("os").environ, "ENLIST_FAQ_DIR": str(faq)},
            capture_output=True,
            text=True,
        )

    ok = run()
    assert ok.returncode == 0 and "政策表检查通过：共 1 个年度" in ok.stdout, ok.stdout + ok.stderr
    path = faq / "policy" / "2023.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("  max_age: 24\n", "  max_age: abc\n", 1), encoding="utf-8"
    )
    failed = run()
    assert failed.returncode == 1 and "政策表检查未通过" in failed.stdout and "2023.yml 第" in failed.stdout
