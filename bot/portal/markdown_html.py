"""The bot's light Markdown (FAQ answers: **bold**, lists, links) as safe HTML for staff pages.

Python-Markdown (pinned in requirements/constraints.txt) does not sanitise, so the text is
HTML-escaped *before* it is parsed: a ``<script>`` typed by a student or written in an answer
stays text. The tree is then cut down to a few tags; links keep only http(s)/mailto/tel
addresses and open with ``rel="noopener noreferrer nofollow"``; images become their alt text.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from typing import Tuple

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {"p", "strong", "em", "b", "i", "ul", "ol", "li", "a", "code", "pre", "br", "blockquote", "hr", "div"}
)
_SAFE_HREF = re.compile(r"^(https?://|mailto:|tel:)", re.IGNORECASE)
#: A bot message longer than this (or of more than one paragraph) is collapsed to its first line.
COLLAPSE_CHARS = 90


class _Sanitise(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag == "a":
                    href = child.get("href", "")
                    child.attrib.clear()
                    if _SAFE_HREF.match(href):
                        child.set("href", href)
                        child.set("rel", "noopener noreferrer nofollow")
                elif child.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                    child.tag = "strong"
                    child.attrib.clear()
                elif child.tag not in ALLOWED_TAGS:  # img and anything unexpected: its text only
                    child.tag, text = "span", child.get("alt", "")
                    child.attrib.clear()
                    child.text = (child.text or "") + text
                else:
                    child.attrib.clear()


class _SafeExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.treeprocessors.register(_Sanitise(md), "enlist_sanitise", 0)


def render_markdown(text: str) -> Markup:
    """``text`` (light Markdown) as safe HTML."""
    converter = markdown.Markdown(extensions=[_SafeExtension()], output_format="html")
    return Markup(converter.convert(html.escape(text or "", quote=False)))


def split_first_line(text: str) -> Tuple[str, str]:
    """(first non-empty line, the rest) of a message, for a collapsed view; rest '' when the
    message is short enough to show whole."""
    stripped = (text or "").strip()
    if len(stripped) <= COLLAPSE_CHARS and "\n\n" not in stripped:
        return stripped, ""
    first, _, rest = stripped.partition("\n")
    return first.strip(), rest.strip()


def render_inline(text: str) -> Markup:
    """One line of Markdown without its paragraph (for a <summary>)."""
    rendered = str(render_markdown(text))
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return Markup(rendered)
