"""`enlist faq validate`: every error case names the file, the line and the entry, in Chinese."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

import pytest
import yaml

from bot.faq.entry import MIN_QUESTIONS
from bot.faq.validator import ValidationResult, validate_dir

TODAY = dt.date(2026, 11, 28)

QUESTIONS_A = [
    "学费补偿是什么",
    "当兵能补学费吗",
    "入伍后学费能退吗",
    "参军学废补偿",
    "服兵役交过的学费国家给不给",
    "我大二去当兵学费怎么算",
    "应征入伍学费返还政策",
    "大学生参军补偿学费吗",
    "学费能拿回来吗",
]
QUESTIONS_B = [
    "考研加几分",
    "退役考研加分政策",
    "当过兵考研有优惠吗",
    "参军回来考研究生加分吗",
    "服兵役后考研初试加分",
    "入伍退伍考研能加10分吗",
    "考研加分几年有效",
    "退伍大学生考研照顾",
    "当兵对考研有啥帮助",
]


def entry(entry_id: str = "tuition_compensation", questions: Optional[List[str]] = None, **fields) -> Dict:
    data = {
        "id": entry_id,
        "title": "学费补偿",
        "questions": list(questions if questions is not None else QUESTIONS_A),
        "answer": "**学费补偿**：入伍时对已缴学费一次性补偿。",
        "sources": ["《征兵工作条例》（2023年修订） — https://example.org/l1"],
        "policy_year": 2023,
        "reviewed": dt.date(2026, 11, 1),
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not DROP}


DROP = object()


def write(directory: Path, name: str, entries) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    text = entries if isinstance(entries, str) else yaml.safe_dump(entries, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def check(tmp_path: Path, *files) -> ValidationResult:
    faq_dir = tmp_path / "faq"
    for name, entries in files:
        write(faq_dir, name, entries)
    return validate_dir(faq_dir, today=TODAY)


def only_error(result: ValidationResult) -> str:
    assert len(result.errors) == 1, [p.describe() for p in result.errors]
    return result.errors[0].describe()


def two_entries() -> List[Dict]:
    return [entry(), entry("postgrad_bonus", QUESTIONS_B, title="考研加分")]


def test_valid_files_pass(tmp_path: Path) -> None:
    result = check(tmp_path, ("a.yml", two_entries()))
    assert result.ok and not result.problems
    assert [e.id for e in result.entries] == ["tuition_compensation", "postgrad_bonus"]
    assert "检查通过：共 2 个条目" in result.report()


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    broken = "- id: a_b\n  title: 标题\n  questions:\n    - 问题一\n   - 缩进错了\n"
    message = only_error(check(tmp_path, ("broken.yml", broken)))
    assert "broken.yml 第5行" in message and "YAML格式错误" in message and "缩进" in message


def test_top_level_must_be_a_list(tmp_path: Path) -> None:
    message = only_error(check(tmp_path, ("map.yml", "id: x\ntitle: y\n")))
    assert "map.yml 第1行" in message and "条目列表" in message


def test_missing_required_field(tmp_path: Path) -> None:
    result = check(tmp_path, ("a.yml", [entry(sources=DROP)]))
    message = only_error(result)
    assert "a.yml 第1行" in message and "tuition_compensation" in message and "“sources”（来源）" in message
    assert result.entries == []


def test_unknown_field_suggests_the_right_name(tmp_path: Path) -> None:
    data = entry()
    data["answr"] = "x"
    message = only_error(check(tmp_path, ("a.yml", [data])))
    assert "未知字段“answr”" in message and "您是不是想写“answer”" in message


def test_bad_id(tmp_path: Path) -> None:
    message = only_error(check(tmp_path, ("a.yml", [entry("学费")])))
    assert "编号“学费”不合规" in message


def test_duplicate_id_across_files_names_both_places(tmp_path: Path) -> None:
    result = check(tmp_path, ("a.yml", [entry()]), ("b.yml", [entry(questions=QUESTIONS_B)]))
    message = only_error(result)
    assert "b.yml 第1行" in message and "a.yml 第1行" in message and "必须唯一" in message


def test_too_few_questions(tmp_path: Path) -> None:
    message = only_error(check(tmp_path, ("a.yml", [entry(questions=QUESTIONS_A[:3])])))
    assert "只有3条有效问法" in message and f"至少需要{MIN_QUESTIONS}条" in message


def test_duplicate_question_within_entry_points_at_its_line(tmp_path: Path) -> None:
    questions = QUESTIONS_A + ["学费补偿是什么？"]
    text = yaml.safe_dump([entry(questions=questions)], allow_unicode=True, sort_keys=False)
    line = text.splitlines().index("  - 学费补偿是什么？") + 1
    message = only_error(check(tmp_path, ("a.yml", text)))
    assert f"a.yml 第{line}行" in message and "与本条目第1条问法重复" in message


def test_same_phrasing_in_two_entries(tmp_path: Path) -> None:
    entries = two_entries()
    entries[1]["questions"].append("学费补偿是什么")
    message = only_error(check(tmp_path, ("a.yml", entries)))
    assert "postgrad_bonus" in message and "tuition_compensation" in message and "只能属于一个条目" in message


def test_too_similar_phrasings_across_entries(tmp_path: Path) -> None:
    entries = two_entries()
    entries[1]["questions"].append("学费补偿是什么呀")
    message = only_error(check(tmp_path, ("a.yml", entries)))
    assert "过于相似" in message and "相似度" in message and "tuition_compensation" in message


def test_reserved_characters_in_question(tmp_path: Path) -> None:
    message = only_error(check(tmp_path, ("a.yml", [entry(questions=QUESTIONS_A + ["[学费](money)怎么补"])])))
    assert "不能使用的符号" in message and "[" in message


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("   ", "答案（answer）不能为空"),
        ("<script>alert(1)</script>学费", "不能包含HTML标签"),
        ("电话：{phone}", "占位符“{phone}”无法识别"),
        ("大括号 { 没配对", "不成对的花括号"),
        ("金额为3300元（C级来源，存疑）", "来源分级用语（“C级”、“存疑”）"),
        ("以上转引自某镜像站【推断】", "“转引”、“镜像”、“推断”"),
    ],
)
def test_bad_answers(tmp_path: Path, answer: str, expected: str) -> None:
    assert expected in only_error(check(tmp_path, ("a.yml", [entry(answer=answer)])))


def test_grading_words_in_sources_are_allowed(tmp_path: Path) -> None:
    """Staff keep the grades in sources; only the answer is what students read as written."""
    assert check(tmp_path, ("a.yml", [entry(sources=["某站（C级，镜像转载） — https://x.example/a"])])).ok


def test_contact_placeholder_is_allowed(tmp_path: Path) -> None:
    assert check(tmp_path, ("a.yml", [entry(answer="联系方式：\n{contact}")])).ok


def test_sources_must_be_present(tmp_path: Path) -> None:
    assert "来源（sources）必须是至少一项的列表" in only_error(check(tmp_path, ("a.yml", [entry(sources=[])])))
    assert "第1条来源是空的" in only_error(check(tmp_path / "x", ("a.yml", [entry(sources=[" "])])))


def test_policy_year_and_reviewed_dates(tmp_path: Path) -> None:
    assert "政策年度“23”应是四位年份" in only_error(check(tmp_path / "1", ("a.yml", [entry(policy_year=23)])))
    assert "审核日期“昨天”格式不对" in only_error(check(tmp_path / "2", ("a.yml", [entry(reviewed="昨天")])))
    assert "晚于今天" in only_error(check(tmp_path / "3", ("a.yml", [entry(reviewed=dt.date(2027, 1, 1))])))


def test_stale_entry_is_a_warning_not_an_error(tmp_path: Path) -> None:
    result = check(tmp_path, ("a.yml", [entry(reviewed=dt.date(2024, 1, 1))]))
    assert result.ok and len(result.warnings) == 1
    assert "已超过365天" in result.warnings[0].describe() and "[警告]" in result.warnings[0].describe()


def test_expired_entry_fails(tmp_path: Path) -> None:
    message = only_error(check(tmp_path, ("a.yml", [entry(valid_until=dt.date(2024, 8, 31))])))
    assert "已于 2024-08-31 过期" in message


def test_unknown_button_target_suggests_a_known_id(tmp_path: Path) -> None:
    entries = two_entries()
    entries[0]["buttons"] = ["postgrad_bonu"]
    message = only_error(check(tmp_path, ("a.yml", entries)))
    assert "按钮指向不存在的条目“postgrad_bonu”" in message and "您是不是想写“postgrad_bonus”" in message


def test_button_to_itself(tmp_path: Path) -> None:
    entries = two_entries()
    entries[0]["buttons"] = ["tuition_compensation"]
    assert "不能指向条目自己" in only_error(check(tmp_path, ("a.yml", entries)))


def test_no_files(tmp_path: Path) -> None:
    (tmp_path / "faq").mkdir()
    assert "没有找到FAQ文件" in only_error(validate_dir(tmp_path / "faq"))


def test_errors_do_not_hide_other_entries(tmp_path: Path) -> None:
    entries = two_entries()
    entries[0]["answer"] = ""
    result = check(tmp_path, ("a.yml", entries))
    assert [e.id for e in result.entries] == ["postgrad_bonus"]
    assert "检查未通过：1 个错误" in result.report()


def test_cli_exit_codes(tmp_path: Path) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    write(good, "a.yml", two_entries())
    write(bad, "a.yml", [entry(answer="")])
    for directory in (good, bad):  # the policy table is checked too (tests/eligibility/test_policy_file.py)
        shutil.copytree(Path(__file__).resolve().parents[2] / "faq" / "policy", directory / "policy")
    run = lambda d: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "bot.cli", "faq", "validate"],
        capture_output=True,
        text=True,
        env={"ENLIST_FAQ_DIR": str(d), "PATH": "/usr/bin:/bin"},
    )
    ok, failed = run(good), run(bad)
    assert ok.returncode == 0 and "检查通过" in ok.stdout
    assert failed.returncode == 1 and "答案（answer）不能为空" in failed.stdout and "a.yml" in failed.stdout


def test_the_real_faq_files(project_home: Path) -> None:
    result = validate_dir(project_home / "faq")
    assert result.ok, result.report(project_home)
    assert len(result.entries) >= 45
    assert all(len(e.questions) >= MIN_QUESTIONS for e in result.entries)
    assert all(e.sources and e.answer for e in result.entries)


def test_an_answer_fits_one_phone_screen_400_characters_at_most(tmp_path: Path) -> None:
    """Issue 12 §3: 400 characters pass, 401 are refused with the count and the limit."""
    fits = check(tmp_path / "a", ("basics.yml", [entry(answer="长" * 400)]))
    assert fits.ok, [p.describe() for p in fits.errors]
    message = only_error(check(tmp_path / "b", ("basics.yml", [entry(answer="长" * 401)])))
    assert "答案太长（401字）" in message and "400字以内" in message and "tuition_compensation" in message
