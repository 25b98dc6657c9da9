"""Bot messages as WeChat text: Markdown flattened, buttons numbered, long text paged.

A WeChat text message shows plain text and ``<a href="...">`` links, nothing else, and
its content may be at most 2048 bytes. Buttons become a numbered list in the order of
the bot's buttons; the student types the number or the title, which the button matcher
maps back to the payload (the text reaches Rasa unchanged). Text longer than one
message is cut into pages at line breaks; the student asks for the next with “更多”.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Sequence

#: WeChat's limit for the Content of a text message, in UTF-8 bytes.
TEXT_LIMIT_BYTES = 2048
#: What the student types to get the next page.
MORE_WORDS = frozenset({"更多", "更多内容", "查看更多"})  # not 继续: forms may use it
MORE_HINT = "\n\n（第{page}/{pages}页）回复“更多”查看余下内容"
BUTTONS_HEADER = "回复数字："

_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"(\*\*|__)(.+?)\1")
# No word boundaries around italics: Chinese text has none (“，*按时*填写”).
_ITALIC = re.compile(r"(?<!\*)\*(?![\s*])([^*\n]+?)(?<![\s*])\*(?!\*)")
_CODE = re.compile(r"`([^`\n]+)`")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_BULLET = re.compile(r"^(\s*)[-*+]\s+", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{3,}")
#: A link is never cut in two; other text may be cut between any two characters.
_UNITS = re.compile(r'<a href="[^"]*">.*?</a>|.', re.DOTALL)


def markdown_to_wechat(text: str) -> str:
    """Our answers' Markdown (bold, headings, lists, links) as WeChat text."""
    text = _HEADING.sub("", text)
    text = _BULLET.sub(lambda m: f"{m.group(1)}• ", text)
    text = _CODE.sub(r"\1", text)
    text = _BOLD.sub(r"\2", text)
    text = _ITALIC.sub(r"\1", text)
    text = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def button_list(buttons: Sequence[Dict[str, Any]]) -> str:
    """``回复数字：\\n1 学费补偿\\n2 考研加分`` in the order of ``buttons``."""
    lines = [f"{number} {button.get('title', '')}" for number, button in enumerate(buttons, start=1)]
    return "\n".join([BUTTONS_HEADER, *lines])


def render_messages(messages: Iterable[Dict[str, Any]]) -> str:
    """The texts and buttons of one turn's bot messages as one WeChat text."""
    parts: List[str] = []
    for message in messages:
        if message.get("text"):
            parts.append(markdown_to_wechat(message["text"]))
        if message.get("buttons"):
            parts.append(button_list(message["buttons"]))
    return "\n\n".join(part for part in parts if part)


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def paginate(text: str, limit: int = TEXT_LIMIT_BYTES) -> List[str]:
    """``text`` cut into pages of at most ``limit`` bytes, each but the last ending with
    the “更多” hint; cut at line breaks where possible, never inside a link."""
    if _size(text) <= limit:
        return [text]
    budget = limit - _size(MORE_HINT.format(page=999, pages=999))
    pages: List[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        if _size(current + line) <= budget:
            current += line
            continue
        if current.strip():
            pages.append(current)
        current = ""
        for unit in _UNITS.findall(line) if _size(line) > budget else [line]:
            if current and _size(current + unit) > budget:
                pages.append(current)
                current = ""
            current += unit
    if current.strip():
        pages.append(current)
    pages = [page.strip("\n") for page in pages]
    return [
        page + MORE_HINT.format(page=number, pages=len(pages)) if number < len(pages) else page
        for number, page in enumerate(pages, start=1)
    ]
