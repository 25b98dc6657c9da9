"""A typed reply that names one of the buttons the bot just offered ("确认提交", "２", "第二个").

Many students type what a button says instead of tapping it, and some clients (WeChat,
plain-text widgets) show buttons as a numbered list. When the latest bot turn offered
buttons, a message is that button when, after :func:`bot.lang.text.comparison_key`
(full-width → half-width, 繁→简, case, no spaces or punctuation), it is

- a button's title ("確認提交 " → 确认提交), or a unique beginning of at least two
  characters of one ("确认" → 确认提交, "同意" → 同意并继续);
- its number: "2", "２", "二", "第2个", "第二个", "第二项", "选2" (1-based, in the order shown).
  A bare number means a position only when no title of that message says another small
  number: with buttons "2年"/"5年", "2" is an answer, not the second button.

Numbers count in the latest message of the turn that has buttons (the list a client
numbers); titles in every message of the latest bot turn, the latest first. This module
is pure; bot/rasa_ext/typed_button_parse.py applies it where Rasa parses a message.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, List, Mapping, Optional, Sequence, Tuple

from bot.lang.numbers import chinese_number
from bot.lang.text import comparison_key
from bot.storage.conversations import PARSE_KEY

#: The shortest beginning of a title that stands for it ("确认" for "确认提交").
MIN_PREFIX = 2

_ORDINAL = re.compile(r"^(?:我?选)?(第)?([1-9][0-9]?|[一二三四五六七八九十两]{1,3})(?:个|项|条|个选项)?$")
_DIGITS_IN_TITLE = re.compile(r"[0-9]+")
#: Numbers in titles below this are quantities ("2年") a bare number may answer; larger
#: ones ("2023年征兵时间") are not.
SMALL_NUMBER = 100


#: Titles repeat (the same questions, the same topics): their keys are kept.
_title_key = functools.lru_cache(maxsize=2048)(comparison_key)


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


def buttons_of(raw: Any) -> List[Button]:
    """The well-formed buttons of a bot message's ``buttons`` list."""
    found: List[Button] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, Mapping) and isinstance(item.get("title"), str) and isinstance(item.get("payload"), str):
            if item["title"].strip() and item["payload"].strip():
                found.append(Button(item["title"], item["payload"]))
    return found


def number_of(key: str) -> Optional[Tuple[int, bool]]:
    """``(n, explicit)`` for "2"/"二"/"第二个"…, explicit when an ordinal word was used."""
    match = _ORDINAL.match(key)
    if not match:
        return None
    ordinal, run = match.group(1), match.group(2)
    explicit = bool(ordinal) or key != run
    value = float(run) if run.isdigit() else chinese_number(run)
    if value is None or value != int(value) or value < 1:
        return None
    return int(value), explicit


def _by_number(key: str, menu: Sequence[Button]) -> Optional[Button]:
    parsed = number_of(key)
    if parsed is None:
        return None
    n, explicit = parsed
    if n > len(menu):
        return None  # out of range: an answer ("5" years), not a button
    chosen = menu[n - 1]
    if not explicit:
        numbers = [
            {int(d) for d in _DIGITS_IN_TITLE.findall(_title_key(b.title)) if int(d) < SMALL_NUMBER} for b in menu
        ]
        if any(numbers) and n not in numbers[n - 1]:
            return None  # titles say numbers, and not this one at this place: ambiguous
    return chosen


def _by_title(key: str, menus: Sequence[Sequence[Button]]) -> Optional[Button]:
    for menu in menus:
        for button in menu:
            if _title_key(button.title) == key:
                return button
    if len(key) < MIN_PREFIX:
        return None
    for menu in menus:
        starting = {b.payload: b for b in menu if _title_key(b.title).startswith(key)}
        if len(starting) == 1:
            return next(iter(starting.values()))
        if starting:
            return None  # the beginning of several titles: ambiguous
    return None


def match(text: str, menus: Sequence[Sequence[Button]]) -> Optional[Button]:
    """The button ``text`` names, given the menus of the latest bot turn (latest first);
    None when it names none (then the message is understood as usual)."""
    if not isinstance(text, str) or text.lstrip().startswith("/"):
        return None  # a payload already (a click)
    menus = [menu for menu in menus if menu]
    if not menus:
        return None
    key = comparison_key(text)
    if not key:
        return None
    return _by_title(key, menus) or _by_number(key, menus[0])


def meant_text(user_event: Mapping[str, Any]) -> str:
    """What a user event stands for: the payload of the button it typed, else its text."""
    parse_data = user_event.get("parse_data")
    chosen = parse_data.get(PARSE_KEY) if isinstance(parse_data, Mapping) else None
    if isinstance(chosen, Mapping) and isinstance(chosen.get("payload"), str):
        return chosen["payload"]
    return str(user_event.get("text") or "")
