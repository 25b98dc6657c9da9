"""The personal answers in Chinese: eligibility check, benefit estimate, 应征地 comparison.

Every statement comes from a rule of the policy table and is followed by its short source
name (and plain words where the fact sheet marks 推断/存疑/未找到); the full sources (official
links only) close the answer, then "以上为参考，以征兵办审核为准".

The eligibility and benefit results come in two messages, because the whole reasoning is
four to six phone screens: the verdict with the key numbers (at most
:data:`SUMMARY_MAX_CHARS`), and behind :data:`DETAILS_BUTTON` the rules, the arithmetic
and the sources (``ChatReply.details``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Dict, List, Optional, Sequence

from bot import clock
from bot.conversation.buttons import BENEFIT_BUTTON, DETAILS_BUTTON, ELIGIBILITY_BUTTON, LOCATION_BUTTON, SIGN_UP_BUTTON
from bot.eligibility import age as age_check
from bot.eligibility import benefit as money
from bot.eligibility.location import can_choose, location_rule
from bot.eligibility.physical import check_body
from bot.eligibility.policy import Profile
from bot.eligibility.rules import Cite, PolicyYear, Rule
from bot.faq.render import ChatReply
from bot.faq.sources import student_source

FOOTER = "以上为参考，以征兵办审核为准。"
SUMMARY_MAX_CHARS = 350
UNIVERSITY = ("专科", "本科", "研究生")


class Sources:
    """One answer's context: the policy, the day it is given (None: not known, the answer
    is not dated) and the cites of the rules used, for the closing 依据 line."""

    def __init__(self, policy: PolicyYear, today: Optional[dt.date] = None) -> None:
        self.policy = policy
        self.today = today
        self.codes: List[str] = []

    def cite(self, rule: Rule) -> str:
        """ "（《征兵工作条例》第十五条）（这是按条文推算的…）" for ``rule``; remembers its sources."""
        return f"（{self.names(rule.cites)}）{rule.status.plain}"

    def names(self, cites: Sequence[Cite]) -> str:
        parts = []
        for cite in cites:
            if cite.code not in self.codes:
                self.codes.append(cite.code)
            source = self.policy.sources[cite.code]
            parts.append(f"{source.short or source.title}{cite.where}")
        return "、".join(parts)

    def line(self) -> str:
        links = [
            student_source(self.policy.sources[c].short or self.policy.sources[c].title, self.policy.sources[c].url)
            for c in sorted(self.codes, key=lambda c: self.policy.sources[c].level)
        ]
        return "依据：" + "；".join(links)


def _dated(parts: List[str], sources: Sources, notice: str) -> None:
    """Put first what the student must read first: the year notice when the configured year
    has no table (it says the rest too), else the past-year line once that year is over."""
    past = clock.past_year_line(sources.policy.year, sources.today)
    if notice:
        parts.insert(0, notice)
    elif past:
        parts.insert(0, f"**{past}。**")


def _close(parts: List[str], sources: Sources, notice: str) -> str:
    _dated(parts, sources, notice)
    parts.append(sources.line())
    parts.append(FOOTER)
    return "\n\n".join(parts)


def _two_messages(
    summary: List[str], details: List[str], sources: Sources, notice: str, buttons: List[Dict[str, str]]
) -> ChatReply:
    """The short verdict first, the reasoning (with the 依据 line) behind a button."""
    _dated(summary, sources, notice)
    summary.append(FOOTER)
    reasoning = ["**计算过程和依据**", *details, sources.line(), FOOTER]
    return ChatReply("\n\n".join(summary), [DETAILS_BUTTON, *buttons], "\n\n".join(reasoning))


def year_notice(requested_year: int, policy: PolicyYear) -> str:
    """Said first when the configured year has no table of its own."""
    if requested_year == policy.year:
        return ""
    return f"**注意：本助手还没有{requested_year}年的政策表，以下按{policy.year}年政策计算**，请以最新公告为准。"


def age_phrase(year: int, birth_year: int, today: Optional[dt.date]) -> str:
    """ "2023年21周岁", or once that year is over "2023年时21周岁（今年24周岁）"."""
    age = age_check.age_in(year, birth_year)
    if not clock.is_past(year, today):
        return f"{year}年{age}周岁"
    return f"{year}年时{age}周岁（今年{age_check.age_in(today.year, birth_year)}周岁）"


def describe(profile: Profile, year: int, today: Optional[dt.date] = None, with_age: bool = True) -> str:
    """ "男，2002年出生（2023年21周岁），本科，在校生（大三）"; once 2023 is over the age
    reads "2002年出生，2023年时21周岁（今年24周岁）"; without ``with_age`` (the headline
    says it) just "2002年出生"."""
    bits = []
    if profile.gender:
        bits.append(profile.gender)
    if profile.birth_year and not with_age:
        bits.append(f"{profile.birth_year}年出生")
    elif profile.birth_year and clock.is_past(year, today):
        bits.append(f"{profile.birth_year}年出生，{age_phrase(year, profile.birth_year, today)}")
    elif profile.birth_year:
        bits.append(f"{profile.birth_year}年出生（{year}年{age_check.age_in(year, profile.birth_year)}周岁）")
    if profile.education_level:
        bits.append(profile.education_level)
    if profile.student_status:
        status = profile.student_status
        if profile.grade:
            status += f"（{profile.grade}）"
        if profile.graduation_year and profile.student_status == "往届毕业生":
            status += f"（{profile.graduation_year}年毕业）"
        bits.append(status)
    return "，".join(bits)


# --- eligibility ------------------------------------------------------------------------------


def render_eligibility(
    profile: Profile, policy: PolicyYear, requested_year: int, today: Optional[dt.date] = None
) -> ChatReply:
    """The whole eligibility answer for a profile with gender, birth year and education."""
    sources = Sources(policy, today)
    verdict = age_check.check_age(profile, policy, requested_year)
    year = requested_year
    headline = _headline(verdict, year)
    if profile.birth_year:
        headline = headline.replace(f"您{year}年{verdict.age}周岁", f"您{age_phrase(year, profile.birth_year, today)}")
    summary = [
        f"**{headline}**",
        *_aged_since(profile, verdict, year, today),
        f"您提供的信息：{describe(profile, year, today, with_age=False)}。",
        "\n".join(_key_lines(profile, verdict, policy, sources.today)),
    ]
    details = [
        "**年龄**\n" + "\n".join(_age_lines(verdict, profile, policy, sources)),
        "**应征地**\n" + "\n".join(_location_lines(profile, policy, sources)),
        "**身体条件**\n" + "\n".join(_body_lines(profile, policy, sources)),
        "**下一步**\n" + "\n".join(_next_lines(profile, verdict, policy, sources)),
    ]
    buttons = [SIGN_UP_BUTTON]
    if profile.education_level in UNIVERSITY:
        buttons.append(BENEFIT_BUTTON)
    if can_choose(profile.student_status, profile.education_level, policy):
        buttons.append(LOCATION_BUTTON)
    return _two_messages(summary, details, sources, year_notice(requested_year, policy), buttons)


def _aged_since(profile: Profile, verdict: age_check.AgeVerdict, year: int, today: Optional[dt.date]) -> List[str]:
    """Once the policy year is over, a student within its limit then may be over it now."""
    limit = verdict.conditional or verdict.rule
    if not (profile.birth_year and limit and clock.is_past(year, today)) or verdict.age > limit.max_age:
        return []
    now = age_check.age_in(today.year, profile.birth_year)
    if now <= limit.max_age:
        return []
    return [f"注意：您今年{now}周岁，已超过这一上限。"]


def _key_lines(
    profile: Profile, verdict: age_check.AgeVerdict, policy: PolicyYear, today: Optional[dt.date]
) -> List[str]:
    """The eligibility verdict's key facts, one short line each (no citations: those are in
    the details)."""
    lines = []
    if profile.student_status is None and profile.education_level in UNIVERSITY:
        lines.append("- 应征地：户籍所在地；普通高校在校生和应届毕业生也可选学校所在地。")
    else:
        options = location_rule(profile.student_status, profile.education_level, policy).options
        short = [
            o.split("（")[0] + ("（须符合条件）" if "（" in o else "") for o in options
        ]  # conditions: in the details
        lines.append(f"- 应征地：{'或'.join(short)}。")
    results = check_body(
        profile.gender, profile.height_cm, profile.weight_kg, profile.vision, profile.myopia_degree, policy.physical
    )
    if results:
        lines.append(
            "- 身体：" + "；".join(f"{r.text.split('：')[0]}{r.level.value}" for r in results) + "，以体检实测为准。"
        )
    else:
        height, bmi = policy.physical.min_height_cm[profile.gender], policy.physical.bmi[profile.gender]
        lines.append(
            f"- 身体：{profile.gender}性身高{height:g}cm以上，{bmi.low:g}≤BMI<{bmi.high:g}，视力要求见计算过程。"
        )
    if verdict.outcome in (age_check.Outcome.OVER, age_check.Outcome.TOO_YOUNG) or _not_a_target(verdict):
        return lines
    limit = verdict.conditional if verdict.outcome is age_check.Outcome.NOT_TARGET else verdict.rule
    if limit is not None and len(limit.rounds) == 1:
        lines.append(f"- 批次：仅{limit.rounds[0]}征集{limit.status.plain}。")
    step = "先做兵役登记，再在全国征兵网报名" if profile.gender == "男" else "在全国征兵网报名"
    rounds = limit.rounds if limit is not None else ("上半年", "下半年")
    windows = [w for w in policy.windows if w.gender == profile.gender and w.round in rounds]
    still_open = [w for w in windows if w.closes and not window_ended(w.closes, policy.year, today)]
    if still_open:
        lines.append(f"- 下一步：{step}（{still_open[0].text}截至{still_open[0].closes}）。")
    elif windows and all(window_ended(w.closes, policy.year, today) for w in windows):
        lines.append(f"- 下一步：{step}；{policy.year}年的报名已结束，新时间请看全国征兵网公告。")
    else:
        lines.append(f"- 下一步：{step}，报名时间请关注全国征兵网公告。")
    return lines


def _headline(verdict: age_check.AgeVerdict, year: int) -> str:
    outcome, age = verdict.outcome, verdict.age
    if outcome is age_check.Outcome.WITHIN:
        return f"年龄条件：符合。您{year}年{age}周岁，适用“{verdict.rule.group}”，上限{verdict.rule.max_age}周岁。"
    if outcome is age_check.Outcome.CONDITIONAL:
        return (
            f"年龄条件：要看情况。您{year}年{age}周岁，超过{verdict.rule.group}{verdict.rule.max_age}周岁的上限；"
            f"如果{verdict.condition}，上限放宽至{verdict.conditional.max_age}周岁，就在范围内。"
        )
    if outcome is age_check.Outcome.SEVENTEEN:
        return f"年龄条件：您{year}年17周岁，一般要年满18周岁，但根据军队需要和本人自愿，可以征集年满17周岁的公民。"
    if outcome is age_check.Outcome.TOO_YOUNG:
        return f"年龄条件：您{year}年{age}周岁，还不到征集年龄。"
    if outcome is age_check.Outcome.NOT_TARGET:
        if verdict.conditional is not None and age <= verdict.conditional.max_age:
            return (
                f"年龄条件：要看情况。按{year}年女兵征集对象的规定，只有{verdict.condition}才能报名"
                f"（仅{'、'.join(verdict.conditional.rounds)}，上限{verdict.conditional.max_age}周岁）。"
            )
        return f"很遗憾，按{year}年女兵征集对象的规定，您的情况不在今年女兵征集范围内。"
    return f"很遗憾，您{year}年{age}周岁，已超过{verdict.rule.group}{verdict.rule.max_age}周岁的上限，按{year}年的规定不能应征义务兵。"


def _age_lines(verdict: age_check.AgeVerdict, profile: Profile, policy: PolicyYear, sources: Sources) -> List[str]:
    notes = policy.age_notes
    lines = []
    if verdict.rule is not None:
        lines.append(f"- 适用规定：{verdict.rule.text}{sources.cite(verdict.rule)}。")
    if verdict.conditional is not None:
        lines.append(f"- 如果{verdict.condition}：{verdict.conditional.text}{sources.cite(verdict.conditional)}。")
    if verdict.outcome is age_check.Outcome.NOT_TARGET or (profile.gender == "女" and verdict.rule is None):
        lines.append(f"- {notes['women_targets'].text}{sources.cite(notes['women_targets'])}。")
    if verdict.outcome in (age_check.Outcome.SEVENTEEN, age_check.Outcome.TOO_YOUNG):
        lines.append(
            f"- {notes['minimum'].text}{sources.cite(notes['minimum'])}；{notes['seventeen'].text}{sources.cite(notes['seventeen'])}。"
        )
    if verdict.outcome is age_check.Outcome.OVER:
        lines.append(f"- 感谢您的报国热情！{_other_path(profile, policy, sources)}")
    limit = verdict.conditional or verdict.rule
    near = limit is not None and verdict.age in (limit.max_age, limit.max_age + 1)
    if near or verdict.age in (17, 18):
        lines.append(
            f"- {notes['counting'].text}{sources.cite(notes['counting'])}。您{profile.birth_year}年出生，{profile.birth_year + verdict.age}年按{verdict.age}周岁计。"
        )
    rounds = (
        verdict.rule.rounds if verdict.outcome is age_check.Outcome.WITHIN and verdict.rule else ("上半年", "下半年")
    )
    if verdict.outcome not in (age_check.Outcome.OVER, age_check.Outcome.TOO_YOUNG):
        lines.append("- " + "；".join(_round_text(policy.round(name), sources) for name in rounds) + "。")
    return lines


def _round_text(round_, sources: Sources) -> str:
    ended = "（已结束）" if clock.has_ended(round_.end, sources.today) else ""
    return (
        f"{round_.name}征兵{round_.start.month}月{round_.start.day}日—{round_.end.month}月{round_.end.day}日{ended}，"
        f"{round_.approval_month}月{round_.approval_day}日批准入伍，侧重{round_.focus}{sources.cite(round_)}"
    )


_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def window_ended(closes: Optional[str], policy_year: int, today: Optional[dt.date]) -> bool:
    """A window is over after its closing day; one without a known closing day once its
    policy year is over (a past year's window is never presented as open)."""
    match = _DATE.search(closes or "")
    if match is None:
        return clock.is_past(policy_year, today)
    return clock.has_ended(dt.date(*map(int, match.groups())), today)


def _other_path(profile: Profile, policy: PolicyYear, sources: Sources) -> str:
    officer = policy.other_paths.get("officer")
    if officer and profile.student_status == "应届毕业生" and profile.education_level in UNIVERSITY:
        return f"{officer.text}{sources.cite(officer)}。"
    return "如您的情况特殊，可以咨询区人武部。"


def _location_lines(profile: Profile, policy: PolicyYear, sources: Sources) -> List[str]:
    if profile.student_status is None and profile.education_level in UNIVERSITY:
        rule = policy.locations[-1]
        return [f"- {rule.text}{sources.cite(rule)}；普通高校在校生和应届毕业生还可以选择学校所在地。"]
    rule = location_rule(profile.student_status, profile.education_level, policy)
    options = "或".join(rule.options)
    line = f"- 您可以在{options}应征：{rule.text}{sources.cite(rule)}。"
    if "学校所在地" in rule.options:
        line += "\n- 两地的正式体检、政治考核和优待金都由批准入伍地办理，点“学校所在地还是户籍地”看对比。"
    return [line]


def _body_lines(profile: Profile, policy: PolicyYear, sources: Sources) -> List[str]:
    standard = policy.physical
    results = check_body(
        profile.gender, profile.height_cm, profile.weight_kg, profile.vision, profile.myopia_degree, standard
    )
    rules = standard.rules
    if not results:
        height = standard.min_height_cm[profile.gender]
        bmi = standard.bmi[profile.gender]
        return [
            f"- 您没有提供身高、体重和视力。标准：{profile.gender}性身高{height:g}cm以上，{bmi.low:g}≤BMI<{bmi.high:g}；"
            f"任何一眼裸眼视力不低于4.5，低于4.8的须矫正到4.8且不超过600度{sources.cite(rules['bmi'])}。"
        ]
    lines = [f"- {result.text}。" for result in results]
    lines.append(
        f"- 以上按体检标准判断{sources.cite(rules['height'])}，体重合格还要求空腹血糖<7.0mmol/L；最终以征兵体检站实测为准。"
    )
    if profile.weight_kg is not None and profile.height_cm is None:
        lines.append("- 只有体重算不出BMI，需要身高。")
    return lines


def _not_a_target(verdict: age_check.AgeVerdict) -> bool:
    """A woman outside every group conscripted this year (no conditional group fits her age)."""
    if verdict.outcome is not age_check.Outcome.NOT_TARGET:
        return False
    return verdict.conditional is None or verdict.age > verdict.conditional.max_age


def _next_lines(profile: Profile, verdict: age_check.AgeVerdict, policy: PolicyYear, sources: Sources) -> List[str]:
    if verdict.outcome in (age_check.Outcome.OVER, age_check.Outcome.TOO_YOUNG) or _not_a_target(verdict):
        registration = policy.registration["military_registration"]
        if profile.gender == "男" and verdict.outcome is age_check.Outcome.TOO_YOUNG:
            return [f"- {registration.text}{sources.cite(registration)}。到了年龄再来报名。"]
        return ["- 如有疑问，可以咨询区人武部。"]
    lines = []
    reg = policy.registration
    if profile.gender == "男":
        lines.append(
            f"- 先做兵役登记：{reg['military_registration'].text}{sources.cite(reg['military_registration'])}；"
            f"{reg['before_applying'].text}{sources.cite(reg['before_applying'])}。"
        )
    lines.append(
        f"- 再网上报名：{reg['website'].text}{sources.cite(reg['website'])}；{reg['steps'].text}{sources.cite(reg['steps'])}。"
    )
    rounds = (
        verdict.conditional.rounds
        if verdict.outcome is age_check.Outcome.NOT_TARGET and verdict.conditional
        else (verdict.rule.rounds if verdict.rule else ("上半年", "下半年"))
    )
    windows = [w for w in policy.windows if w.gender == profile.gender and w.round in rounds]
    for window in windows:
        if window_ended(window.closes, policy.year, sources.today):
            dates = f"{window.opens}—{window.closes}" if window.opens else "起止时间未找到公开来源"
            lines.append(
                f"- {window.text}：{dates}，已结束{sources.cite(window)}；新的报名时间请关注全国征兵网公告或咨询区人武部。"
            )
        elif window.opens is None:
            lines.append(f"- {window.text}：未找到公开来源，请关注全国征兵网公告或咨询区人武部。")
        else:
            lines.append(
                f"- {window.text}：{window.opens}—{window.closes}{sources.cite(window)}，请以全国征兵网公告为准。"
            )
    return lines


# --- benefit --------------------------------------------------------------------------------


def benefit_not_applicable(
    profile: Profile, policy: PolicyYear, requested_year: int, today: Optional[dt.date] = None
) -> Optional[ChatReply]:
    """For students outside higher education there is no tuition money: say so, or None."""
    if profile.education_level in UNIVERSITY or profile.student_status == "新生":
        return None
    sources = Sources(policy, today)
    rule = policy.tuition_rules["higher_of"]
    later = policy.tuition_rules["veteran_student"]
    parts = [
        f"**入伍时的学费补偿、代偿是给普通高校学生的，您的学历层次是{profile.education_level or '未知'}，现在不适用。**",
        f"- 这项资助针对应征入伍服义务兵役的高校学生和毕业生{sources.cite(rule)}。",
        f"- 但{later.text}{sources.cite(later)}。",
        f"- {_benefit_line(policy, 'benefit.allowance', sources)}",
    ]
    return ChatReply(_close(parts, sources, year_notice(requested_year, policy)), [SIGN_UP_BUTTON, ELIGIBILITY_BUTTON])


def render_benefit(
    est: money.Estimate, profile: Profile, policy: PolicyYear, requested_year: int, today: Optional[dt.date] = None
) -> ChatReply:
    """The benefit estimate with its one-line arithmetic."""
    sources = Sources(policy, today)
    rules = policy.tuition_rules
    mapping = rules["round_to_cap"]
    when = f"{est.enlist_year}年{est.enlist_half}入伍（{est.approval.month}月{est.approval.day}日批准入伍）"
    level = "研究生" if est.education_level == "研究生" else "本专科"
    freshman = est.student_status == "新生" or est.years_paid == 0
    if freshman:
        head = "**入伍时没有已交学费可补偿；退役后入学或复学，按规定享受学费减免。**"
    else:
        head = f"**学费补偿/代偿估算：共{money.yuan(est.total)}元（每年{money.yuan(est.per_year)}元 × {est.years_paid}年）。**"
    summary = [
        head,
        f"您的情况：{est.education_level}，{est.student_status}，{when}。",
        "\n".join(_benefit_key_lines(est, policy)),
    ]
    calc = []
    if not freshman:
        basis = f"实际缴纳学费{money.yuan(est.tuition_per_year)}元/年"
        if est.loan_amount:
            basis += f"与助学贷款{money.yuan(est.loan_amount)}元÷{est.years_paid}年={money.yuan(est.loan_per_year)}元/年中的较高者"
        calc.append(f"- 计算：按{basis}，每年不超过{est.cap_per_year}元：**{est.arithmetic()}**。")
        calc.append(f"- 规则：{rules['higher_of'].text}{sources.cite(rules['higher_of'])}。")
    calc.append(f"- 适用上限：{est.cap.text}{sources.cite(est.cap)}。{level}每年{est.cap_per_year}元。")
    calc.append(f"- {when}适用这一档，是按批准入伍日期推算的：{mapping.text}{sources.cite(mapping)}。")
    if est.loan_amount:
        calc.append(f"- {rules['loan_first'].text}{sources.cite(rules['loan_first'])}。")
    others = [
        f"- {_benefit_line(policy, b.id, sources)}"
        for b in policy.benefits
        if b.applies_to(est.student_status, est.education_level)
    ]
    details = [
        "**学费补偿/代偿**\n" + "\n".join(calc),
        "**学费减免**\n" + "\n".join(_reduction_lines(est, policy, sources)),
        "**申请**\n" + "\n".join(_apply_lines(est, policy, sources)),
        "**其他优待**\n" + "\n".join(others),
    ]
    return _two_messages(
        summary, details, sources, year_notice(requested_year, policy), [SIGN_UP_BUTTON, ELIGIBILITY_BUTTON]
    )


def _benefit_key_lines(est: money.Estimate, policy: PolicyYear) -> List[str]:
    """The estimate's key numbers, one short line each."""
    level = "研究生" if est.education_level == "研究生" else "本专科"
    lines = [f"- 上限：{level}每年{est.cap_per_year}元（按入伍通知书日期所在时段）。"]
    if est.student_status not in ("在校生", "新生"):
        lines.append("- 学费减免：毕业生入伍不适用（针对退役后复学或入学）。")
    elif est.remaining_years and est.tuition_per_year <= money.lowest_cap_from(
        est.approval, est.education_level, policy
    ):
        lines.append(f"- 退役复学后剩余{est.remaining_years}年学费减免：约{money.yuan(est.reduction_total)}元。")
    else:
        lines.append("- 退役复学后的学费减免：见计算过程。")
    lines.append("- 申请：全国征兵网填报《国家教育资助申请表》，县级征兵办盖章后交学校。")
    return lines


def _reduction_lines(est: money.Estimate, policy: PolicyYear, sources: Sources) -> List[str]:
    rules = policy.tuition_rules
    if est.student_status not in ("在校生", "新生"):
        return ["- 毕业生入伍没有退役复学的学费减免（减免针对退役后复学或入学的学生）。"]
    lines = []
    rule = rules["student_years"] if est.student_status == "在校生" else rules["freshman"]
    lines.append(f"- {rule.text}{sources.cite(rule)}。")
    semester = rules["reduction_semester"]
    lines.append(f"- {semester.text}{sources.cite(semester)}。")
    if est.remaining_years is None:
        lines.append("- 研究生学制各校不同，剩余学年请按本校学制计算：剩余年数 × 实际学费（不超过当时标准）。")
        return lines
    lowest = money.lowest_cap_from(est.approval, est.education_level, policy)
    assumed = f"按{est.education_level}学制{est.programme_years}年计（学制不同请告诉我，例如“学制5年”），"
    remaining = rules["remaining_years"]
    if est.remaining_years == 0:
        lines.append(f"- {assumed}您已交满学制年限，没有剩余学年可减免{sources.cite(remaining)}。")
    elif est.tuition_per_year <= lowest:
        lines.append(
            f"- {assumed}剩余{est.remaining_years}年{sources.cite(remaining)}；您的学费{money.yuan(est.tuition_per_year)}元/年"
            f"不高于入伍后各时段的最低上限{lowest}元，按此推算可按实际学费全额减免："
            f"**{money.yuan(est.tuition_per_year)}元/年 × {est.remaining_years}年 = {money.yuan(est.reduction_total)}元**。"
        )
    else:
        lines.append(
            f"- {assumed}剩余{est.remaining_years}年{sources.cite(remaining)}；您的学费{money.yuan(est.tuition_per_year)}元/年"
            f"高于部分时段的上限（最低{lowest}元），每年能减免多少要看学费产生学期的标准，请以学校资助中心核定为准。"
        )
    return lines


def _apply_lines(est: money.Estimate, policy: PolicyYear, sources: Sources) -> List[str]:
    rules = policy.tuition_rules
    lines = []
    if est.student_status in ("应届毕业生", "往届毕业生"):
        lines.append(f"- {rules['graduate_once'].text}{sources.cite(rules['graduate_once'])}。")
    lines.append(f"- {rules['apply'].text}{sources.cite(rules['apply'])}。")
    lines.append(f"- 注意：{rules['excluded'].text}{sources.cite(rules['excluded'])}。")
    return lines


def _benefit_line(policy: PolicyYear, benefit_id: str, sources: Sources) -> str:
    item = next(b for b in policy.benefits if b.id == benefit_id)
    return f"**{item.title}**：{item.text}{sources.cite(item)}。"


# --- 学校所在地 vs 户籍地 --------------------------------------------------------------------------


def render_location(
    profile: Profile, policy: PolicyYear, requested_year: int, today: Optional[dt.date] = None
) -> ChatReply:
    """Side-by-side of 学校所在地 and 户籍地 for those who may choose; the rule for the others."""
    sources = Sources(policy, today)
    status, education = profile.student_status, profile.education_level
    known = status is not None
    rule = location_rule(status, education, policy) if known else policy.locations[0]
    parts = []
    if known and "学校所在地" not in rule.options:
        parts.append(f"**您是{status}，应在{'或'.join(rule.options)}应征，没有学校所在地的选项。**")
        parts.append(f"- {rule.text}{sources.cite(rule)}。")
        return ChatReply(_close(parts, sources, year_notice(requested_year, policy)), [SIGN_UP_BUTTON])
    who = f"您是{status}（{education}）" if known and education else "普通高校全日制在校生和应届毕业生"
    parts.append(f"**学校所在地还是户籍地：{who}两地都可以选。**")
    parts.append(f"- {rule.text}{sources.cite(rule)}。")
    rows = [
        f"- **{row.topic}**：学校所在地——{row.school}；户籍地——{row.hukou}{sources.cite(row)}。"
        for row in policy.location_rows
    ]
    parts.append("**对比**\n" + "\n".join(rows))
    parts.append("- 离石区的优待金标准、一次性奖励等本地安排未找到公开来源，选择前请向两地征兵办或区人武部核实。")
    buttons = [SIGN_UP_BUTTON]
    if profile.gender is None or profile.birth_year is None:
        buttons.append(ELIGIBILITY_BUTTON)
    return ChatReply(_close(parts, sources, year_notice(requested_year, policy)), buttons)


def facts_summary(values: Dict[str, object]) -> str:
    """ "男、21周岁、本科" for the facts just noted (used when a student states facts)."""
    labels = {
        "gender": lambda v: f"{v}",
        "birth_year": lambda v: f"{int(v)}年出生",
        "student_status": lambda v: f"{v}",
        "education_level": lambda v: f"{v}",
        "grade": lambda v: f"{v}",
        "height_cm": lambda v: f"身高{v:g}cm",
        "weight_kg": lambda v: f"体重{v:g}kg",
        "vision": lambda v: "视力" + "、".join(f"{x:g}" for x in v),
        "myopia_degree": lambda v: f"近视{v}度",
        "enlist_half": lambda v: f"{v}入伍",
        "tuition_per_year": lambda v: f"学费{v:g}元/年",
        "years_paid": lambda v: f"已交{v}年",
        "loan_amount": lambda v: f"助学贷款{v:g}元" if v else "没有助学贷款",
    }
    return "，".join(labels[k](v) for k, v in values.items() if k in labels and v is not None)
