"""The per-year policy table as a data file staff can edit: ``faq/policy/<year>.yml``.

The file mirrors the types of :mod:`bot.eligibility.rules` field by field; this module reads it
into a :class:`PolicyYear` and reports every problem with its file and line, in Chinese, like
the FAQ validator (``enlist faq validate`` runs both). Adding a year is copying the newest file
and editing its numbers and sources; no code changes.

Cites are written as ``"L1 第十五条"`` (source code, then the place in it), dates as
``2023-09-01``, 身份/学历 sets as lists. Which keyed rules must exist is
:data:`REQUIRED_KEYS`: the answers name them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sys
import typing
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.eligibility.rules import Cite, PolicyYear, Rule, Source, Status
from bot.errors import EnlistError
from bot.faq.entry import Location, Problem

POLICY_SUBDIR = "policy"
FILE_NAME = re.compile(r"^(\d{4})\.ya?ml$")
GENDERS = ("男", "女")
ROUND_NAMES = ("上半年", "下半年")
STATUSES = ("在校生", "应届毕业生", "往届毕业生", "新生", "非学生")
EDUCATIONS = ("初中", "高中", "专科", "本科", "研究生")

#: Keys the answers look up by name (bot/eligibility/render.py, benefit.py).
REQUIRED_KEYS: Dict[str, Tuple[str, ...]] = {
    "age_notes": ("counting", "seventeen", "minimum", "women_targets"),
    "registration": ("military_registration", "before_applying", "website", "steps"),
    "tuition_rules": (
        "veteran_student",
        "round_to_cap",
        "higher_of",
        "loan_first",
        "graduate_once",
        "student_years",
        "reduction_semester",
        "remaining_years",
        "freshman",
        "apply",
        "excluded",
    ),
    "physical.rules": ("height", "bmi"),
}
REQUIRED_BENEFITS = ("benefit.allowance",)

FIELD_ZH = {
    "year": "年度",
    "sources": "来源表",
    "age_rules": "年龄规则",
    "age_notes": "年龄说明",
    "rounds": "征兵批次",
    "windows": "网上报名时间",
    "registration": "登记和报名",
    "physical": "身体条件",
    "tuition_caps": "学费资助上限",
    "tuition_rules": "学费资助规则",
    "locations": "应征地规则",
    "location_rows": "两地对比",
    "benefits": "其他优待",
    "other_paths": "其他途径",
}


class PolicyFileError(EnlistError):
    """The file cannot be used; ``problems`` say where and why (Chinese)."""

    def __init__(self, problems: List[Problem]) -> None:
        super().__init__("; ".join(p.describe() for p in problems))
        self.problems = problems


def policy_dir(faq_dir: Path) -> Path:
    return faq_dir / POLICY_SUBDIR


def policy_files(directory: Path) -> List[Path]:
    return sorted(p for p in directory.glob("*.y*ml") if FILE_NAME.match(p.name)) if directory.is_dir() else []


def load_tables(directory: Path) -> Dict[int, PolicyYear]:
    """Every policy file of ``directory`` by year; raises :class:`PolicyFileError`."""
    tables: Dict[int, PolicyYear] = {}
    problems: List[Problem] = []
    for path in policy_files(directory):
        table, found = read_policy_file(path)
        problems += found
        if table is not None:
            tables[table.year] = table
    if not tables and not problems:
        problems.append(Problem(Location(directory, 1), None, f"在 {directory} 中没有找到政策表文件（如 2023.yml）。"))
    if problems:
        raise PolicyFileError(problems)
    return tables


def validate_policy_dir(directory: Path) -> Tuple[int, List[Problem]]:
    """(number of tables read, problems) for ``enlist faq validate``."""
    try:
        return len(load_tables(directory)), []
    except PolicyFileError as error:
        return 0, error.problems


def read_policy_file(path: Path) -> Tuple[Optional[PolicyYear], List[Problem]]:
    """The table in ``path``, or None with the problems that stop it."""
    reader = _Reader(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        return None, [
            Problem(
                Location(path, line),
                None,
                f"YAML格式错误：{exc.problem}（常见原因：缩进不一致、冒号后缺空格、引号不成对）。",
            )
        ]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(Location(path, 1), None, f"文件无法读取（{type(exc).__name__}），请保存为UTF-8编码。")]
    if not isinstance(root, MappingNode):
        return None, [Problem(Location(path, 1), None, "政策表应以“year: 2023”这样的键值开始。")]
    table = reader.build(PolicyYear, root, "")
    if table is not None:
        reader.check(table, root)
        match = FILE_NAME.match(path.name)
        if match and int(match.group(1)) != table.year:
            reader.problem(root, None, f"文件名是 {path.name}，但 year 写的是 {table.year}，两者应一致。")
    return (table if not reader.problems else None), reader.problems


class _Reader:
    """Builds typed values from YAML nodes, collecting problems with their lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: List[Problem] = []
        self.lines: Dict[str, int] = {}  # rule id -> line, for the checks after building

    def problem(self, node: Node, rule_id: Optional[str], message: str) -> None:
        self.problems.append(Problem(Location(self.path, node.start_mark.line + 1), rule_id, message))

    # --- building ----------------------------------------------------------------------------

    def build(self, cls: type, node: Node, where: str) -> Any:
        if not isinstance(node, MappingNode):
            self.problem(node, None, f"{where or '文件'}应是“键: 值”的形式。")
            return None
        hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values: Dict[str, Any] = {}
        rule_id = _scalar(node, "id")
        for key_node, value_node in node.value:
            key = key_node.value
            if key not in fields:
                known = "、".join(fields)
                self.problem(key_node, rule_id, f"不认识的字段“{key}”（{where or '此处'}可用的字段：{known}）。")
                continue
            values[key] = self.value(hints[key], value_node, rule_id, key)
        for name, spec in fields.items():
            required = spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
            if required and name not in values:
                label = FIELD_ZH.get(name, name)
                self.problem(node, rule_id, f"缺少字段“{name}”（{label}）。")
        if rule_id:
            if rule_id in self.lines:
                self.problem(
                    node,
                    rule_id,
                    f"规则编号“{rule_id}”重复了（第{self.lines[rule_id]}行已用过），每条规则的 id 必须唯一。",
                )
            self.lines[rule_id] = node.start_mark.line + 1
        if any(v is _BAD for v in values.values()) or not _complete(values, fields):
            return None
        try:
            return cls(**values)
        except (TypeError, ValueError) as exc:
            self.problem(node, rule_id, f"这一项无法使用：{exc}")
            return None

    def value(self, hint: Any, node: Node, rule_id: Optional[str], where: str) -> Any:
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin is typing.Union:  # Optional[X]
            if isinstance(node, ScalarNode) and node.tag.endswith(":null"):
                return None
            return self.value(next(a for a in args if a is not type(None)), node, rule_id, where)
        if origin in (tuple, frozenset, list):
            if not isinstance(node, SequenceNode):
                self.problem(node, rule_id, f"“{where}”应是列表（每项一行，以“- ”开头）。")
                return _BAD
            items = [self.value(args[0], child, rule_id, where) for child in node.value]
            return (
                _BAD if any(i is _BAD for i in items) else (frozenset(items) if origin is frozenset else tuple(items))
            )
        if origin is dict:
            if not isinstance(node, MappingNode):
                self.problem(node, rule_id, f"“{where}”应是“键: 值”的形式。")
                return _BAD
            result = {}
            for key_node, child in node.value:
                if args[1] is Source and isinstance(child, MappingNode):  # sources are keyed by their code
                    child = MappingNode(
                        child.tag,
                        [
                            (
                                ScalarNode("tag:yaml.org,2002:str", "code"),
                                ScalarNode("tag:yaml.org,2002:str", key_node.value),
                            ),
                            *child.value,
                        ],
                        child.start_mark,
                        child.end_mark,
                    )
                result[key_node.value] = self.value(
                    args[1], child, _scalar(child, "id") or rule_id, f"{where}.{key_node.value}"
                )
            return _BAD if any(v is _BAD for v in result.values()) else result
        if dataclasses.is_dataclass(hint):
            built = (
                self.build(typing.cast(type, hint), node, f"{where}.") if hint is not Cite else self.cite(node, rule_id)
            )
            return _BAD if built is None else built
        if not isinstance(node, ScalarNode):
            self.problem(node, rule_id, f"“{where}”应是单个值，不是列表或表格。")
            return _BAD
        return self.scalar(hint, node, rule_id, where)

    def cite(self, node: Node, rule_id: Optional[str]) -> Optional[Cite]:
        if not isinstance(node, ScalarNode) or not str(node.value).strip():
            self.problem(node, rule_id, "来源应写成“来源代码 位置”，例如“L1 第十五条”或“N1”。")
            return None
        code, _, where = str(node.value).strip().partition(" ")
        return Cite(code, where.strip())

    def scalar(self, hint: Any, node: ScalarNode, rule_id: Optional[str], where: str) -> Any:
        text = node.value
        try:
            if hint is Status:
                return Status(text)
            if hint is bool:
                if text in ("true", "false"):
                    return text == "true"
                raise ValueError
            if hint is int:
                if not re.fullmatch(r"-?\d+", text):
                    raise ValueError
                return int(text)
            if hint is float:
                return float(text)
            if hint is dt.date:
                return dt.date.fromisoformat(text)
            if hint is str:
                if not text.strip():
                    raise ValueError
                return text
        except ValueError:
            pass
        else:
            self.problem(node, rule_id, f"“{where}”的类型无法识别。")
            return _BAD
        expected = {
            Status: "确认、推断、存疑或未找到",
            bool: "true 或 false",
            int: "整数（如 22）",
            float: "数字（如 17.5）",
            dt.date: "日期，格式如 2023-09-01",
            str: "不为空的文字",
        }[hint]
        self.problem(node, rule_id, f"“{where}”应是{expected}，现在是“{text}”。")
        return _BAD

    # --- checks across the table ----------------------------------------------------------------

    def check(self, table: PolicyYear, root: MappingNode) -> None:
        def at(rule: Optional[Rule]) -> Node:
            line = self.lines.get(rule.id, 1) if rule is not None else 1
            return _Line(line)

        for rule in table.all_rules():
            for cite in rule.cites:
                if cite.code not in table.sources:
                    self.problem(at(rule), rule.id, f"引用的来源代码“{cite.code}”不在 sources 来源表里。")
            if not rule.cites:
                self.problem(at(rule), rule.id, "每条规则至少要引用一个来源（cites）。")
        for section, keys in REQUIRED_KEYS.items():
            present = table.physical.rules if section == "physical.rules" else getattr(table, section)
            for key in keys:
                if key not in present:
                    self.problem(
                        root,
                        None,
                        f"{FIELD_ZH.get(section.split('.')[0], section)}（{section}）缺少“{key}”这一条，回答里要用到。",
                    )
        for benefit_id in REQUIRED_BENEFITS:
            if all(b.id != benefit_id for b in table.benefits):
                self.problem(root, None, f"其他优待（benefits）缺少“{benefit_id}”这一条，回答里要用到。")
        names = [r.name for r in table.rounds]
        if sorted(names) != sorted(ROUND_NAMES):
            self.problem(root, None, "征兵批次（rounds）应有且只有“上半年”和“下半年”各一条。")
        for rule in table.rounds:
            if rule.start > rule.end:
                self.problem(at(rule), rule.id, f"开始日期 {rule.start} 晚于结束日期 {rule.end}。")
        for window in table.windows:
            if window.round not in ROUND_NAMES:
                self.problem(at(window), window.id, f"round 应是“上半年”或“下半年”，现在是“{window.round}”。")
        for cap in table.tuition_caps:
            if cap.start and cap.end and cap.start > cap.end:
                self.problem(at(cap), cap.id, f"开始日期 {cap.start} 晚于结束日期 {cap.end}。")
            if not 0 < cap.undergraduate <= cap.postgraduate:
                self.problem(at(cap), cap.id, "上限应是正数，且研究生不低于本专科。")
        gendered: List[Any] = [*table.age_rules, *table.windows]
        for rule in gendered:
            if rule.gender not in GENDERS:
                self.problem(at(rule), rule.id, f"gender 应是“男”或“女”，现在是“{rule.gender}”。")
        for rule in table.age_rules:
            if not 17 <= rule.max_age <= 35:
                self.problem(at(rule), rule.id, f"年龄上限{rule.max_age}不在17到35之间，请核对。")
        for rule in (*table.age_rules, *table.locations, *table.benefits):
            for value in rule.statuses - set(STATUSES):
                self.problem(at(rule), rule.id, f"身份“{value}”无法识别，可用：{'、'.join(STATUSES)}。")
            for value in rule.educations - set(EDUCATIONS):
                self.problem(at(rule), rule.id, f"学历层次“{value}”无法识别，可用：{'、'.join(EDUCATIONS)}。")
        for gender in GENDERS:
            if gender not in table.physical.min_height_cm or gender not in table.physical.bmi:
                self.problem(root, None, f"身体条件（physical）缺少{gender}性的身高或BMI标准。")


class _Bad:
    """Marks a value that could not be read (the problem is already recorded)."""


_BAD = _Bad()


class _Line:
    """A stand-in node for a line number found earlier."""

    def __init__(self, line: int) -> None:
        self.start_mark = type("Mark", (), {"line": line - 1})()


def _complete(values: Dict[str, Any], fields: Dict[str, Any]) -> bool:
    return all(
        name in values or spec.default is not dataclasses.MISSING or spec.default_factory is not dataclasses.MISSING
        for name, spec in fields.items()
    )


def _scalar(node: Node, key: str) -> Optional[str]:
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key and isinstance(value_node, ScalarNode):
                return value_node.value
    return None
