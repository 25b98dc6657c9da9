"""The lead form's fields: how each is asked, checked, normalised and shown.

Each check returns a :class:`Checked` value: the normalised value, or a Chinese
explanation of what is wrong that the bot says before asking again. These functions are
pure; the form validation action (actions/leads.py) calls them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Dict, Optional, Tuple

from bot.leads.records import EDUCATION_LEVELS, ENLIST_PLACES, STUDENT_STATUSES

_SEPARATORS = re.compile(r"[\s\-–—.·()（）]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d(?:[\s-]?\d){8})(?!\d)")
_URL = re.compile(r"(https?://|www\.|\.(com|cn|net|org)\b)", re.IGNORECASE)
_MARKUP = re.compile(r"[<>{}\[\]\\/=;$`|]")
_NAME_CHARS = re.compile(r"^[\u3400-\u9fffA-Za-z·•\s]+$")
_QUESTION = re.compile(
    r"[?？]|吗|呢|怎么|什么|多少|几[分年天岁次个号月]|哪|啥|咋|能不能|可不可以|是不是|为什么|如何|有没有"
)
SKIPPED = ""  # a skipped optional field is stored as an empty string


@dataclass(frozen=True)
class Checked:
    value: Optional[str] = None
    problem: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def looks_like_question(text: str) -> bool:
    return bool(_QUESTION.search(text))


def normalize_phone(text: str) -> Optional[str]:
    """11-digit mainland mobile number from what was typed, or None."""
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix) :]
    return digits if _MOBILE.match(digits) else None


def find_phone(text: str) -> Optional[str]:
    """A mobile number somewhere inside a longer message ("我的手机是138 0013 8000")."""
    match = _PHONE_IN_TEXT.search(unicodedata.normalize("NFKC", text))
    return normalize_phone(match.group(1)) if match else None


def check_phone(text: str) -> Checked:
    phone = normalize_phone(text) or find_phone(text)
    if phone:
        return Checked(phone)
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
    if digits and len(digits) != 11:
        return Checked(problem=f"手机号应是11位数字，您输入的是{len(digits)}位。请重新输入，例如 138 0013 8000。")
    if digits:
        return Checked(problem="这看起来不是大陆手机号（应以13–19开头，共11位）。请重新输入，例如 138 0013 8000。")
    return Checked(problem="请输入11位手机号码，例如 138 0013 8000（可以带空格或短横线）。")


def check_name(text: str) -> Checked:
    name = _clean(text)
    for prefix in ("我叫", "我是", "姓名", "名字是", "名字叫", "叫"):
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            name = name[len(prefix) :].strip(" ：:，,")
            break
    if _URL.search(name) or _MARKUP.search(name):
        return Checked(problem="姓名里不能有网址或特殊符号，请输入您的真实姓名（2–20个字）。")
    if re.search(r"\d", name):
        return Checked(problem="姓名里不能有数字，请输入您的真实姓名（2–20个字）。")
    if not 2 <= len(name) <= 20:
        return Checked(problem="姓名需要2–20个字，请重新输入。")
    if not _NAME_CHARS.match(name):
        return Checked(problem="姓名只能包含汉字、字母和间隔号“·”，请重新输入。")
    return Checked(name)


def check_free_text(text: str, label: str, low: int, high: int) -> Checked:
    value = _clean(text)
    if _MARKUP.search(value) or _URL.search(value):
        return Checked(problem=f"{label}里不能有网址或特殊符号（如 < > / =），请用文字填写。")
    if not low <= len(value) <= high:
        return Checked(problem=f"{label}请填写{low}–{high}个字。")
    return Checked(value)


def check_school(text: str) -> Checked:
    """School as typed (abbreviations such as 吕院、太理 are kept, not expanded)."""
    value = _clean(text)
    for prefix in ("我在", "我是", "学校是", "就读于"):
        if value.startswith(prefix) and len(value) > len(prefix) + 1:
            value = value[len(prefix) :]
            break
    for suffix in ("上学", "读书", "的学生", "读大学"):
        if value.endswith(suffix) and len(value) > len(suffix) + 1:
            value = value[: -len(suffix)]
            break
    return check_free_text(value, "学校名称", 2, 50)


def check_hukou(text: str) -> Checked:
    value = _clean(text)
    for prefix in ("户口在", "户籍在", "户口是", "户籍是", "老家在", "老家是", "我是"):
        if value.startswith(prefix) and len(value) > len(prefix) + 1:
            value = value[len(prefix) :]
            break
    return check_free_text(value, "户籍所在地", 2, 50)


def check_concern(text: str) -> Checked:
    value = _clean(text)
    if value in ("没有", "无", "没", "暂时没有", "都行"):
        return Checked("无")
    return check_free_text(value, "最关心的问题", 1, 200)


_STATUS_WORDS: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("应届毕业生", ("应届", "今年毕业", "毕业班", "大四", "研三", "马上毕业", "快毕业")),
    ("往届毕业生", ("往届", "已经毕业", "毕业了", "毕业生", "已毕业")),
    ("在校生", ("在校", "在读", "大一", "大二", "大三", "研一", "研二", "学生", "新生")),
    ("其他", ("其他", "其它", "都不是", "社会青年", "没上大学", "工作了")),
)
_EDUCATION_WORDS: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("研究生", ("研究生", "硕士", "博士", "研一", "研二", "研三", "读研")),
    ("本科", ("本科", "大学本科", "学士")),
    ("专科", ("专科", "大专", "高职", "高专")),
)
_PLACE_WORDS: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("学校所在地", ("学校", "就读地", "学校所在地", "在校")),
    ("户籍所在地", ("户籍", "户口", "老家", "家乡", "原籍")),
    ("未定", ("未定", "没想好", "不确定", "还没定", "不知道", "都可以", "待定")),
)


def _choose(text: str, table: Tuple[Tuple[str, Tuple[str, ...]], ...]) -> Optional[str]:
    value = _clean(text)
    for canonical, _words in table:
        if value == canonical:
            return canonical
    for canonical, words in table:
        if any(word in value for word in words):
            return canonical
    return None


def check_student_status(text: str) -> Checked:
    value = _choose(text, _STATUS_WORDS)
    return Checked(value) if value else Checked(problem=f"请选择您的身份：{'、'.join(STUDENT_STATUSES)}。")


def check_education(text: str) -> Checked:
    value = _choose(text, _EDUCATION_WORDS)
    return Checked(value) if value else Checked(problem=f"请选择您的学历层次：{'、'.join(EDUCATION_LEVELS)}。")


def check_enlist_place(text: str) -> Checked:
    value = _choose(text, _PLACE_WORDS)
    return Checked(value) if value else Checked(problem=f"请选择拟应征地：{'、'.join(ENLIST_PLACES)}。")


@dataclass(frozen=True)
class Field:
    """One question of the lead form."""

    slot: str
    label: str  # shown in the summary and the "修改" buttons
    question: str
    check: Callable[[str], Checked]
    choices: Tuple[str, ...] = ()
    skippable: bool = True
    free_text: bool = True  # a value may look like anything (so it can be mistaken for a question)


FIELDS: Tuple[Field, ...] = (
    Field("lead_name", "姓名", "请问您的**姓名**是？", check_name),
    Field(
        "lead_phone",
        "手机号",
        "请留下您的**手机号**，方便区人武部工作人员联系您。",
        check_phone,
        skippable=False,
        free_text=False,
    ),
    Field("school", "学校", "您就读（或毕业）的**学校**是？（简称也可以）", check_school),
    Field("student_status", "身份", "您目前的**身份**是？", check_student_status, STUDENT_STATUSES, free_text=False),
    Field("education_level", "学历层次", "您的**学历层次**是？", check_education, EDUCATION_LEVELS, free_text=False),
    Field("hukou_place", "户籍所在地", "您的**户籍所在地**是哪里？（例如：山西省吕梁市离石区）", check_hukou),
    Field("enlist_place", "拟应征地", "您打算在哪里**应征**？", check_enlist_place, ENLIST_PLACES, free_text=False),
    Field(
        "main_concern",
        "最关心的问题",
        "您**最关心**哪方面的问题？（例如学费补偿、考研、体检，也可以直接写下来；没有可以回复“无”）",
        check_concern,
        ("学费补偿", "考研升学", "体检标准", "报名流程", "无"),
    ),
)
FIELDS_BY_SLOT: Dict[str, Field] = {field.slot: field for field in FIELDS}


def display_phone(phone: str) -> str:
    """``13800138000`` → ``138 0013 8000`` (for the student's own summary)."""
    return f"{phone[:3]} {phone[3:7]} {phone[7:]}" if len(phone) == 11 else phone
