"""The rendered answers and the form validation actions (without the Rasa server)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.eligibility import ActionEligibilityResult, ValidateBenefitForm, ValidateEligibilityForm
from bot.conversation.buttons import DETAILS_BUTTON
from bot.conversation.events import fresh_user_text, is_activation
from bot.eligibility import benefit as money
from bot.eligibility.policy import Profile, policy_for
from bot.eligibility.render import (
    FOOTER,
    SUMMARY_MAX_CHARS,
    benefit_not_applicable,
    render_benefit,
    render_eligibility,
    render_location,
)
from bot.faq.render import ChatReply

P, _ = policy_for(2023)

SHARED = ("gender", "birth_year", "student_status", "education_level")


def both(reply: ChatReply) -> str:
    """The short result and the reasoning sent behind "查看计算过程和依据"."""
    return reply.text + "\n\n" + reply.details


def test_eligibility_answer_ends_with_the_notice_and_offers_the_lead_form() -> None:
    reply = render_eligibility(
        Profile(gender="男", birth_year=2002, education_level="本科", student_status="在校生", grade="大三"), P, 2023
    )
    assert reply.text.endswith(FOOTER) and FOOTER == "以上为参考，以征兵办审核为准。"
    assert {"title": "我想报名", "payload": "/sign_up"} in reply.buttons
    assert "年龄条件：符合" in reply.text and "上限22周岁" in reply.text
    assert "学校所在地或入学前户籍所在地" in reply.text
    assert (
        "依据：2023年全国征兵工作会议；" in reply.details and "；《兵役法》；" in reply.details
    )  # A-grade first, named without mirror links
    assert "github.com" not in both(reply) and "careyatlantaproperties" not in both(reply)
    assert reply.details.endswith(FOOTER) and "依据" not in reply.text


def test_body_numbers_are_computed() -> None:
    reply = render_eligibility(
        Profile(
            gender="男",
            birth_year=2003,
            education_level="高中",
            student_status="应届毕业生",
            height_cm=175,
            weight_kg=70,
            vision=(4.6,),
        ),
        P,
        2023,
    )
    assert "BMI = 70 ÷ 1.75² ≈ 22.9符合" in reply.text and "裸眼视力4.6（按两眼都是此值）需进一步检查" in reply.text
    assert "17.5≤BMI<30" in reply.details and "需查矫正视力" in reply.details


def test_another_policy_year_says_so_first_and_counts_age_in_that_year() -> None:
    reply = render_eligibility(
        Profile(gender="男", birth_year=2003, education_level="本科", student_status="在校生", grade="大二"), P, 2025
    )
    assert reply.text.startswith("**注意：本助手还没有2025年的政策表，以下按2023年政策计算**")
    assert "您2025年22周岁" in reply.text and "您提供的信息：男，2003年出生，本科" in reply.text


def test_benefit_answer_shows_the_arithmetic_and_the_inference() -> None:
    est = money.estimate(P, "本科", "应届毕业生", 2023, "下半年", 5000, 4)
    reply = render_benefit(est, Profile(education_level="本科", student_status="应届毕业生"), P, 2023)
    assert "共20000元" in reply.text and "本专科每年16000元" in reply.text and reply.text.endswith(FOOTER)
    text = reply.details
    assert "5000元/年 × 4年 = 20000元" in text
    assert "16000元" in text and "（这是按条文推算的，请以区人武部答复为准）" in text and "【推断】" not in text
    assert text.endswith(FOOTER)


def test_location_comparison_side_by_side() -> None:
    text = render_location(Profile(student_status="在校生", education_level="本科"), P, 2023).text
    assert "学校所在地——" in text and "户籍地——" in text and "优待金" in text and "退役安置地" in text
    freshman = render_location(Profile(student_status="新生", education_level="本科"), P, 2023).text
    assert "入学前户籍所在地" in freshman and "没有学校所在地的选项" in freshman


# --- validation actions over a hand-made tracker ----------------------------------------------


def user(text: str, intent: str = "inform") -> Dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def tracker(
    events: List[Dict[str, Any]],
    slots: Optional[Dict[str, Any]] = None,
    form: str = "eligibility_form",
    active: bool = True,
) -> Tracker:
    latest = next((e for e in reversed(events) if e["event"] == "user"), {})
    slots = dict(slots or {})
    requested = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "requested_slot"]
    slots["requested_slot"] = requested[-1] if requested else None  # as Rasa's temporary tracker does
    return Tracker(
        "t",
        slots,
        {"text": latest.get("text"), "intent": latest.get("parse_data", {}).get("intent", {})},
        events,
        False,
        None,
        {"name": form} if active else {},
        None,
    )


@pytest.fixture(autouse=True)
def speaking_in_2023(monkeypatch: pytest.MonkeyPatch) -> None:
    """The actions read "21岁" against today: these trackers are set in 2023 (like the stack)."""
    from bot import clock

    monkeypatch.setattr(clock, "today", lambda settings=None: dt.date(2023, 1, 10))


def run(action, t: Tracker) -> tuple:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, [m.get("text") for m in dispatcher.messages]


def activation(text: str, form: str, earlier: Optional[List[Dict[str, Any]]] = None) -> List[Dict[str, Any]]:
    return [
        *(earlier or []),
        {"event": "action", "name": "action_listen"},
        user(text, "check_eligibility"),
        {"event": "active_loop", "name": form},
        {"event": "slot", "name": "requested_slot", "value": None},
        {"event": "action", "name": form},
    ]


def turn(text: str, form: str, requested: str, intent: str = "inform") -> List[Dict[str, Any]]:
    return [
        {"event": "active_loop", "name": form},
        {"event": "action", "name": form},
        {"event": "slot", "name": "requested_slot", "value": requested},
        {"event": "action", "name": "action_listen"},
        user(text, intent),
        {"event": "slot", "name": "requested_slot", "value": requested},
        {"event": "action", "name": form},
    ]


def test_activation_reads_the_triggering_message() -> None:
    events = activation("我21岁本科大三能当兵吗", "eligibility_form")
    assert is_activation(events, "eligibility_form")
    slots, messages = run(ValidateEligibilityForm(), tracker(events))
    assert (slots["birth_year"], slots["education_level"], slots["student_status"], slots["grade"]) == (
        2002.0,
        "本科",
        "在校生",
        "大三",
    )
    assert slots["requested_slot"] == "gender"
    assert "还需要问几个问题" in messages[0]


def test_an_age_is_read_against_today_once_the_policy_year_is_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """In 2026 "我21岁" means born 2005: 18 in the 2023 table's year, 21 today."""
    from bot import clock

    monkeypatch.setattr(clock, "today", lambda settings=None: dt.date(2026, 12, 2))
    slots, _ = run(ValidateEligibilityForm(), tracker(activation("我21岁本科大三能当兵吗", "eligibility_form")))
    assert slots["birth_year"] == 2005.0
    dispatcher = CollectingDispatcher()
    done = {
        "gender": "男",
        "birth_year": 2001.0,
        "education_level": "本科",
        "student_status": "在校生",
        "grade": "大三",
    }
    asyncio.run(ActionEligibilityResult().run(dispatcher, tracker([user("跳过")], done, active=False), {}))
    text = dispatcher.messages[0]["text"]
    assert "您2023年时22周岁（今年25周岁）" in text and "年龄条件：符合" in text
    assert "注意：您今年25周岁，已超过这一上限。" in text  # within 2023's limit then, over it now


