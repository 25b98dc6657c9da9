"""Facts about a student from Chinese chat text: gender, age, 身份, 学历层次, body, money.

Shared by the eligibility check, the benefit estimate and the lead form. Every function
takes the raw message and returns ``None`` when the message does not say it; nothing is
guessed. The values use the labels of the shared slots:

- ``gender``: 男 / 女
- ``student_status``: 在校生 / 应届毕业生 / 往届毕业生 / 新生 / 非学生
- ``education_level``: 初中 / 高中 / 专科 / 本科 / 研究生

``expect`` names the slot the bot has just asked for; it allows bare answers ("男",
"21", "2002", "5000", "4") that would be ambiguous in a free message.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Dict, List, Optional, Tuple

from bot.lang.numbers import DIGITS, arabize
from bot.lang.text import normalize

STATUSES = ("在校生", "应届毕业生", "往届毕业生", "新生", "非学生")
EDUCATION_LEVELS = ("初中", "高中", "专科", "本科", "研究生")
HALVES = ("上半年", "下半年")

_NEGATION_BEFORE = re.compile(r"(不是|没有|没|非|不)$")
_FIRST_PERSON = re.compile(r"我|本人|俺")
_ASKING_ABOUT = re.compile(r"想(了解|问|知道|咨询)|请问一下|问一下")


@dataclass
class Facts:
    """What one message says about the student (``None`` = not said)."""

    gender: Optional[str] = None
    birth_year: Optional[int] = None
    age: Optional[int] = None
    student_status: Optional[str] = None
    education_level: Optional[str] = None
    grade: Optional[str] = None
    graduation_year: Optional[int] = None
    height_cm: Optional[float] = None
    weight_kg: Optional[float] = None
    vision: Optional[List[float]] = None
    myopia_degree: Optional[int] = None
    enlist_year: Optional[int] = None
    enlist_half: Optional[str] = None
    tuition_per_year: Optional[float] = None
    years_paid: Optional[int] = None
    loan_amount: Optional[float] = None
    program_years: Optional[int] = None
    skipped: bool = False
    notes: List[str] = field(default_factory=list)

    def values(self) -> Dict[str, Any]:
        """The facts that were said, without ``skipped``/``notes``."""
        data = asdict(self)
        data.pop("skipped")
        data.pop("notes")
        return {key: value for key, value in data.items() if value is not None}


#: The slots a message can fill: one per Facts field, of the same name; age is kept only
#: as birth_year.
FACT_SLOTS: Tuple[str, ...] = tuple(f.name for f in fields(Facts) if f.name not in ("age", "skipped", "notes"))


def prepare(text: str) -> str:
    """Normalised (简体, half-width, lower case) with Chinese numerals as digits."""
    return arabize(normalize(text or ""))


def _not_negated(text: str, start: int) -> bool:
    return not _NEGATION_BEFORE.search(text[max(0, start - 2) : start])


def _first(patterns: List[Tuple[str, str]], text: str) -> Optional[str]:
    """The label of the first pattern that matches (not negated) in ``text``."""
    for pattern, label in patterns:
        for match in re.finditer(pattern, text):
            if _not_negated(text, match.start()):
                return label
    return None


# --- gender ---------------------------------------------------------------------------

_NOT_SELF = r"(?!朋友|友|儿|孩子他|同学们|生们)"


def extract_gender(text: str, expect: bool = False) -> Optional[str]:
    """男/女 from "男生", "我是女的", "性别：男"; a bare "男"/"女" only when asked."""
    t = prepare(text)
    found = set()
    for match in re.finditer(r"性别\s*[:：是为]?\s*(男|女)", t):
        found.add(match.group(1))
    for match in re.finditer(rf"(男|女){_NOT_SELF}(生|的|孩|性|同学|兵|大学生|研究生|青年|士|娃)", t):
        found.add(match.group(1))
    for match in re.finditer(rf"(我|本人|俺)(是|为|系)?(一[名个])?(男|女){_NOT_SELF}", t):
        found.add(match.group(4))
    for match in re.finditer(r"(?:^|[，,。、;；\s])(男|女)(?:的|生)?(?=$|[，,。、;；\s])", t):
        found.add(match.group(1))
    if expect and not found:
        bare = re.fullmatch(r"\W*(男|女)\W*", t)
        if bare:
            found.add(bare.group(1))
    return found.pop() if len(found) == 1 else None


# --- age and birth year -----------------------------------------------------------------


def _two_digit_year(value: str, reference_year: int) -> int:
    century = reference_year // 100 * 100
    year = century + int(value)
    return year - 100 if year > reference_year else year


def _plausible_birth_year(year: int, reference_year: int) -> bool:
    return reference_year - 60 <= year <= reference_year - 5


def extract_age(text: str, expect: bool = False) -> Optional[int]:
    """Age in years from "21岁", "二十三岁", "满18周岁"; a bare "21" only when asked."""
    t = prepare(text)
    match = re.search(r"(?<![\d.])(\d{1,2})\s*(?:周岁|岁)", t) or re.search(r"(?:年满|满)\s*(\d{1,2})(?![\d.年月])", t)
    if not match and expect:
        match = re.fullmatch(r"\D*?(?:今年)?\s*(\d{2})\s*(?:了|吧|啊)?\W*", t)
        if match and not 14 <= int(match.group(1)) <= 45:
            match = None
    if match and 5 <= int(match.group(1)) <= 70:
        return int(match.group(1))
    return None


def extract_birth_year(text: str, reference_year: int, expect: bool = False) -> Optional[int]:
    """Birth year from "2002年出生", "03年的", "二零零三年生", "出生于2001年"; bare when asked."""
    t = prepare(text)
    patterns = [
        r"(?<!\d)(\d{4})\s*(?:年)?\s*(?:\d{1,2}\s*月\s*(?:\d{1,2}\s*[日号])?\s*)?(?:出生|生人|生的|出世|年生|生)",
        r"(?<!\d)(\d{4})[.\-/]\d{1,2}(?:[.\-/]\d{1,2})?\s*(?:出生|生)",
        r"(?:出生|生日)\s*(?:于|在|年份|日期|是|为)?\s*[:：]?\s*(\d{4})",
        r"(?<!\d)(\d{4})\s*年的(?!政策|规定|征兵|标准|学费)",
        r"(?<![\d.])(\d{2})\s*年\s*(?:\d{1,2}\s*月\s*)?(?:出生|生人|生的|生|的)(?!政策|规定|征兵|标准|学费)",
    ]
    for pattern in patterns:
        for match in re.finditer(pattern, t):
            raw = match.group(1)
            year = int(raw) if len(raw) == 4 else _two_digit_year(raw, reference_year)
            if _plausible_birth_year(year, reference_year):
                return year
    if expect:
        bare = re.fullmatch(r"\D*?(\d{4}|0\d|[5-9]\d)\s*(?:年)?\W*", t)
        if bare:
            raw = bare.group(1)
            year = int(raw) if len(raw) == 4 else _two_digit_year(raw, reference_year)
            if _plausible_birth_year(year, reference_year):
                return year
    return None


# --- 身份, 学历层次, grade ----------------------------------------------------------------

#: 高一…高三 as a school year, but not the 高 of 身高/个子高/血压高 ("我身高180" is no 高一)
#: nor a height ("高一米八"), nor 高职/高专/高考/高校.
_HIGH_SCHOOL_YEAR = r"(?<![身个挺太很较偏血压升提增])高{}(?!中|职|专|考|校|米|厘|公分|cm|\d)"
_HIGH_SCHOOL_GRADE = _HIGH_SCHOOL_YEAR.format("[1-3一二三]")

_GRADE_PATTERNS = [
    (r"大([1-5一二三四五])", "大"),
    (r"大学\s*([1-5])\s*年级", "大"),
    (r"研([1-3一二三])", "研"),
    (r"博([1-5一二三四五])", "博"),
    (_HIGH_SCHOOL_YEAR.format("([1-3一二三])"), "高"),
    (r"初([1-3一二三])(?!中)", "初"),
]
_GRADE_DIGITS = {"1": "一", "2": "二", "3": "三", "4": "四", "5": "五"}


def extract_grade(text: str) -> Optional[str]:
    """School year: 大一…大五, 研一…研三, 博一…, 高一…高三, 初一…, or 毕业班."""
    t = prepare(text)
    for pattern, prefix in _GRADE_PATTERNS:
        match = re.search(pattern, t)
        if match and _not_negated(t, match.start()):
            digit = match.group(1)
            return prefix + _GRADE_DIGITS.get(digit, digit)
    if re.search(r"毕业班|(?<!已经)(?<!已)快毕业|马上毕业|即将毕业", t):
        return "毕业班"
    return None


_EDUCATION_PATTERNS = [
    (r"研究生|硕士|博士|读研|研究僧|硕博|研[1-3一二三]|博[1-5一二三四五]", "研究生"),
    (r"本科|大[4五四5]|学士", "本科"),
    (r"专科|大专|高职|高专", "专科"),
    (r"高中|中专|职高|技校|中职|" + _HIGH_SCHOOL_GRADE, "高中"),
    (r"初中|初[1-3一二三](?!中)", "初中"),
]


def extract_education(text: str, expect: bool = False) -> Optional[str]:
    """学历层次; the highest level the message names ("本科毕业现在读研" → 研究生)."""
    t = prepare(text)
    if re.search(r"专升本", t):
        return "本科"
    level = _first(_EDUCATION_PATTERNS, t)
    if level is None and expect:
        if re.fullmatch(r"\W*(大学|大学生)\W*", t):
            return None  # 本科 or 专科: ask again
    return level


_STATUS_PATTERNS = [
    (r"新生|刚(被)?录取|录取通知书|准大学生|准研究生|刚考上|考上了|被.{0,6}录取", "新生"),
    (r"往届|毕业(了|已经)?\s*([1-9]|好几|几|多|两)\s*年|早就毕业|去年毕业|前年毕业|毕业好久", "往届毕业生"),
    (r"应届|今年(刚)?毕业|刚(刚)?毕业|今年夏天毕业|毕业生(?!政策)", "应届毕业生"),
    (
        r"不是(学生|在校生|大学生)|没(有)?(上|读|考上)(过)?大学|没(有)?上学|已经工作|在(上班|工作)|上班族|打工|待业|社会青年|辍学|没读书|非学生",
        "非学生",
    ),
    (
        r"在校|在读|大[1-5一二三四五]|研[1-3一二三]|博[1-5一二三四五]|"
        + _HIGH_SCHOOL_GRADE
        + r"|还没毕业|没毕业|上大学|读大学|大学生|毕业班|快毕业|马上毕业|即将毕业|正在读|学生",
        "在校生",
    ),
]


def extract_status(text: str, reference_year: int, expect: bool = False) -> Tuple[Optional[str], Optional[int]]:
    """(身份, graduation year if said): "应届" → 应届毕业生, "2021年毕业" → 往届毕业生, 2021."""
    t = prepare(text)
    graduation = _graduation_year(t, reference_year)
    if graduation is not None and not re.search(r"新生|录取", t):
        if graduation < reference_year:
            return "往届毕业生", graduation
        if graduation == reference_year and not re.search(r"毕业班|快毕业|马上毕业|即将毕业", t):
            return "应届毕业生", graduation
    status = None
    for pattern, label in _STATUS_PATTERNS:
        if label == "非学生":
            if re.search(pattern, t):
                status = label
                break
            continue
        match = re.search(pattern, t)
        if match and _not_negated(t, match.start()):
            status = label
            break
    if status == "往届毕业生" and graduation is None and re.search(r"去年毕业", t):
        graduation = reference_year - 1
    if status == "往届毕业生" and graduation is None and re.search(r"前年毕业", t):
        graduation = reference_year - 2
    if status is None and re.search(r"(本科|专科|大专|高职|研究生|硕士|博士)毕业", t) is None and expect:
        if re.fullmatch(r"\W*(其他|别的|都不是)\W*", t):
            status = "非学生"
    return status, graduation


def _graduation_year(t: str, reference_year: int) -> Optional[int]:
    relative = re.search(
        r"(今|去|前)年\s*(?:夏天|6月|7月)?\s*(?:的)?(?:本科|专科|大专|研究生|硕士)?\s*(?:刚|才)?\s*毕业", t
    )
    if relative:
        return reference_year - {"今": 0, "去": 1, "前": 2}[relative.group(1)]
    match = re.search(
        r"(?<!\d)(\d{4}|\d{2})\s*(?:年|届)\s*(?:\d{1,2}\s*月\s*)?(?:的)?(?:本科|专科|大专|研究生|硕士)?(?:毕业|届)", t
    )
    if not match:
        return None
    raw = match.group(1)
    year = int(raw) if len(raw) == 4 else 2000 + int(raw)
    return year if reference_year - 40 <= year <= reference_year + 6 else None


# --- body: height, weight, vision -------------------------------------------------------

_CN_SMALL = "零〇一二三四五六七八九"


def _small_digits(value: str) -> Optional[int]:
    digits = "".join(str(DIGITS[c]) if c in DIGITS else c for c in value)
    if not digits.isdigit():
        return None
    return int(digits) * 10 if len(digits) == 1 else int(digits)


def extract_height(text: str, expect: bool = False) -> Optional[float]:
    """Height in cm from "175cm", "1.75米", "一米七五", "1米8", "身高175"."""
    t = prepare(text)
    candidates: List[float] = []
    match = re.search(
        rf"(?<![\d.])1\s*米\s*([{_CN_SMALL}]{{1,2}}|\d{{1,2}})(?![\d.]|\s*(?:cm|厘米|公分|斤|公斤|kg))", t
    )
    if match:
        small = _small_digits(match.group(1))
        if small is not None:
            candidates.append(100 + small)
    for match in re.finditer(r"(?<![\d.])([12]\.\d{1,2})\s*(?:米|m(?![a-z]))", t):
        candidates.append(float(match.group(1)) * 100)
    for match in re.finditer(r"(?<![\d.])(\d{3}(?:\.\d)?)\s*(?:cm|厘米|公分)", t):
        candidates.append(float(match.group(1)))
    for match in re.finditer(
        r"(?:身高|个子|个头)\s*(?:是|有|为|:|：)?\s*(\d{3}(?:\.\d)?|[12]\.\d{1,2})(?!\s*(?:斤|公斤|kg))", t
    ):
        value = float(match.group(1))
        candidates.append(value * 100 if value < 3 else value)
    if not candidates and expect:
        match = re.search(r"(?<![\d.])(1[4-9]\d|2[0-2]\d)(?![\d.])(?!\s*(?:斤|公斤|kg|度|元|块|年|岁))", t)
        if match:
            candidates.append(float(match.group(1)))
    for value in candidates:
        if 120 <= value <= 230:
            return round(value, 1)
    return None


def extract_weight(text: str) -> Optional[float]:
    """Weight in kg from "70公斤", "70kg", "140斤", "一百四十斤", "体重65公斤"."""
    t = prepare(text)
    match = re.search(r"(?<![\d.])(\d{2,3}(?:\.\d)?)\s*(?:kg|公斤)", t)
    if match:
        value = float(match.group(1))
    else:
        match = re.search(r"(?<![\d.])(\d{2,3}(?:\.\d)?)\s*斤", t)
        if not match:
            return None
        value = float(match.group(1)) / 2
    return round(value, 1) if 30 <= value <= 200 else None


def weight_without_unit(text: str) -> bool:
    """True when a weight is mentioned without a unit ("体重140"): ask for 公斤 or 斤."""
    t = prepare(text)
    return bool(re.search(r"体重\s*(?:是|有|为|:|：)?\s*\d{2,3}(?![\d.]|\s*(?:kg|公斤|斤))", t))


def extract_vision(text: str, expect: bool = False) -> Optional[List[float]]:
    """Naked-eye vision on the 5-point scale: "视力4.8", "左眼4.6右眼5.0" → [4.6, 5.0]."""
    t = prepare(text)
    if not (re.search(r"视力|眼", t) or expect):
        return None
    values = []
    for match in re.finditer(r"(?<![\d.])([345]\.\d)(?![\d])(?!\s*(?:米|m|万|千|k|元|块|斤|公斤|kg|cm))", t):
        value = float(match.group(1))
        if 3.0 <= value <= 5.3:
            values.append(value)
    if not values:
        return None
    return values[:2]


def extract_myopia_degree(text: str) -> Optional[int]:
    """Degree of myopia from "近视500度", "度数600"."""
    t = prepare(text)
    if not re.search(r"近视|度数|眼镜|眼", t):
        return None
    match = re.search(r"(?<![\d.])(\d{2,4})\s*度(?!数?以上的)", t) or re.search(
        r"度数\s*(?:是|有|:|：)?\s*(\d{2,4})", t
    )
    if match and 25 <= int(match.group(1)) <= 2000:
        return int(match.group(1))
    return None


# --- enlistment time ----------------------------------------------------------------------

_ENLIST_WORDS = r"(?:入伍|参军|当兵|服役|去部队|走|批准)"


def extract_enlistment(text: str, reference_year: int, expect: bool = False) -> Tuple[Optional[int], Optional[str]]:
    """(year, 上半年/下半年) from "2023年9月入伍", "今年下半年", "23年上半年", "2023-09"."""
    t = prepare(text)
    year: Optional[int] = None
    half: Optional[str] = None
    match = re.search(r"(\d{4}|\d{2}|今|明|去)\s*年?\s*(上|下)半年", t)
    if match:
        year = _relative_year(match.group(1), reference_year)
        half = match.group(2) + "半年"
    elif half_only := re.search(r"(上|下)半年", t):
        half = half_only.group(1) + "半年"
    elif re.search(r"春季|春天|春招", t):
        half = "上半年"
    elif re.search(r"秋季|秋天|秋招", t):
        half = "下半年"
    date = None
    if expect or re.search(_ENLIST_WORDS, t):
        date = re.search(
            r"(?<!\d)(\d{4}|\d{2})\s*[年.\-/]\s*(\d{1,2})\s*(?:月|份)?(?!\s*\d*\s*(?:日|号)?\s*(?:出生|生))", t
        )
    if date and 1 <= int(date.group(2)) <= 12:
        year = _relative_year(date.group(1), reference_year)
        half = "上半年" if int(date.group(2)) <= 6 else "下半年"
    elif year is None:
        match = re.search(rf"(?<!\d)(\d{{4}}|今|明|去)\s*年\s*(?:就)?(?:想)?{_ENLIST_WORDS}", t)
        if match:
            year = _relative_year(match.group(1), reference_year)
        elif expect:
            bare = re.search(r"(?<!\d)(20\d{2})\s*年?(?!\d)", t)
            year = int(bare.group(1)) if bare else None
    if year is not None and not reference_year - 5 <= year <= reference_year + 5:
        year = None
    return year, half


def _relative_year(word: str, reference_year: int) -> int:
    if word == "今":
        return reference_year
    if word == "明":
        return reference_year + 1
    if word == "去":
        return reference_year - 1
    return int(word) if len(word) == 4 else 2000 + int(word)


# --- money and years ------------------------------------------------------------------------

_AMOUNT = r"(\d{3,6}(?:\.\d+)?)"
_NO_LOAN = re.compile(r"没(有)?(办|申请|借|贷)?(过)?(助学)?贷款|没贷|无贷款|不贷款|没有助学贷款|没有贷|没借")


def extract_loan(text: str, expect: bool = False) -> Optional[float]:
    """Total student loan used for tuition: "贷款24000", "贷了两万四"; 0 for "没有贷款"."""
    t = prepare(text)
    if _NO_LOAN.search(t):
        return 0.0
    match = re.search(rf"贷(?:款|了|过)?[^\d]{{0,8}}?{_AMOUNT}", t)
    if match:
        return float(match.group(1))
    if expect:
        if re.fullmatch(r"\W*(没有|没|无|不|否|没贷|0|零|no)\W*", t):
            return 0.0
        match = re.fullmatch(rf"\D*?{_AMOUNT}\s*(?:元|块)?\W*", t)
        if match:
            return float(match.group(1))
    return None


def extract_tuition(text: str, expect: bool = False) -> Optional[float]:
    """Tuition per year: "学费5000", "5000元/年", "一年四千五", "每年学费6000元"."""
    t = prepare(text)
    t = re.sub(rf"贷(?:款|了|过)?[^\d]{{0,8}}?{_AMOUNT}", " ", t)
    patterns = [
        rf"学费[^\d]{{0,6}}?{_AMOUNT}",
        rf"(?<![\d.]){_AMOUNT}\s*(?:元|块)?\s*(?:/|每|一|1)\s*(?:个)?\s*(?:年|学年)",
        rf"(?:每|1)\s*(?:个)?(?:学)?年\s*(?:的)?(?:学费)?\s*(?:是|要|交|大概|约)?\s*{_AMOUNT}",
    ]
    for pattern in patterns:
        match = re.search(pattern, t)
        if match and 300 <= float(match.group(1)) <= 200000:
            return float(match.group(1))
    if expect:
        match = re.fullmatch(rf"\D*?{_AMOUNT}\s*(?:元|块)?\D*", t)
        if match and 300 <= float(match.group(1)) <= 200000:
            return float(match.group(1))
    return None


def extract_years_paid(text: str, expect: bool = False) -> Optional[int]:
    """Years of tuition paid before enlisting: "交了4年", "读了两年", "共4年"."""
    t = prepare(text)
    match = re.search(
        r"(?:交了|读了|上了|念了|缴了|读完了?|交过|缴纳了|已经交|一共|总共|共)\s*(\d)\s*(?:个)?\s*(?:学)?年", t
    )
    if not match:
        match = re.search(r"(?<![\d.])(\d)\s*(?:个)?(?:学)?年(?:的)?学费", t)
    if not match:
        match = re.search(r"(?:学费|元|块)[^，,。]{0,6}?(?:交了|读了|共|x|×|\*)\s*(\d)\s*年", t)
    if not match and expect:
        match = re.fullmatch(r"\D*?(\d)\s*(?:个)?(?:学)?(?:年)?\D*", t)
    if match and 0 <= int(match.group(1)) <= 8:
        return int(match.group(1))
    return None


def extract_program_years(text: str, expect: bool = False) -> Optional[int]:
    """Length of the programme: "学制4年", "三年制"."""
    t = prepare(text)
    match = re.search(r"学制\s*(?:是|为)?\s*(\d)\s*年|(\d)\s*年制", t)
    if not match and expect:
        match = re.fullmatch(r"\D*?(\d)\s*(?:年)?\D*", t)
    if match:
        value = int(next(g for g in match.groups() if g))
        return value if 1 <= value <= 8 else None
    return None


_SKIP = re.compile(
    r"^\W*(跳过|不知道|不清楚|不记得|没量过|不方便|不想说|先不说|略过|不用了|不用|没有|不告诉|保密|下一步|以后再说|pass|skip)"
)


def is_skip(text: str) -> bool:
    """ "跳过/不知道/不方便说" for an optional question."""
    return bool(_SKIP.search(prepare(text)))


# --- everything at once ---------------------------------------------------------------------


def extract(text: str, reference_year: int, expect: Optional[str] = None) -> Facts:
    """All facts a message states. ``expect``: the slot just asked for (allows bare answers).
    ``reference_year``: the year the student speaks in ("21岁", "去年", "今年" count from it)."""
    facts = Facts()
    facts.gender = extract_gender(text, expect == "gender")
    age = extract_age(text, expect == "birth_year")
    birth_year = extract_birth_year(text, reference_year, expect == "birth_year" and age is None)
    if birth_year is not None:
        facts.birth_year = birth_year
    elif age is not None:
        facts.age = age
        facts.birth_year = reference_year - age
    facts.grade = extract_grade(text)
    facts.education_level = extract_education(text, expect == "education_level")
    facts.student_status, facts.graduation_year = extract_status(text, reference_year, expect == "student_status")
    _infer_from_grade(facts)
    facts.height_cm = extract_height(text, expect == "body_asked")
    facts.weight_kg = extract_weight(text)
    facts.vision = extract_vision(text, expect == "body_asked")
    facts.myopia_degree = extract_myopia_degree(text)
    if weight_without_unit(text) and facts.weight_kg is None:
        facts.notes.append("weight_unit")
    facts.enlist_year, facts.enlist_half = extract_enlistment(
        text, reference_year, expect in ("enlist_half", "enlist_year")
    )
    facts.loan_amount = extract_loan(text, expect == "loan_amount")
    facts.tuition_per_year = extract_tuition(text, expect == "tuition_per_year")
    facts.years_paid = extract_years_paid(text, expect == "years_paid")
    facts.program_years = extract_program_years(text, expect == "program_years")
    facts.skipped = is_skip(text)
    return facts


def _infer_from_grade(facts: Facts) -> None:
    """大一…: 在校生; 大四/大五: 本科; 研X: 研究生; 高X: 高中 (unless said otherwise)."""
    grade = facts.grade
    if not grade:
        return
    if facts.student_status is None and grade != "毕业班":
        facts.student_status = "在校生"
    if facts.student_status is None and grade == "毕业班":
        facts.student_status = "在校生"
    if facts.education_level is None:
        if grade in ("大四", "大五"):
            facts.education_level = "本科"
        elif grade.startswith(("研", "博")):
            facts.education_level = "研究生"
        elif grade.startswith("高"):
            facts.education_level = "高中"
        elif grade.startswith("初"):
            facts.education_level = "初中"


def speaks_about_self(text: str) -> bool:
    """A message that describes the speaker ("我21岁…"), not a question about others."""
    t = prepare(text)
    return bool(_FIRST_PERSON.search(t)) and not _ASKING_ABOUT.search(t)
