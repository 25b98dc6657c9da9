"""The widget's files as the bot service serves them: types, caching, the size budget,
plain ES2017 for WeChat's browser, and the demo page that embeds them."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import List

import esprima
import pytest

from bot.config import Settings
from tests.conftest import http

WIDGET_FILES = {"widget.js": "application/javascript", "widget.css": "text/css"}
BUDGET_BYTES = 40 * 1024
STATIC = Path(__file__).resolve().parents[2] / "bot" / "widget" / "static"

#: Built-ins newer than ES2017 that old in-app browsers lack.
POST_ES2017_APIS = {
    "finally",
    "flat",
    "flatMap",
    "fromEntries",
    "matchAll",
    "replaceAll",
    "trimStart",
    "trimEnd",
    "allSettled",
    "any",
    "at",
    "hasOwn",
    "structuredClone",
    "groupBy",
    "findLast",
    "findLastIndex",
}


@pytest.mark.stack
def test_widget_files_are_served_gzipped_and_within_the_budget(stack: Settings) -> None:
    total = 0
    for name, content_type in WIDGET_FILES.items():
        reply = http("GET", f"{stack.bot_url}/{name}", headers={"Accept-Encoding": "gzip"})
        assert reply.status == 200 and reply.header("Content-Type").startswith(content_type)
        assert reply.header("Content-Encoding") == "gzip"
        assert gzip.decompress(reply.body) == (STATIC / name).read_bytes()
        total += len(reply.body)
        print(f"{name}: {len((STATIC / name).read_bytes())} bytes, {len(reply.body)} gzipped over HTTP")
    print(f"widget total gzipped: {total} bytes of {BUDGET_BYTES} budget")
    assert total < BUDGET_BYTES


@pytest.mark.stack
def test_plain_requests_get_plain_bytes_and_revalidation_is_cheap(stack: Settings) -> None:
    plain = http("GET", f"{stack.bot_url}/widget.js")
    assert plain.status == 200 and plain.header("Content-Encoding") is None
    assert plain.body == (STATIC / "widget.js").read_bytes()
    assert "max-age" in plain.header("Cache-Control")
    again = http("GET", f"{stack.bot_url}/widget.js", headers={"If-None-Match": plain.header("ETag")})
    assert again.status == 304 and again.body == b""


@pytest.mark.stack
def test_demo_page_embeds_the_widget_with_one_script_tag(stack: Settings) -> None:
    reply = http("GET", f"{stack.bot_url}/")
    assert reply.status == 200 and reply.header("Content-Type").startswith("text/html")
    page = reply.body.decode("utf-8")
    tags = re.findall(r"<script[^>]*>", page)
    assert len(tags) == 1 and 'src="/widget.js"' in tags[0]
    assert f'data-server="{stack.browser_chat_url}"' in tags[0] and 'data-open="true"' in tags[0]
    assert "<script>" not in page and "征兵" in page
    policy = reply.header("Content-Security-Policy")
    assert "script-src 'self'" in policy and stack.browser_chat_url in policy


def _walk(node):
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif hasattr(node, "__dict__"):
        yield node
        for value in vars(node).values():
            yield from _walk(value)


def es2017_problems(source: str) -> List[str]:
    """Syntax and built-ins newer than ES2017 in ``source`` (empty: plain ES2017)."""
    try:
        tree = esprima.parseScript(source)  # fails on ?., ??, catch without binding, named groups, ...
    except esprima.Error as exc:
        return [f"not ES2017 syntax: {exc}"]
    problems = []
    for node in _walk(tree):
        kind = getattr(node, "type", None)
        if kind == "ObjectExpression" and any(getattr(p, "type", None) == "SpreadElement" for p in node.properties):
            problems.append("object spread {...x} (ES2018)")
        elif kind == "ObjectPattern" and any(getattr(p, "type", None) == "RestElement" for p in node.properties):
            problems.append("object rest {...x} = (ES2018)")
        elif kind in ("FunctionDeclaration", "FunctionExpression") and node.isAsync and node.generator:
            problems.append("async generator (ES2018)")
        elif (
            kind == "Literal"
            and getattr(node, "regex", None)
            and ("s" in node.regex.flags or "(?<" in node.regex.pattern)
        ):
            problems.append(f"regex /{node.regex.pattern}/{node.regex.flags} (ES2018)")
        elif kind == "MemberExpression" and not node.computed and node.property.name in POST_ES2017_APIS:
            problems.append(f".{node.property.name}() (after ES2017)")
    return problems


def test_widget_script_is_plain_es2017() -> None:
    """WeChat's in-app browser on older phones: no syntax or built-ins after ES2017."""
    assert es2017_problems((STATIC / "widget.js").read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "const o = {...a};",
        "const {a, ...rest} = o;",
        "a?.b;",
        "a ?? b;",
        "try {} catch {}",
        "async function f() { for await (const x of y) {} }",
        "var r = /a.b/s;",
        "p.finally(done);",
        "[[1]].flat();",
    ],
)
def test_the_es2017_check_catches_newer_code(source: str) -> None:
    assert es2017_problems(source), source


def test_the_es2017_check_accepts_es2017() -> None:
    assert (
        es2017_problems("async function f(a, ...rest) { const [x] = await g(`${a}`); return {x, y: [...rest]}; }") == []
    )


def test_widget_never_uses_html_parsing_sinks() -> None:
    source = (STATIC / "widget.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in source, sink