def test_activation_reuses_earlier_self_descriptions_only() -> None:
    earlier = [user("我是女生，研二，25岁，学费补偿多少", "faq"), user("男生当兵身高要求", "faq")]
    slots, _ = run(ValidateEligibilityForm(), tracker(activation("帮我看看能不能报名", "eligibility_form", earlier)))
    assert (slots["gender"], slots["birth_year"], slots["education_level"], slots["student_status"]) == (
        "女",
        1998.0,
        "研究生",
        "在校生",
    )
    assert slots["requested_slot"] == "body_asked"


def test_a_bare_answer_fills_the_requested_slot() -> None:
    slots, _ = run(ValidateEligibilityForm(), tracker(turn("男", "eligibility_form", "gender")))
    assert slots["gender"] == "男"
    slots, _ = run(ValidateEligibilityForm(), tracker(turn("21", "eligibility_form", "birth_year"), {"gender": "男"}))
    assert slots["birth_year"] == 2002.0 and slots["requested_slot"] == "education_level"


def test_a_changed_fact_is_acknowledged() -> None:
    slots, messages = run(
        ValidateEligibilityForm(), tracker(turn("我是女生", "eligibility_form", "birth_year"), {"gender": "男"})
    )
    assert slots["gender"] == "女" and slots["requested_slot"] == "birth_year"
    assert messages == ["已更正：女。"]


def test_men_with_school_education_are_not_asked_their_status() -> None:
    done = {"gender": "男", "birth_year": 2005.0}
    slots, _ = run(ValidateEligibilityForm(), tracker(turn("高中", "eligibility_form", "education_level"), done))
    assert slots["requested_slot"] == "body_asked"


