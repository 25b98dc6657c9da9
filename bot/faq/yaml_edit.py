"""Edits one entry of a FAQ file as text, so comments, order, quoting and blank lines of
everything else stay exactly as the editor wrote them (git diffs stay small).

Works on the line numbers the loader records (:class:`bot.faq.loader.RawEntry`): a field
is its key line plus the following lines indented deeper than the key. Only block-style
fields are edited; a flow-style list (``questions: [a, b]``) is refused with a message.
"""

from __future__ import annotations

import json
from typing import Dict, List, Sequence, Tuple

import yaml

from bot.errors import FaqError
from bot.faq.loader import RawEntry


def yaml_scalar(value: str) -> str:
    """``value`` as a one-line YAML scalar: plain when that reads back the same, else quoted."""
    if value == value.strip() and "\n" not in value:
        try:
            if yaml.safe_load(f"k: {value}") == {"k": value} and " #" not in value:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _key_column(line: str, name: str) -> int:
    stripped = line.lstrip(" -")
    if not stripped.startswith(name):
        raise FaqError(f"无法定位字段“{name}”（第{line!r}行），请手工修改该文件。")
    return len(line) - len(stripped)


def field_span(lines: Sequence[str], raw: RawEntry, name: str) -> Tuple[int, int, int]:
    """(first line index, end index exclusive, key column) of field ``name``."""
    start = raw.line_of(name) - 1
    column = _key_column(lines[start], name)
    end = start + 1
    last = start + 1
    while end < len(lines):
        line = lines[end]
        if line.strip():
            if _indent(line) <= column and not line.lstrip().startswith("#"):
                break
            if not line.lstrip().startswith("#") or _indent(line) > column:
                last = end + 1
        end += 1
    return start, last, column


def entry_end(lines: Sequence[str], raw: RawEntry) -> Tuple[int, int]:
    """(index after the entry's last field, the column of its keys)."""
    spans = [field_span(lines, raw, name) for name in raw.field_lines]
    end = max(span[1] for span in spans)
    columns = [span[2] for span in spans]
    return end, max(columns)


def add_questions(text: str, raw: RawEntry, questions: Sequence[str]) -> str:
    """Append ``questions`` to the entry's ``questions:`` list, in its own style."""
    lines = text.splitlines(keepends=True)
    items = raw.item_lines.get("questions") or []
    if not items or items[-1] - 1 == raw.line_of("questions") - 1:
        raise FaqError(f"条目“{raw.data.get('id')}”的问法不是逐行列表（“- 问法”），无法自动添加，请手工修改。")
    last = items[-1] - 1
    dash = lines[last][: _indent(lines[last])]
    end = last + 1
    while end < len(lines) and lines[end].strip() and _indent(lines[end]) > len(dash):
        end += 1
    newline = "\n" if lines[last].endswith("\n") else ""
    if not newline:
        lines[last] += "\n"
    added = [f"{dash}- {yaml_scalar(q)}\n" for q in questions]
    return "".join(lines[:end] + added + lines[end:])


def set_field(text: str, raw: RawEntry, name: str, value_lines: List[str]) -> str:
    """Replace (or add at the end of the entry) field ``name``.

    ``value_lines``: the first is what follows ``name:`` on the key line (e.g. ``"|"``
    or ``"2026-11-30"``); the others are continuation lines without indentation.
    """
    lines = text.splitlines(keepends=True)
    if name in raw.field_lines:
        start, end, column = field_span(lines, raw, name)
        prefix = lines[start][:column]
    else:
        end, column = entry_end(lines, raw)
        start, prefix = end, " " * column
    block = [f"{prefix}{name}: {value_lines[0]}".rstrip() + "\n"]
    block += [(" " * (column + 2) + line).rstrip() + "\n" for line in value_lines[1:]]
    if start > 0 and not lines[start - 1].endswith("\n"):
        lines[start - 1] += "\n"
    return "".join(lines[:start] + block + lines[end:])


def block_scalar(value: str) -> List[str]:
    """A multi-line text as ``|`` block lines (first line of the list is the indicator)."""
    body = value.strip("\n").split("\n")
    if body and body[0].startswith(" "):
        return [yaml_scalar(value)]
    return ["|"] + [line.rstrip() for line in body]


def remove_field(text: str, raw: RawEntry, name: str) -> str:
    """Delete field ``name`` (key line and its value lines) from the entry."""
    if name not in raw.field_lines:
        return text
    lines = text.splitlines(keepends=True)
    start, end, _ = field_span(lines, raw, name)
    return "".join(lines[:start] + lines[end:])


def remove_entry(text: str, raw: RawEntry) -> str:
    """Delete the whole entry (from its ``- id:`` line to its last field) and one blank line after it."""
    lines = text.splitlines(keepends=True)
    start = raw.location.line - 1
    end, _ = entry_end(lines, raw)
    if end < len(lines) and not lines[end].strip():
        end += 1
    return "".join(lines[:start] + lines[end:])


def flow_item(value: str) -> str:
    """One item of a ``[a, b]`` list: plain when that is safe there, else quoted."""
    plain = yaml_scalar(value)
    return (
        plain if plain == value and not any(c in value for c in ",[]{}:#'\"") else json.dumps(value, ensure_ascii=False)
    )


def value_lines(name: str, value: object, flow: bool = False) -> List[str]:
    """``value`` of field ``name`` as :func:`set_field` lines: answers as ``|`` blocks, follow-up
    buttons (ids) and lists written ``[a, b]`` before (``flow``) as flow lists, other lists as
    ``- item`` lines, everything else one scalar."""
    if name == "answer":
        return block_scalar(str(value))
    if isinstance(value, (list, tuple)) and (flow or name == "buttons"):
        return ["[" + ", ".join(flow_item(str(item)) for item in value) + "]"]
    if isinstance(value, (list, tuple)):
        return [""] + [f"- {yaml_scalar(str(item))}" for item in value]
    if isinstance(value, int):
        return [str(value)]
    return [value if isinstance(value, str) and name in ("reviewed", "valid_until") else yaml_scalar(str(value))]


def is_flow(text: str, raw: RawEntry, name: str) -> bool:
    """Whether field ``name`` is written as a flow list (``tags: [a, b]``)."""
    if name not in raw.field_lines:
        return False
    line = text.splitlines()[raw.line_of(name) - 1]
    return line.split(":", 1)[-1].strip().startswith("[")


def entry_block(data: Dict[str, object], order: Sequence[str]) -> str:
    """A new entry as text (``- id: …`` then two-space indented fields in ``order``)."""
    out: List[str] = []
    for name in order:
        if name not in data or data[name] in (None, [], ()):
            continue
        lines = value_lines(name, data[name])
        prefix = "- " if not out else "  "
        out.append(f"{prefix}{name}: {lines[0]}".rstrip() + "\n")
        out += [("    " + line).rstrip() + "\n" for line in lines[1:]]
    return "".join(out)
