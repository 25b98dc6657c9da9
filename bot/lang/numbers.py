"""Chinese numerals to numbers: "二十三" → 23, "一百四" → 140, "二零零三" → 2003, "1.2万" → 12000.

Students write numbers every way a phone keyboard allows; :func:`arabize` rewrites the
Chinese numerals in a message into Arabic digits so that the extractors in
:mod:`bot.lang.extract` only have to match digits. Grade words (大一, 研二, 高三) and words
such as 一下/一个 are left alone.
"""

from __future__ import annotations

import re
from typing import Optional

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万点"
#: A run of Chinese numerals (at least one), e.g. 二十三, 一百四十, 二零零三, 一点七五.
_RUN = re.compile(f"[{_NUMERAL_CHARS}]+")
#: Words after a numeral run that make it a quantity we care about.
_QUANTITY_AFTER = re.compile(r"\s*(周岁|岁|年|斤|公斤|kg|cm|元|块|米|厘米|公分|度|万|千|个月|月|号|日)")
#: Characters before a run that make it part of a word, not a quantity (大一, 研二, 第三).
_WORD_BEFORE = "大研高初博第周星期礼初统唯"


def digit_string(run: str) -> Optional[str]:
    """Digit-by-digit reading: "二零零三" → "2003", "零三" → "03"; None if not all digits."""
    if not run or any(ch not in DIGITS for ch in run):
        return None
    return "".join(str(DIGITS[ch]) for ch in run)


def _section(run: str) -> Optional[int]:
    """Value of a run below 10000 with place units: 二十三, 一百四, 四千五, 一千零三."""
    if not run:
        return 0
    total, digit, last_unit = 0, None, None
    for ch in run:
        if ch in DIGITS:
            if digit is not None and DIGITS[ch] != 0 and digit != 0:
                return None  # two digits in a row without a unit ("二三")
            digit = DIGITS[ch]
            if ch in "零〇":
                last_unit = None  # "一千零三": the next digit is in the ones place
        elif ch in UNITS:
            total += (digit if digit is not None else 1) * UNITS[ch]
            last_unit = UNITS[ch]
            digit = None
        else:
            return None
    if digit:
        # Colloquial: a digit right after a unit is one place lower ("一百四" = 140).
        total += digit * (last_unit // 10 if last_unit and last_unit >= 10 else 1)
    return total


def chinese_number(run: str) -> Optional[float]:
    """Value of a Chinese numeral: 二十三 → 23, 一万二 → 12000, 一点七五 → 1.75, 二零零三 → 2003."""
    run = run.strip()
    if not run:
        return None
    if "点" in run:
        whole, _, frac = run.partition("点")
        whole_value = chinese_number(whole) if whole else 0
        frac_digits = digit_string(frac)
        if whole_value is None or frac_digits is None:
            return None
        return float(f"{int(whole_value)}.{frac_digits}")
    digits = digit_string(run)
    if digits is not None and len(run) > 1:
        return float(int(digits))
    if "万" in run:
        high, _, low = run.partition("万")
        high_value = _section(high) if high else 1
        if high_value is None:
            return None
        if low and low in DIGITS and DIGITS[low]:
            return float(high_value * 10000 + DIGITS[low] * 1000)  # 一万二 = 12000
        low_value = _section(low)
        if low_value is None:
            return None
        return float(high_value * 10000 + low_value)
    value = _section(run)
    return None if value is None else float(value)


def _format(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def arabize(text: str) -> str:
    """Rewrite Chinese numeral quantities as Arabic digits; leave words like 大一 alone.

    A run is rewritten when it has a place unit (十/百/千/万) or a decimal point, or when a
    quantity word follows it (岁, 年, 斤, 公斤, 元, 米, 度 …). "二零零三年" → "2003年",
    "零三年" → "03年" (leading zero kept: it is a two-digit year).
    """

    def replace(match: "re.Match[str]") -> str:
        run = match.group(0)
        start = match.start()
        if start > 0 and text[start - 1] in _WORD_BEFORE and len(run) == 1 and not text.startswith("米", match.end()):
            return run  # 大一, 高三 … ; but "身高一米八" is a height
        after = _QUANTITY_AFTER.match(text, match.end())
        has_unit = any(ch in "十百千万点" for ch in run)
        if not has_unit and not after:
            return run
        if run in ("千", "万", "百", "十", "点"):
            return run
        if (
            len(run) > 2
            and run[-1] == "一"
            and any(u in run[:-1] for u in "十百千万")
            and text.startswith("年", match.end())
        ):
            value = chinese_number(run[:-1])  # "八千一年" is 8000 a year, not 8100
            return run if value is None else _format(value) + " 1"
        digits = digit_string(run)
        if digits is not None and len(run) > 1:
            return digits  # keep leading zeros: 零三年 → 03年
        value = chinese_number(run)
        return run if value is None else _format(value)

    text = text.replace("千克", "kg")
    text = _RUN.sub(replace, text)
    # Colloquial Arabic: "1万2" = 12000.
    text = re.sub(r"(\d+)万(\d)(?![\d.])", lambda m: str(int(m.group(1)) * 10000 + int(m.group(2)) * 1000), text)
    # Arabic digits with 万/千/k: "1.2万" → 12000, "5千" → 5000, "4.5k" → 4500.
    text = re.sub(
        r"(\d+(?:\.\d+)?)\s*(万|千|k)(?![米克g])",
        lambda m: _format(float(m.group(1)) * {"万": 10000, "千": 1000, "k": 1000}[m.group(2)]),
        text,
    )
    return text