def test_skip_answers_the_optional_body_question() -> None:
    known = {"gender": "男", "birth_year": 2002.0, "education_level": "本科", "student_status": "在校生"}
    slots, _ = run(ValidateEligibilityForm(), tracker(turn("跳过", "eligibility_form", "body_asked"), known))
    assert slots["body_asked"] == "跳过" and slots["requested_slot"] is None
    slots, _ = run(ValidateEligibilityForm(), tracker(turn("1.75米 70公斤", "eligibility_form", "body_asked"), known))
    assert (slots["height_cm"], slots["weight_kg"], slots["requested_slot"]) == (175.0, 70.0, None)


def test_weight_without_unit_is_asked_again() -> None:
    known = {"gender": "男", "birth_year": 2002.0, "education_level": "本科", "student_status": "在校生"}
    slots, messages = run(
        ValidateEligibilityForm(), tracker(turn("175 体重140", "eligibility_form", "body_asked"), known)
    )
    assert slots["height_cm"] == 175.0 and "weight_kg" not in slots and slots["requested_slot"] == "body_asked"
    assert messages == ["体重请带上单位：公斤（kg）还是斤？例如“70公斤”或“140斤”。"]


def test_not_understood_gives_a_hint_and_faq_questions_pass_through() -> None:
    slots, messages = run(ValidateEligibilityForm(), tracker(turn("嗯嗯", "eligibility_form", "gender")))
    assert slots["form_retries"] == 1.0 and slots["requested_slot"] == "gender" and "男" in messages[0]
    slots, messages = run(
        ValidateEligibilityForm(), tracker(turn("考研能加几分", "eligibility_form", "gender", intent="faq"))
    )
    assert slots == {} and messages == []  # nothing set: the form rejects and the FAQ rule answers


def test_resuming_after_an_faq_answer_reads_no_message() -> None:
    events = [
        *turn("研究生学费补偿多少", "eligibility_form", "education_level", intent="faq")[:-2],
        {"event": "action", "name": "action_answer_faq"},
        {"event": "bot", "text": "…"},
        {"event": "slot", "name": "requested_slot", "value": "education_level"},
        {"event": "action", "name": "eligibility_form"},
    ]
    assert fresh_user_text(events, "eligibility_form") is None
    slots, _ = run(ValidateEligibilityForm(), tracker(events, {"gender": "男", "birth_year": 2002.0}))
    assert "education_level" not in slots or slots.get("education_level") is None
    assert slots["requested_slot"] == "education_level"


def test_benefit_form_defaults_the_year_and_skips_paid_years_for_freshmen() -> None:
    known = {"education_level": "本科", "student_status": "新生"}
    slots, _ = run(
        ValidateBenefitForm(), tracker(turn("下半年", "benefit_form", "enlist_half"), known, form="benefit_form")
    )
    assert (slots["enlist_half"], slots["enlist_year"], slots["years_paid"], slots["loan_amount"]) == (
        "下半年",
        2023.0,
        0.0,
        0.0,
    )
    assert slots["requested_slot"] == "tuition_per_year"


def test_benefit_form_stops_asking_for_non_university_students() -> None:
    slots, _ = run(
        ValidateBenefitForm(),
        tracker(turn("高中", "benefit_form", "education_level"), {"student_status": "非学生"}, form="benefit_form"),
    )
    assert slots["requested_slot"] is None


def test_eligibility_result_action_renders_from_slots() -> None:
    slots = {"gender": "女", "birth_year": 1998.0, "education_level": "研究生", "student_status": "在校生"}
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionEligibilityResult().run(dispatcher, tracker([user("跳过")], slots, active=False), {}))
    text = dispatcher.messages[0]["text"]
    assert "上限26周岁" in text and text.endswith(FOOTER)


def test_shared_slots_are_filled_by_the_eligibility_form() -> None:
    slots, _ = run(ValidateEligibilityForm(), tracker(activation("我是男生，2002年出生，本科在读", "eligibility_form")))
    assert {slot: slots.get(slot) for slot in SHARED} == {
        "gender": "男",
        "birth_year": 2002.0,
        "student_status": "在校生",
        "education_level": "本科",
    }


def test_woman_outside_the_groups_is_not_told_to_register() -> None:
    reply = render_eligibility(
        Profile(
            gender="女", birth_year=2001, education_level="本科", student_status="往届毕业生", graduation_year=2020
        ),
        P,
        2023,
    )
    assert "不在今年女兵征集范围内" in reply.text
    assert "再网上报名" not in reply.text and "网上报名：" not in reply.text


