"""Actions of the personal answers: the two forms' validation, the results, 应征地 comparison.

Thin: facts come from :mod:`bot.lang.extract`, rules and answers from :mod:`bot.eligibility`.
The forms ask only for what is still unknown: every user message is parsed for every
fact (so "我21岁本科大三能当兵吗" fills three slots at once), and when a form starts,
earlier messages in which the student described themselves are read too.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction

from actions.faq import answer_miss
from bot import clock, runtime
from bot.conversation.buttons import BENEFIT_BUTTON, ELIGIBILITY_BUTTON, SIGN_UP_BUTTON
from bot.conversation.events import earlier_self_descriptions, fresh_user_text, is_activation, typed_text
from bot.eligibility import benefit as money
from bot.eligibility.policy import Profile, policy_for
from bot.eligibility.render import (
    benefit_not_applicable,
    facts_summary,
    render_benefit,
    render_eligibility,
    render_location,
)
from bot.faq.answering import decide
from bot.lang.extract import FACT_SLOTS, Facts, extract
from bot.usage.feedback import message_metadata

UNIVERSITY = ("专科", "本科", "研究生")
#: Facts worth taking from earlier self-descriptions (not answers to other questions).
HISTORY_SLOTS = (
    "gender",
    "birth_year",
    "student_status",
    "education_level",
    "grade",
    "graduation_year",
    "height_cm",
    "weight_kg",
    "vision",
    "myopia_degree",
)
#: Intents handled by rules while a form waits (the form resumes afterwards, or stops).
PASS_THROUGH_INTENTS = {
    "faq",
    "out_of_scope",
    "stop_form",
    "deny",
    "greet",
    "goodbye",
    "thanks",
    "bot_challenge",
    "sign_up",
}
RETRIES_SLOT = "form_retries"
DETAILS_SLOT = "result_details"  # the reasoning of the latest result, sent by "查看计算过程和依据"

HINTS = {
    "gender": "没听明白您的性别，请回答“男”或“女”。",
    "birth_year": "没听明白您的出生年份，请告诉我出生年份或年龄，例如“2002年出生”“03年的”或“21岁”。",
    "education_level": "没听明白您的学历层次，请回答：初中、高中（含中专、职高）、专科（大专、高职）、本科或研究生。",
    "student_status": "没听明白您的身份，请回答：在校生、应届毕业生、往届毕业生、新生（已录取还没入学）或非学生。",
    "body_asked": "没听明白，请带上单位告诉我身高、体重和视力，例如“175cm 70公斤 视力4.8”或“一米七五 140斤”；不想说请回复“跳过”。",
    "enlist_half": "没听明白入伍时间，请回答上半年还是下半年，可以带年份，例如“2023年下半年”或“2023年9月”。",
    "tuition_per_year": "没听明白学费金额，请告诉我每年学费多少元，例如“5000”。",
    "years_paid": "没听明白年数，请告诉我入伍前已经交了几年学费，例如“4年”。",
    "loan_amount": "没听明白，请告诉我用于学费的国家助学贷款总额，例如“贷款24000元”；没有请回复“没有”。",
}
WEIGHT_UNIT_HINT = "体重请带上单位：公斤（kg）还是斤？例如“70公斤”或“140斤”。"


def policy_year() -> int:
    return runtime.settings().policy_year


def speaking_year() -> int:
    """The year a student's "我21岁", "去年毕业", "今年下半年入伍" refer to: today's, not the
    policy year's (in 2026 a 21-year-old was born in 2005, though the table is 2023's)."""
    return clock.today().year


def fact_updates(facts: Facts) -> Dict[str, Any]:
    """Slot values for the facts a message states (years and amounts as floats)."""
    values = facts.values()
    updates: Dict[str, Any] = {}
    for slot in FACT_SLOTS:
        if slot not in values:
            continue
        value = values[slot]
        if isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        updates[slot] = value
    return updates


class FactFormValidation(FormValidationAction):
    """Shared run(): parse the message for every fact, then ask the first missing slot."""

    @abstractmethod
    def missing(self, slots: Dict[str, Any]) -> List[str]:
        """The slots still to ask, in order, given what is known."""

    def derive(self, slots: Dict[str, Any], updates: Dict[str, Any]) -> None:
        """Fill slots that follow from others (e.g. the enlistment year)."""

    def answered(self, requested: Optional[str], text: str, facts: Facts, updates: Dict[str, Any]) -> None:
        """Form-specific reading of an answer to ``requested`` (e.g. "跳过")."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        year = policy_year()
        activating = is_activation(tracker.events, self.form_name())
        requested = None if activating else tracker.get_slot(REQUESTED_SLOT)
        text = fresh_user_text(tracker.events, self.form_name())
        slots = dict(tracker.slots)
        updates: Dict[str, Any] = {}
        notes: List[str] = []
        if text is not None:
            facts = extract(text, speaking_year(), expect=requested)
            updates.update(fact_updates(facts))
            self.answered(requested, text, facts, updates)
            notes = facts.notes
        if activating:
            for earlier in earlier_self_descriptions(tracker.events):
                for slot, value in fact_updates(extract(earlier, speaking_year())).items():
                    if slot in HISTORY_SLOTS and slots.get(slot) is None and slot not in updates:
                        updates[slot] = value
        corrected = {k: v for k, v in updates.items() if k in HISTORY_SLOTS and slots.get(k) not in (None, v)}
        if corrected:
            dispatcher.utter_message(text=f"已更正：{facts_summary(corrected)}。")
        slots.update(updates)
        self.derive(slots, updates)
        understood = bool(updates)
        events: List[EventType] = []
        if requested and text is not None and not understood:
            intent = (tracker.latest_message.get("intent") or {}).get("name")
            if intent in PASS_THROUGH_INTENTS:
                return []  # the form rejects; a rule answers, then the form asks again
            retries = int(slots.get(RETRIES_SLOT) or 0) + 1
            hint = WEIGHT_UNIT_HINT if "weight_unit" in notes else HINTS.get(requested, "没听明白，请换个说法。")
            if retries >= 2:
                hint += "也可以回复“取消”结束。"
            dispatcher.utter_message(text=hint)
            events.append(SlotSet(RETRIES_SLOT, float(retries)))
        elif understood:
            updates[RETRIES_SLOT] = None
        if "weight_unit" in notes and understood:
            dispatcher.utter_message(text=WEIGHT_UNIT_HINT)
        events.extend(SlotSet(slot, value) for slot, value in updates.items())
        missing = self.missing(slots)
        if activating and missing:
            dispatcher.utter_message(text=self.intro(slots, year))
        events.append(SlotSet(REQUESTED_SLOT, missing[0] if missing else None))
        return events

    @abstractmethod
    def intro(self, slots: Dict[str, Any], year: int) -> str:
        """The first message when the form starts and something is still to ask."""


