"""The README and the guides in docs/: every relative link leads to a file (and heading) that
exists, every guide is linked from the README, and no internal issue numbers leak into them."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import FrozenSet, List, Tuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#+\s+(.*)$", re.MULTILINE)
FENCE = re.compile(r"```.*?```", re.DOTALL)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    kept = "".join(ch for ch in heading.strip().lower() if ch.isalnum() or ch in "-_ ")
    return kept.replace(" ", "-")


@cache
def anchors(path: Path) -> FrozenSet[str]:
    """The anchors of a Markdown file's headings (headings inside code blocks do not count)."""
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return frozenset(slug(h) for h in HEADING.findall(text))


def relative_links(path: Path) -> List[Tuple[str, Path, str]]:
    """(link as written, target file, fragment) for every link that is not a URL."""
    found = []
    for target in LINK.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue
        file_part, _, fragment = target.partition("#")
        found.append((target, (path.parent / file_part).resolve() if file_part else path, fragment))
    return found


def test_the_slug_matches_githubs_for_our_headings() -> None:
    assert slug("在线咨询 / Live hand-off") == "在线咨询--live-hand-off"
    assert slug("Socket.io (rasa-webchat)") == "socketio-rasa-webchat"
    assert slug("在门户里操作（推荐）") == "在门户里操作推荐"


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_leads_to_an_existing_file_and_heading(path: Path) -> None:
    broken = []
    for written, target, fragment in relative_links(path):
        if not target.exists():
            broken.append(f"{written}: no such file")
        elif fragment and target.suffix == ".md" and fragment not in anchors(target):
            broken.append(f"{written}: no heading with that anchor in {target.name}")
    assert broken == []


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_internal_issue_numbers(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert re.findall(r"(?i)\bissue[- ]?\d+", text) == []


def test_the_readme_links_every_guide_and_stays_short() -> None:
    readme = ROOT / "README.md"
    linked = {target for _, target, _ in relative_links(readme)}
    guides = {p.resolve() for p in (ROOT / "docs").glob("*.md")}
    assert guides - linked == set(), "guides in docs/ that the README does not link"
    assert len(readme.read_text(encoding="utf-8").splitlines()) <= 250