def test_non_university_user_hears_about_aid_after_entering_college() -> None:
    reply = benefit_not_applicable(Profile(education_level="高中", student_status="非学生"), P, 2023)
    assert "《退役军人保障法》第三十四条" in reply.text and "《退役士兵安置条例》第二十八条" in reply.text
    assert "学费和助学金资助" in reply.text


def test_students_never_read_grading_words_or_unofficial_links() -> None:
    """Every kind of personal answer: plain words for 推断/存疑/未找到, links to official sites only."""
    import re

    from bot.faq.sources import is_official, student_jargon

    texts = []
    for gender in ("男", "女"):
        for birth in (2001, 2005, 2006, 1998):
            for education, status in (
                ("本科", "在校生"),
                ("本科", "往届毕业生"),
                ("研究生", "在校生"),
                ("高中", "应届毕业生"),
                ("高中", "在校生"),
                ("专科", "应届毕业生"),
                ("初中", "非学生"),
            ):
                profile = Profile(
                    gender=gender,
                    birth_year=birth,
                    education_level=education,
                    student_status=status,
                    graduation_year=2020,
                )
                texts.append(render_eligibility(profile, P, 2023).text)
                texts.append(render_location(profile, P, 2023).text)
                not_uni = benefit_not_applicable(profile, P, 2023)
                if not_uni:
                    texts.append(not_uni.text)
    for args in (
        ("本科", "在校生", 2023, "上半年", 4500, 2),
        ("本科", "应届毕业生", 2023, "下半年", 5000, 4),
        ("专科", "新生", 2023, "下半年", 6000, 0),
        ("研究生", "在校生", 2023, "上半年", 9000, 1),
    ):
        est = money.estimate(P, *args)
        texts.append(render_benefit(est, Profile(education_level=args[0], student_status=args[1]), P, 2023).text)
    for text in texts:
        assert not student_jargon(text) and "【" not in text, text
        for url in re.findall(r"https?://[^\s)）]+", text):
            assert is_official(url), url


# --- one screen on a phone (issue 12 §3) ----------------------------------------------------


def _profiles():
    import itertools

    for gender, born, education, status, height, weight, vision in itertools.product(
        ["男", "女"],
        [1994, 1998, 2001, 2003, 2005, 2007],
        ["初中", "高中", "专科", "本科", "研究生"],
        ["在校生", "应届毕业生", "往届毕业生", "新生", None],
        [None, 155, 175],
        [None, 45, 100],
        [(), (4.4,), (4.6, 4.9)],
    ):
        yield Profile(
            gender=gender,
            birth_year=born,
            education_level=education,
            student_status=status,
            height_cm=height,
            weight_kg=weight,
            vision=vision,
            myopia_degree=700 if len(vision) == 2 else None,
            grade="大五" if status == "在校生" else None,
        )


@pytest.mark.parametrize("today", [None, dt.date(2023, 1, 10), dt.date(2026, 12, 2)])
@pytest.mark.parametrize("year", [2023, 2025])
def test_every_eligibility_result_fits_one_phone_screen_and_keeps_its_reasoning(
    today: Optional[dt.date], year: int
) -> None:
    longest = ""
    for profile in _profiles():
        reply = render_eligibility(profile, P, year, today)
        assert reply.buttons[0] == DETAILS_BUTTON and reply.details.startswith("**计算过程和依据**")
        assert "依据：" in reply.details and "（" in reply.details  # every rule cited there, none in the summary
        longest = max(longest, reply.text, key=len)
    assert len(longest) <= SUMMARY_MAX_CHARS, (len(longest), longest)
    assert len(longest) > SUMMARY_MAX_CHARS * 2 // 3  # the grid reaches long answers, not only short ones


@pytest.mark.parametrize("today", [None, dt.date(2026, 12, 2)])
def test_every_benefit_estimate_fits_one_phone_screen(today: Optional[dt.date]) -> None:
    import itertools

    longest = ""
    for education, status, year, half, tuition, paid, loan in itertools.product(
        ["专科", "本科", "研究生"],
        ["在校生", "应届毕业生", "往届毕业生", "新生"],
        [2020, 2021, 2023],
        ["上半年", "下半年"],
        [0, 5000, 30000],
        [0, 1, 4],
        [0, 60000],
    ):
        est = money.estimate(P, education, status, year, half, tuition, paid, loan)
        reply = render_benefit(est, Profile(education_level=education, student_status=status), P, 2025, today)
        assert reply.buttons[0] == DETAILS_BUTTON and "依据：" in reply.details and "依据" not in reply.text
        longest = max(longest, reply.text, key=len)
    assert len(longest) <= SUMMARY_MAX_CHARS, (len(longest), longest)
