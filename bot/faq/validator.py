"""Validates the FAQ files and explains every problem in Chinese, with file and line.

The audience is a staff member who edits YAML in a text editor, not a programmer: each
message says what is wrong, where, and what to do about it. Errors block the build and
the reload; warnings (an entry not reviewed for a long time) do not.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

from bot.faq.entry import (
    ALL_FIELDS,
    ANSWER_PLACEHOLDERS,
    FIELD_NAMES_ZH,
    MAX_ANSWER_CHARS,
    MAX_BUTTONS,
    MAX_QUESTION_CHARS,
    MAX_REVIEWER_CHARS,
    MAX_TITLE_CHARS,
    MIN_QUESTIONS,
    REQUIRED_FIELDS,
    FaqEntry,
    Location,
    Problem,
)
from bot.faq.loader import RawEntry, faq_files, load_file
from bot.faq.sources import UNCERTAIN_PLAIN, student_jargon
from bot.lang.text import char_bigrams, comparison_key
from bot.lang.timefmt import china_today

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,47}$")
PLACEHOLDER_PATTERN = re.compile(r"\{([^{}]*)\}")
HTML_TAG_PATTERN = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
#: Characters Rasa's training-data format reads as entity annotations.
RESERVED_QUESTION_CHARS = "[]{}"
#: Two phrasings of different entries whose character-bigram Jaccard similarity reaches
#: this value are too close for the classifier to tell apart reliably.
DEFAULT_SIMILARITY_THRESHOLD = 0.8


@dataclass
class ValidationResult:
    """Entries that passed, and every problem found."""

    entries: List[FaqEntry] = field(default_factory=list)
    problems: List[Problem] = field(default_factory=list)

    @property
    def errors(self) -> List[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> List[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def report(self, base: Optional[Path] = None) -> str:
        """The full report a staff member reads, ending with a one-line summary."""
        lines = [p.describe(base) for p in sorted(self.problems, key=_problem_order)]
        if self.ok:
            summary = f"检查通过：共 {len(self.entries)} 个条目"
            if self.warnings:
                summary += f"，{len(self.warnings)} 个警告（不影响使用，但请尽快处理）"
            lines.append(summary + "。")
        else:
            lines.append(
                f"检查未通过：{len(self.errors)} 个错误，{len(self.warnings)} 个警告。"
                "请按上面的提示修改后重新运行 enlist faq validate；修正错误之前，机器人会继续使用上一次通过检查的内容。"
            )
        return "\n".join(lines)


def _problem_order(problem: Problem) -> Tuple[str, int, int]:
    return (str(problem.location.path), problem.location.line, 0 if problem.is_error else 1)


def validate_dir(
    faq_dir: Path,
    today: Optional[dt.date] = None,
    max_age_days: int = 365,
    similarity_threshold: float = DEFAULT_SIMILARITY_THRESHOLD,
) -> ValidationResult:
    """Load and validate every FAQ file in ``faq_dir``."""
    result = ValidationResult()
    files = faq_files(faq_dir) if faq_dir.is_dir() else []
    if not files:
        result.problems.append(Problem(Location(faq_dir, 1), None, f"在 {faq_dir} 中没有找到FAQ文件（*.yml）。"))
        return result
    raw_entries: List[RawEntry] = []
    for path in files:
        entries, problems = load_file(path)
        raw_entries.extend(entries)
        result.problems.extend(problems)
    return validate_entries(raw_entries, result, today, max_age_days, similarity_threshold)


def validate_entries(
    raw_entries: List[RawEntry],
    result: Optional[ValidationResult] = None,
    today: Optional[dt.date] = None,
    max_age_days: int = 365,
    similarity_threshold: float = DEFAULT_SIMILARITY_THRESHOLD,
) -> ValidationResult:
    """Validate raw entries: each on its own, then across entries."""
    result = result or ValidationResult()
    today = today or china_today()
    known_ids = {e.data.get("id") for e in raw_entries if isinstance(e.data.get("id"), str)}
    checked: List[Tuple[RawEntry, Optional[FaqEntry]]] = []
    for raw in raw_entries:
        problems = _check_entry(raw, known_ids, today, max_age_days)
        result.problems.extend(problems)
        entry = None if any(p.is_error for p in problems) else _build(raw)
        checked.append((raw, entry))

    cross = _check_unique_ids(raw_entries) + _check_phrasings(raw_entries, similarity_threshold)
    result.problems.extend(cross)
    blocked = {p.entry_id for p in cross if p.is_error}
    result.entries = [e for _, e in checked if e is not None and e.id not in blocked]
    return result


# --- one entry -------------------------------------------------------------------------


def _check_entry(raw: RawEntry, known_ids: set, today: dt.date, max_age_days: int) -> List[Problem]:
    data = raw.data
    entry_id = data.get("id") if isinstance(data.get("id"), str) else None
    problems: List[Problem] = []

    def problem(name: str, message: str, index: int = -1, level: str = "error") -> None:
        problems.append(Problem(raw.at(name, index), entry_id, message, level))

    for name in data:
        if name not in ALL_FIELDS:
            hint = _did_you_mean(str(name), ALL_FIELDS)
            problem(name, f"未知字段“{name}”。可用字段：{'、'.join(ALL_FIELDS)}。{hint}")
    for name in REQUIRED_FIELDS:
        if name not in data:
            problems.append(Problem(raw.location, entry_id, f"缺少必填字段“{name}”（{FIELD_NAMES_ZH[name]}）。"))

    if "id" in data:
        value = data["id"]
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            problem(
                "id",
                f"编号“{value}”不合规：只能用小写英文字母、数字和下划线，以字母开头，2到48个字符，例如 tuition_compensation。",
            )
    if "title" in data:
        value = data["title"]
        if not _nonblank(value):
            problem("title", "标题（title）不能为空，它是按钮上显示的简短名称，例如“学费补偿”。")
        elif len(value.strip()) > MAX_TITLE_CHARS:
            problem("title", f"标题“{value}”太长（{len(value.strip())}字），按钮上最多显示{MAX_TITLE_CHARS}个字。")
    if "questions" in data:
        problems_q = _check_questions(raw, entry_id)
        problems.extend(problems_q)
    if "answer" in data:
        problems.extend(_check_answer(raw, entry_id))
    if "sources" in data:
        value = data["sources"]
        if not isinstance(value, list) or not value:
            problem(
                "sources",
                "来源（sources）必须是至少一项的列表，每项写一个政策文件或网址，例如“《征兵工作条例》第十五条”。",
            )
        else:
            for index, source in enumerate(value):
                if not _nonblank(source) or len(str(source).strip()) < 4:
                    problem("sources", f"第{index + 1}条来源是空的或太短，请写出文件名称或网址。", index)
    if "policy_year" in data:
        value = data["policy_year"]
        if isinstance(value, bool) or not isinstance(value, int) or not 2000 <= value <= 2100:
            problem("policy_year", f"政策年度“{value}”应是四位年份数字，例如 2023。")
    if "reviewed" in data:
        reviewed = _as_date(data["reviewed"])
        if reviewed is None:
            problem("reviewed", f"审核日期“{data['reviewed']}”格式不对，应写成 2023-09-01 这样的日期。")
        elif reviewed > today:
            problem("reviewed", f"审核日期 {reviewed} 晚于今天（{today}），请填写实际审核的日期。")
        elif (today - reviewed).days > max_age_days:
            problem(
                "reviewed",
                f"该条目上次审核是 {reviewed}，已超过{max_age_days}天，请核对政策是否有变化，并更新 reviewed 日期。",
                level="warning",
            )
    if "valid_until" in data and data["valid_until"] is not None:
        until = _as_date(data["valid_until"])
        if until is None:
            problem("valid_until", f"有效期“{data['valid_until']}”格式不对，应写成 2024-08-31 这样的日期。")
        elif until < today:
            problem("valid_until", f"该条目已于 {until} 过期，请更新答案和有效期，或删除该条目。")
    if "reviewed_by" in data:
        value = data["reviewed_by"]
        if not _nonblank(value) or len(str(value).strip()) > MAX_REVIEWER_CHARS or HTML_TAG_PATTERN.search(str(value)):
            problem(
                "reviewed_by", f"审核人（reviewed_by）应是审核人的姓名，1到{MAX_REVIEWER_CHARS}个字，不含HTML标签。"
            )
    if "buttons" in data:
        value = data["buttons"]
        if not isinstance(value, list):
            problem("buttons", "后续问题按钮（buttons）应是条目编号的列表，例如 [loan_repayment, tuition_limits]。")
        else:
            if len(value) > MAX_BUTTONS:
                problem("buttons", f"后续问题按钮最多{MAX_BUTTONS}个，现在有{len(value)}个。")
            seen = set()
            for index, target in enumerate(value):
                if not isinstance(target, str) or target not in known_ids:
                    hint = _did_you_mean(str(target), sorted(i for i in known_ids if i))
                    problem(
                        "buttons", f"按钮指向不存在的条目“{target}”。按钮里只能写已有条目的编号（id）。{hint}", index
                    )
                elif target == entry_id:
                    problem("buttons", "按钮不能指向条目自己。", index)
                elif target in seen:
                    problem("buttons", f"按钮“{target}”重复了。", index)
                seen.add(target)
    if "tags" in data:
        value = data["tags"]
        if not isinstance(value, list) or not all(_nonblank(t) for t in value):
            problem("tags", "标签（tags）应是文字列表，例如 [经济, 学费]。")
    return problems


def _check_questions(raw: RawEntry, entry_id: Optional[str]) -> List[Problem]:
    value = raw.data["questions"]
    problems: List[Problem] = []
    if not isinstance(value, list):
        return [Problem(raw.at("questions"), entry_id, "问法（questions）应是列表，每行以“- ”开头写一种问法。")]
    seen: Dict[str, int] = {}
    for index, question in enumerate(value):
        where = raw.at("questions", index)
        if not _nonblank(question):
            problems.append(Problem(where, entry_id, f"第{index + 1}条问法是空的或不是文字。"))
            continue
        question = str(question)
        if len(question) > MAX_QUESTION_CHARS:
            problems.append(
                Problem(
                    where,
                    entry_id,
                    f"问法“{question[:20]}…”太长（{len(question)}字），每条问法最多{MAX_QUESTION_CHARS}字。",
                )
            )
        bad = sorted({c for c in question if c in RESERVED_QUESTION_CHARS})
        if bad:
            problems.append(
                Problem(
                    where, entry_id, f"问法“{question}”含有不能使用的符号 {' '.join(bad)}，请删除或改用中文括号【】。"
                )
            )
        key = comparison_key(question)
        if not key:
            problems.append(Problem(where, entry_id, f"问法“{question}”只有标点符号。"))
        elif key in seen:
            problems.append(
                Problem(where, entry_id, f"问法“{question}”与本条目第{seen[key] + 1}条问法重复（忽略标点后完全相同）。")
            )
        else:
            seen[key] = index
    if len(seen) < MIN_QUESTIONS:
        problems.append(
            Problem(
                raw.at("questions"),
                entry_id,
                f"只有{len(seen)}条有效问法，至少需要{MIN_QUESTIONS}条明显不同的问法（口语、简短、完整句子、错别字、当兵/参军/入伍等不同说法），机器人才能可靠地识别这个问题。",
            )
        )
    return problems


def _check_answer(raw: RawEntry, entry_id: Optional[str]) -> List[Problem]:
    value = raw.data["answer"]
    where = raw.at("answer")
    if not _nonblank(value):
        return [Problem(where, entry_id, "答案（answer）不能为空。")]
    text = str(value)
    problems: List[Problem] = []
    if len(text) > MAX_ANSWER_CHARS:
        problems.append(
            Problem(where, entry_id, f"答案太长（{len(text)}字），手机上难以阅读，请控制在{MAX_ANSWER_CHARS}字以内。")
        )
    if HTML_TAG_PATTERN.search(text):
        problems.append(Problem(where, entry_id, "答案中不能包含HTML标签（如 <b>、<script>），加粗请用 **文字**。"))
    for name in PLACEHOLDER_PATTERN.findall(text):
        if name not in ANSWER_PLACEHOLDERS:
            allowed = "、".join("{" + p + "}" for p in ANSWER_PLACEHOLDERS)
            problems.append(
                Problem(where, entry_id, f"答案中的占位符“{{{name}}}”无法识别，可用的只有 {allowed}（联系方式）。")
            )
    jargon = student_jargon(text)
    if jargon:
        words = "、".join(f"“{w}”" for w in jargon)
        problems.append(
            Problem(
                where,
                entry_id,
                f"答案中有学生看不懂的来源分级用语（{words}），请改成平常话，例如“{UNCERTAIN_PLAIN}”；来源的级别只写在 sources 里。",
            )
        )
    stripped = PLACEHOLDER_PATTERN.sub("", text)
    if "{" in stripped or "}" in stripped:
        problems.append(
            Problem(where, entry_id, "答案中有不成对的花括号 { 或 }，请删除（花括号只用于 {contact} 占位符）。")
        )
    return problems


# --- across entries --------------------------------------------------------------------


def _check_unique_ids(raw_entries: List[RawEntry]) -> List[Problem]:
    first: Dict[str, RawEntry] = {}
    problems = []
    for raw in raw_entries:
        entry_id = raw.data.get("id")
        if not isinstance(entry_id, str):
            continue
        if entry_id in first:
            other = first[entry_id].at("id").describe()
            problems.append(
                Problem(raw.at("id"), entry_id, f"编号“{entry_id}”已在 {other} 使用过，每个条目的编号必须唯一。")
            )
        else:
            first[entry_id] = raw
    return problems


def _check_phrasings(raw_entries: List[RawEntry], threshold: float) -> List[Problem]:
    """Same or too-similar phrasings in two different entries.

    Keys and bigram sets are computed once per phrasing; shared bigrams are counted
    through per-bigram postings lists, which gives every pair's intersection size
    without comparing all pairs.
    """
    phrasings: List[Tuple[str, int, RawEntry, str, str, frozenset]] = []
    for raw in raw_entries:
        entry_id = raw.data.get("id")
        questions = raw.data.get("questions")
        if not isinstance(entry_id, str) or not isinstance(questions, list):
            continue
        for index, question in enumerate(questions):
            if _nonblank(question):
                text = str(question)
                phrasings.append((entry_id, index, raw, text, comparison_key(text), char_bigrams(text)))

    problems: List[Problem] = []
    by_key: Dict[str, Tuple[str, int, RawEntry, str]] = {}
    for entry_id, index, raw, question, key, _ in phrasings:
        if key in by_key and by_key[key][0] != entry_id:
            other_id, other_index, other_raw, other_q = by_key[key]
            problems.append(
                Problem(
                    raw.at("questions", index),
                    entry_id,
                    f"问法“{question}”与 {other_raw.at('questions', other_index).describe()} 条目“{other_id}”的问法“{other_q}”相同。同一句问法只能属于一个条目，请删除或改写其中一句。",
                )
            )
        by_key.setdefault(key, (entry_id, index, raw, question))

    postings: Dict[str, List[int]] = defaultdict(list)
    for position, phrasing in enumerate(phrasings):
        for gram in phrasing[5]:
            postings[gram].append(position)
    for position, (entry_id, index, raw, question, key, grams) in enumerate(phrasings):
        shared: Dict[int, int] = defaultdict(int)
        for gram in grams:
            for other in postings[gram]:
                if other > position:
                    shared[other] += 1
        for other in sorted(shared):
            other_id, other_index, other_raw, other_q, other_key, other_grams = phrasings[other]
            if other_id == entry_id or key == other_key:
                continue
            common = shared[other]
            score = common / (len(grams) + len(other_grams) - common)
            if score >= threshold:
                problems.append(
                    Problem(
                        other_raw.at("questions", other_index),
                        other_id,
                        f"问法“{other_q}”与 {raw.at('questions', index).describe()} 条目“{entry_id}”的问法“{question}”过于相似（相似度{score:.2f}），机器人难以区分。请改写其中一句，使两个条目的问法明显不同。",
                    )
                )
    return problems


# --- helpers ---------------------------------------------------------------------------


def _build(raw: RawEntry) -> FaqEntry:
    data = raw.data
    return FaqEntry(
        id=data["id"],
        title=data["title"].strip(),
        questions=tuple(str(q).strip() for q in data["questions"] if _nonblank(q)),
        answer=str(data["answer"]).strip(),
        sources=tuple(str(s).strip() for s in data["sources"]),
        policy_year=int(data["policy_year"]),
        reviewed=_as_date(data["reviewed"]),
        buttons=tuple(data.get("buttons") or ()),
        tags=tuple(str(t).strip() for t in data.get("tags") or ()),
        valid_until=_as_date(data.get("valid_until")) if data.get("valid_until") else None,
        reviewed_by=str(data["reviewed_by"]).strip() if data.get("reviewed_by") else None,
        location=raw.location,
    )


def _nonblank(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip() != ""


def _as_date(value: Any) -> Optional[dt.date]:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"您是不是想写“{matches[0]}”？" if matches else ""
