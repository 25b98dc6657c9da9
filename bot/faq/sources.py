"""Sources as a student sees them: official links only, no grading jargon, strongest first.

Staff write sources in ``faq/`` with their grade notes (镜像、转引、C级 …) and whatever URL they
found; students must only be sent to official sites, and must not read the fact sheet's grading
vocabulary. This module is the one place that turns a staff source line into student text.
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence, Tuple
from urllib.parse import urlsplit

# Official domains a student may be linked to (issue 12 §2): a host equal to or under one of these.
OFFICIAL_DOMAINS = (
    "gov.cn",
    "81.cn",
    "chinamil.com.cn",
    "people.cn",
    "people.com.cn",
    "xinhuanet.com",
    "news.cn",
    "gmw.cn",
    "edu.cn",
)

# Words of the fact sheet's grading scheme that students must not read (【推断】/【存疑】 included).
JARGON = ("C级", "B级", "A级", "转引", "镜像", "推断", "存疑")

# Plain words for uncertainty, used where staff text marks a claim as uncertain.
UNCERTAIN_PLAIN = "这一点各地执行可能不同，请以区人武部答复为准"

_URL = re.compile(r"https?://[^\s，；（）]+")
_JARGON_NOTE = re.compile(r"[，,、]?\s*(?:镜像转载|镜像|转引|[ABC]级(?:来源|转载)?)\s*")
_EMPTY_BRACKETS = re.compile(r"（\s*[，,、]?\s*）|\(\s*\)")
_LAW = re.compile(r"《[^》]*(?:法|条例|规定|标准)》")
# Central official media (the fact sheet's A grade even when only a reprint could be read).
_CENTRAL_MEDIA = re.compile(r"^(?:新华社|解放军报|中国军网|光明日报|人民日报|人民网|国防部|中国政府网)")
_SECONDHAND = re.compile(r"学院|大学|高校|学生处|某|第三方|华图")  # a law quoted by a school or site


def is_official(url: str) -> bool:
    """True when ``url`` is on an official domain (gov.cn, 81.cn, edu.cn …)."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in OFFICIAL_DOMAINS)


def plain_name(name: str) -> str:
    """``name`` without grading notes: "新华社《…》（2023-01-18，镜像转载）" → "新华社《…》（2023-01-18）"."""
    text = _JARGON_NOTE.sub("", name)
    text = _EMPTY_BRACKETS.sub("", text)
    text = text.replace("（，", "（").replace("，）", "）")
    return text.strip(" —-–:：，,")


def split_source(source: str) -> Tuple[str, Optional[str]]:
    """A staff source line "name — https://…" as (plain name, URL or None)."""
    match = _URL.search(source)
    name = _URL.sub("", source) if match else source
    return plain_name(name), (match.group(0) if match else None)


def strength(name: str, url: Optional[str]) -> Tuple[int, int]:
    """Sort key, smaller is stronger: law texts and central media (2023 first), official sites, the rest."""
    recent = 0 if "2023" in name else 1
    if _CENTRAL_MEDIA.search(name) or (_LAW.search(name) and not _SECONDHAND.search(name)):
        return 0, recent
    if url and is_official(url):
        return 1, recent
    return 2, recent


def student_source(name: str, url: Optional[str]) -> str:
    """One source for students: a Markdown link if the URL is official, else the bare name."""
    plain = plain_name(name)
    if url and is_official(url):
        return f"[{plain}]({url})" if plain else url
    return plain


def student_sources(sources: Sequence[str]) -> List[str]:
    """Every source of an entry for students, strongest first (stable within a rank)."""
    parsed = [split_source(s) for s in sources]
    ranked = sorted(enumerate(parsed), key=lambda p: (strength(*p[1]), p[0]))
    shown: List[str] = []
    for _, (name, url) in ranked:
        text = student_source(name, url)
        if text and text not in shown:
            shown.append(text)
    return shown


def student_jargon(text: str) -> List[str]:
    """The grading words found in ``text``, which students must not read (for the validator)."""
    return [word for word in JARGON if word in text]