class ValidateEligibilityForm(FactFormValidation):
    def name(self) -> Text:
        return "validate_eligibility_form"

    def missing(self, slots: Dict[str, Any]) -> List[str]:
        needed = ["gender", "birth_year", "education_level"]
        education = slots.get("education_level")
        if education in UNIVERSITY or education is None or slots.get("gender") == "女":
            needed.append("student_status")
        if slots.get("height_cm") is None or slots.get("weight_kg") is None:
            needed.append("body_asked")
        return [slot for slot in needed if slots.get(slot) is None]

    def answered(self, requested: Optional[str], text: str, facts: Facts, updates: Dict[str, Any]) -> None:
        if requested == "body_asked":
            if "weight_unit" in facts.notes:
                return  # ask again: the weight needs a unit before BMI can be computed
            if facts.skipped and not updates:
                updates["body_asked"] = "跳过"
            elif any(k in updates for k in ("height_cm", "weight_kg", "vision", "myopia_degree")):
                updates["body_asked"] = "已提供"

    def intro(self, slots: Dict[str, Any], year: int) -> str:
        known = facts_summary({k: slots.get(k) for k in HISTORY_SLOTS})
        said = f"已知：{known}。" if known else ""
        return f"好的，按{year}年征兵政策帮您自测能不能报名。{said}还需要问几个问题，随时可以说“取消”。"


class ValidateBenefitForm(FactFormValidation):
    def name(self) -> Text:
        return "validate_benefit_form"

    def missing(self, slots: Dict[str, Any]) -> List[str]:
        needed = ["education_level"]
        education = slots.get("education_level")
        if education is not None and education not in UNIVERSITY and slots.get("student_status") != "新生":
            return [slot for slot in needed if slots.get(slot) is None]  # not applicable: answer now
        needed += ["student_status", "enlist_half", "tuition_per_year"]
        if slots.get("student_status") != "新生":
            needed += ["years_paid", "loan_amount"]
        return [slot for slot in needed if slots.get(slot) is None]

    def derive(self, slots: Dict[str, Any], updates: Dict[str, Any]) -> None:
        if slots.get("enlist_half") and slots.get("enlist_year") is None:
            updates["enlist_year"] = slots["enlist_year"] = float(policy_year())
        if slots.get("student_status") == "新生":
            for slot in ("years_paid", "loan_amount"):
                if slots.get(slot) is None:
                    updates[slot] = slots[slot] = 0.0

    def intro(self, slots: Dict[str, Any], year: int) -> str:
        known = facts_summary(
            {
                k: slots.get(k)
                for k in (
                    "education_level",
                    "student_status",
                    "enlist_half",
                    "tuition_per_year",
                    "years_paid",
                    "loan_amount",
                )
            }
        )
        said = f"已知：{known}。" if known else ""
        return f"好的，帮您估算学费补偿（按{year}年政策）。{said}还需要问几个问题，随时可以说“取消”。"


