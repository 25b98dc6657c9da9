"""The answer as a student sees it, for the editor's preview (issue 16 §4).

The same message the bot sends (:func:`bot.faq.render.render_answer`: policy-year note,
placeholders filled, footer with sources, follow-up buttons), turned into HTML by the rules
of the widget's light Markdown (bot/widget/static/widget.js ``renderMarkdown``): paragraphs
with line breaks, ``-``/``1.`` lists, ``**bold**``, ``[text](http…)`` and bare http(s) links.
Everything else is escaped text.
"""

from __future__ import annotations

import re
from typing import Dict, List, Mapping

from markupsafe import Markup, escape

from bot.faq.catalog import CatalogSnapshot
from bot.faq.entry import FaqEntry
from bot.faq.render import ChatReply, render_answer

_INLINE = re.compile(
    r"\*\*(.+?)\*\*"
    r"|\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)"
    r"|(https?://[^\s<>()（）\[\]，。；、“”\"']+)"
)
_BULLET = re.compile(r"^\s*[-*•]\s+(.+)$")
_ORDERED = re.compile(r"^\s*(\d{1,3})[.)]\s+(.+)$")


def _link(href: str, text: str) -> str:
    if not re.match(r"^https?://", href.strip(), re.I):
        return ""
    return f'<a href="{escape(href.strip())}" rel="noopener noreferrer" target="_blank">{escape(text)}</a>'


def _inline(text: str) -> str:
    out: List[str] = []
    last = 0
    for match in _INLINE.finditer(text):
        out.append(str(escape(text[last : match.start()])))
        if match.group(1) is not None:
            out.append(f"<strong>{_inline(match.group(1))}</strong>")
        elif match.group(2) is not None:
            out.append(_link(match.group(3), match.group(2)) or str(escape(match.group(0))))
        else:
            out.append(_link(match.group(4), match.group(4)) or str(escape(match.group(0))))
        last = match.end()
    out.append(str(escape(text[last:])))
    return "".join(out)


def markdown_html(text: str) -> Markup:
    """``text`` rendered like the widget renders a bot message."""
    html: List[str] = []
    block = ""  # "p", "ul" or "ol" while one is open
    for raw_line in str(text).replace("\r\n", "\n").split("\n"):
        line = raw_line.rstrip()
        bullet, ordered = _BULLET.match(line), _ORDERED.match(line)
        if not line.strip():
            html.append(f"</{block}>" if block else "")
            block = ""
        elif bullet or ordered:
            tag = "ul" if bullet else "ol"
            if block != tag:
                html.append(f"</{block}>" if block else "")
                start = f' start="{ordered.group(1)}"' if ordered and ordered.group(1) != "1" else ""
                html.append(f"<{tag}{start}>")
                block = tag
            html.append(f"<li>{_inline(bullet.group(1) if bullet else ordered.group(2))}</li>")
        else:
            if block == "p":
                html.append("<br>")
            else:
                html.append(f"</{block}>" if block else "")
                html.append("<p>")
                block = "p"
            html.append(_inline(line))
    html.append(f"</{block}>" if block else "")
    return Markup("".join(html))


def student_view(entry: FaqEntry, entries: Mapping[str, FaqEntry], policy_year: int, contact: str) -> Dict[str, object]:
    """The chat message for ``entry`` as HTML plus its button titles."""
    snapshot = CatalogSnapshot(tuple(entries.values()), by_id=dict(entries))
    reply: ChatReply = render_answer(entry, snapshot, policy_year, contact)
    return {"html": markdown_html(reply.text), "buttons": [button["title"] for button in reply.buttons]}
