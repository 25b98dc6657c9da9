"""Reads ``faq/*.yml`` into raw entries that remember the line of every field.

The validator needs line numbers to tell a staff member exactly where a problem is, so
files are composed into YAML nodes first and values constructed from the nodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

from bot.faq.entry import Location, Problem

# libyaml's parser (shipped with PyYAML) is about 10x faster and keeps line marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class RawEntry:
    """An entry as written, before validation."""

    location: Location
    data: Dict[str, Any]
    field_lines: Dict[str, int] = field(default_factory=dict)
    item_lines: Dict[str, List[int]] = field(default_factory=dict)

    def line_of(self, name: str) -> int:
        return self.field_lines.get(name, self.location.line)

    def at(self, name: str, index: int = -1) -> Location:
        """Location of field ``name`` (or of its ``index``-th list item)."""
        lines = self.item_lines.get(name, [])
        if 0 <= index < len(lines):
            return Location(self.location.path, lines[index])
        return Location(self.location.path, self.line_of(name))


def faq_files(faq_dir: Path) -> List[Path]:
    """The FAQ source files, in a stable order (``*.yml`` and ``*.yaml``)."""
    return sorted(p for p in faq_dir.glob("*.y*ml") if p.suffix in (".yml", ".yaml"))


def load_file(path: Path) -> Tuple[List[RawEntry], List[Problem]]:
    """Parse one file; YAML or structure problems come back as problems, not exceptions."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return [], [Problem(Location(path, 1), None, f"文件不是UTF-8编码，请用UTF-8保存（{exc.reason}）。")]
    except OSError as exc:
        return [], [Problem(Location(path, 1), None, f"无法读取文件：{exc.strerror}。")]
    return parse_text(path, text)


def parse_text(path: Path, text: str) -> Tuple[List[RawEntry], List[Problem]]:
    """Parse the text of FAQ file ``path`` (which need not be written yet)."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return [], [Problem(Location(path, line), None, _explain_yaml_error(exc))]
    except yaml.YAMLError as exc:
        return [], [Problem(Location(path, 1), None, f"YAML格式错误：{exc}")]
    finally:
        loader.dispose()

    if root is None:
        return [], [
            Problem(Location(path, 1), None, "文件是空的。每个FAQ文件应包含至少一个条目（以“- id:”开头）。", "warning")
        ]
    if not isinstance(root, yaml.SequenceNode):
        return [], [
            Problem(Location(path, root.start_mark.line + 1), None, "文件内容应是条目列表：每个条目以“- id: ...”开头。")
        ]

    entries: List[RawEntry] = []
    problems: List[Problem] = []
    for item in root.value:
        location = Location(path, item.start_mark.line + 1)
        if not isinstance(item, yaml.MappingNode):
            problems.append(
                Problem(location, None, "这一项不是一个条目：条目应写成“- id: ...”后跟“title:”“questions:”等字段。")
            )
            continue
        entries.append(_raw_entry(path, location, item, problems))
    return entries, problems


def locate_entries(faq_dir: Path) -> Dict[str, Tuple[Path, RawEntry]]:
    """Where every entry id is written."""
    found: Dict[str, Tuple[Path, RawEntry]] = {}
    for path in faq_files(faq_dir):
        entries, _ = load_file(path)
        for raw in entries:
            if isinstance(raw.data.get("id"), str):
                found.setdefault(raw.data["id"], (path, raw))
    return found


def _raw_entry(path: Path, location: Location, node: yaml.MappingNode, problems: List[Problem]) -> RawEntry:
    entry = RawEntry(location=location, data={})
    constructor = _Loader("")
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
        line = key_node.start_mark.line + 1
        if key in entry.data:
            problems.append(Problem(Location(path, line), None, f"字段“{key}”在同一条目中写了两次，请只保留一个。"))
            continue
        try:
            entry.data[key] = constructor.construct_object(value_node, deep=True)
        except yaml.YAMLError as exc:
            problems.append(Problem(Location(path, line), None, f"字段“{key}”的值无法读取：{exc}"))
            continue
        entry.field_lines[key] = line
        if isinstance(value_node, yaml.SequenceNode):
            entry.item_lines[key] = [child.start_mark.line + 1 for child in value_node.value]
    return entry


def _explain_yaml_error(exc: yaml.MarkedYAMLError) -> str:
    """A YAML parser error, with the usual causes spelled out for non-programmers."""
    detail = exc.problem or str(exc)
    return (
        f"YAML格式错误（{detail}）。常见原因：缩进不一致（请只用空格、不要用Tab）、"
        "冒号后缺少空格、引号没有成对、列表项前缺少“- ”。"
    )


_TOPIC_LINE = re.compile(r"^#\s*\S+\s+[—-]+\s*(.+?)\s*$")


def topic_name(path: Path) -> str:
    """The file's topic as its first line names it ("# faq/economic.yml — 经济待遇" → 经济待遇);
    the file name when the line is missing."""
    try:
        with path.open(encoding="utf-8") as handle:
            first = handle.readline()
    except OSError:
        return path.name
    match = _TOPIC_LINE.match(first)
    return match.group(1) if match else path.name