class ActionEligibilityResult(Action):
    def name(self) -> Text:
        return "action_eligibility_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        year = policy_year()
        policy, _ = policy_for(year)
        profile = Profile.from_slots(tracker.slots)
        if profile.gender is None or profile.birth_year is None:
            dispatcher.utter_message(text="信息不全，没法自测。", buttons=[ELIGIBILITY_BUTTON])
            return [SlotSet(RETRIES_SLOT, None)]
        reply = render_eligibility(profile, policy, year, clock.today())
        # Metadata: the widget shows 👍/👎 under the result; a 👎 queues the question that started the check.
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons, json_message=message_metadata(None))
        return [SlotSet(RETRIES_SLOT, None), SlotSet("body_asked", None), SlotSet(DETAILS_SLOT, reply.details)]


class ActionBenefitResult(Action):
    def name(self) -> Text:
        return "action_benefit_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        year = policy_year()
        policy, _ = policy_for(year)
        slots = tracker.slots
        profile = Profile.from_slots(slots)
        not_applicable = benefit_not_applicable(profile, policy, year, clock.today())
        if not_applicable is not None:
            dispatcher.utter_message(text=not_applicable.text, buttons=not_applicable.buttons)
            return [SlotSet(RETRIES_SLOT, None)]
        enlist_year = int(float(slots.get("enlist_year") or year))
        if enlist_year < money.FIRST_TWO_ROUND_YEAR:
            dispatcher.utter_message(
                text=f"{enlist_year}年还没有实行一年两次征兵，本助手只能估算{money.FIRST_TWO_ROUND_YEAR}年以后入伍的情况。",
                buttons=[BENEFIT_BUTTON],
            )
            return [SlotSet(RETRIES_SLOT, None), SlotSet("enlist_year", None), SlotSet("enlist_half", None)]
        estimate = money.estimate(
            policy,
            education_level=profile.education_level or "本科",
            student_status=profile.student_status or "应届毕业生",
            enlist_year=enlist_year,
            enlist_half=slots.get("enlist_half") or "下半年",
            tuition_per_year=float(slots.get("tuition_per_year") or 0),
            years_paid=int(float(slots.get("years_paid") or 0)),
            loan_amount=float(slots.get("loan_amount") or 0),
            programme_years=int(float(slots["program_years"])) if slots.get("program_years") else None,
        )
        reply = render_benefit(estimate, profile, policy, year, clock.today())
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons, json_message=message_metadata(None))
        return [SlotSet(RETRIES_SLOT, None), SlotSet(DETAILS_SLOT, reply.details)]


class ActionShowDetails(Action):
    """ "查看计算过程和依据": the reasoning of the latest personal result, as a second message."""

    def name(self) -> Text:
        return "action_show_details"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        details = tracker.get_slot(DETAILS_SLOT)
        if details:
            dispatcher.utter_message(text=details, buttons=[SIGN_UP_BUTTON], json_message=message_metadata(None))
        else:
            dispatcher.utter_message(
                text="还没有可以展开的计算过程。先做个自测或估算吧：", buttons=[ELIGIBILITY_BUTTON, BENEFIT_BUTTON]
            )
        return []


class ActionCompareLocation(Action):
    def name(self) -> Text:
        return "action_compare_location"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        year = policy_year()
        policy, _ = policy_for(year)
        reply = render_location(Profile.from_slots(tracker.slots), policy, year, clock.today())
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons)
        return []


class ActionRememberFacts(Action):
    """A statement of facts outside a form ("我是大三的男生"): note them and offer the checks."""

    def name(self) -> Text:
        return "action_remember_facts"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        # The typed text: the parse's text is only the question part of a long message.
        text = typed_text(tracker.events)
        updates = fact_updates(extract(text, speaking_year()))
        if not updates:  # "inform" with nothing we can use: the message was not understood
            settings, snapshot = runtime.settings(), runtime.faq_catalog().snapshot()
            answer_miss(
                dispatcher,
                tracker,
                snapshot,
                settings,
                decide(tracker.latest_message, snapshot.by_id, settings.faq_min_confidence),
            )
            return []
        dispatcher.utter_message(
            text=f"好的，记下了：{facts_summary(updates)}。需要的话，我可以按这些信息帮您：",
            buttons=[ELIGIBILITY_BUTTON, BENEFIT_BUTTON],
        )
        return [SlotSet(slot, value) for slot, value in updates.items()]
