"""The lead form: consent, one question per field, summary, save (see domain/leads.yml).

How a turn inside the form is handled (``ValidateLeadForm``):
- a stop request, or a message that is clearly something else (an FAQ question, a
  greeting) while a name/school/… is asked, fills nothing: Rasa then rejects the form
  turn and the unhappy-path rules in data/rules/leads.yml answer it and resume the form;
- a valid value fills the asked slot; an invalid one is explained and asked again, at
  most twice, after which the question offers "跳过这一项" and "不填了".
"""

from __future__ import annotations

import abc
import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.handoff import attach_question
from bot import runtime
from bot.conversation.buttons import (
    CONSENT_BUTTONS,
    DELETE_PAYLOAD,
    ONLINE_REGISTRATION_BUTTON,
    SKIP_FIELD_BUTTON,
    STOP_FORM_BUTTON,
    SUMMARY_BUTTONS,
    change_field_payload,
)
from bot.conversation.events import fresh_user_text, slot_set_at, texts_before_form, user_just_spoke
from bot.faq.answering import decide
from bot.lang.timefmt import utcnow
from bot.leads.consent import DELETE_COMMAND, consent_text
from bot.leads.fields import FIELDS, FIELDS_BY_SLOT, SKIPPED, display_phone, find_phone, looks_like_question
from bot.leads.outbox import Outbox
from bot.leads.records import CONSENT_VERSION, LeadSubmission
from bot.leads.service import submit_lead_in_time

logger = logging.getLogger(__name__)

FORM = "lead_form"
LEAD_SLOTS = (
    "lead_consent",
    "lead_name",
    "lead_phone",
    "school",
    "hukou_place",
    "enlist_place",
    "main_concern",
    "lead_confirmed",
    "lead_retries",
    "lead_prefilled",
)
#: Intents that, with this confidence, are not an answer to a free-text question.
NOT_AN_ANSWER = {
    "greet",
    "thanks",
    "goodbye",
    "bot_challenge",
    "affirm",
    "deny",
    "sign_up",
    "lead_change",
    "confirm_deletion",
    "cancel_deletion",
    "ask_privacy",
}
#: Intents that end the form whatever was asked (rules in data/rules/leads.yml, privacy.yml).
STOPPING = ("stop_form", "delete_my_data")
NOT_AN_ANSWER_CONFIDENCE = 0.7
MAX_EXPLAINED_RETRIES = 2


def _intent(tracker: Tracker) -> tuple:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def _retries(tracker: Tracker) -> Dict[str, int]:
    value = tracker.get_slot("lead_retries")
    return dict(value) if isinstance(value, dict) else {}


def _is_confident_faq(tracker: Tracker) -> bool:
    settings = runtime.settings()
    snapshot = runtime.faq_catalog().snapshot()
    return decide(tracker.latest_message, snapshot.by_id, settings.faq_min_confidence).answers


class ValidateLeadForm(FormValidationAction):
    """Fills the asked slot from the student's message (see module docstring)."""

    def name(self) -> Text:
        return "validate_lead_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        requested = tracker.get_slot("requested_slot")
        if requested is None or not user_just_spoke(tracker.events, (FORM, "validate_lead_form")):
            return []  # activation, or resuming after an interruption: nothing to read
        intent, confidence = _intent(tracker)
        if intent in STOPPING:
            return []  # rejected: the stop rule runs
        if requested == "lead_consent":
            return self._consent(dispatcher, tracker, intent)
        if requested == "lead_confirmed":
            return self._confirmation(tracker, intent)
        field = FIELDS_BY_SLOT.get(requested)
        if field is None:
            return []
        if intent == "skip_field":
            return self._skip(dispatcher, tracker, requested)
        return self._field_value(dispatcher, tracker, requested, intent, confidence)

    # --- consent and confirmation -------------------------------------------------------

    def _consent(self, dispatcher: CollectingDispatcher, tracker: Tracker, intent: Optional[str]) -> List[EventType]:
        if intent == "affirm":
            return [SlotSet("lead_consent", True)] + self._prefill(dispatcher, tracker)
        if intent == "deny":
            dispatcher.utter_message(text="好的，不登记任何信息。您可以继续向我咨询参军入伍的政策问题。")
            return [SlotSet("lead_consent", False), SlotSet("requested_slot", None)]
        return []  # something else: answered by the rules, then consent is asked again

    def _confirmation(self, tracker: Tracker, intent: Optional[str]) -> List[EventType]:
        if intent == "affirm":
            return [SlotSet("lead_confirmed", True)]
        if intent in ("lead_change", "deny"):
            field = next(
                (
                    e.get("value")
                    for e in tracker.latest_message.get("entities") or []
                    if e.get("entity") == "lead_field"
                ),
                None,
            )
            if field in FIELDS_BY_SLOT:
                retries = _retries(tracker)
                retries.pop(field, None)
                return [SlotSet(field, None), SlotSet("lead_retries", retries), SlotSet("lead_confirmed", None)]
            return [SlotSet("lead_confirmed", None)]  # the summary question then offers the fields
        return []

    # --- one field ----------------------------------------------------------------------

    def _skip(self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> List[EventType]:
        field = FIELDS_BY_SLOT[slot]
        if not field.skippable:
            dispatcher.utter_message(
                text=f"{field.label}是工作人员联系您的唯一方式，不能跳过。如果不方便提供，可以回复“算了”结束登记。"
            )
            return [SlotSet(slot, None)]
        dispatcher.utter_message(text=f"好的，{field.label}这一项跳过。")
        return [SlotSet(slot, SKIPPED)]

    def _field_value(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, intent: Optional[str], confidence: float
    ) -> List[EventType]:
        field = FIELDS_BY_SLOT[slot]
        # Store what the student typed ("Ma Li", "TYUT", "臺北"); the NLU's normalised text
        # (lower-cased, 繁→简, corrected) is only for matching (issue 13 item 9).
        normalised = tracker.latest_message.get("text") or ""
        typed = fresh_user_text(tracker.events, FORM)
        text = normalised if typed is None else typed
        if field.free_text and slot != "main_concern":
            if intent in NOT_AN_ANSWER and confidence >= NOT_AN_ANSWER_CONFIDENCE:
                return []  # a greeting, thanks, ...: the rules answer it and resume
            if looks_like_question(normalised):
                return []  # a question, not a name/school/place: answered by intent, then resume
        checked = field.check(text)
        if not checked.ok and not field.free_text and normalised != text:
            checked = field.check(normalised)  # a choice or phone matched after normalising (e.g. 應屆)
        retries = _retries(tracker)
        if checked.ok:
            retries.pop(slot, None)
            return [SlotSet(slot, checked.value), SlotSet("lead_retries", retries)]
        if not field.free_text and intent == "faq" and _is_confident_faq(tracker):
            return []  # not a phone number/choice but an FAQ question
        retries[slot] = retries.get(slot, 0) + 1
        if retries[slot] <= MAX_EXPLAINED_RETRIES:
            dispatcher.utter_message(text=checked.problem)
        return [SlotSet(slot, None), SlotSet("lead_retries", retries)]

    # --- values said earlier in the chat --------------------------------------------------

    def _prefill(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        """Reuse what the student already told us (once per form, after consent)."""
        if tracker.get_slot("lead_prefilled"):
            return []
        found = prefill_values(texts_before_form(tracker.events, FORM))
        found = {slot: value for slot, value in found.items() if tracker.get_slot(slot) in (None, "")}
        known = [
            f.slot for f in FIELDS if tracker.get_slot(f.slot) not in (None, "")
        ]  # e.g. from the eligibility check
        events: List[EventType] = [SlotSet("lead_prefilled", True)]
        reused = [f.slot for f in FIELDS if f.slot in found or f.slot in known]
        if reused:
            labels = "、".join(FIELDS_BY_SLOT[slot].label for slot in reused)
            dispatcher.utter_message(text=f"您之前提到过{labels}，我先沿用，最后确认时可以修改。")
            events += [SlotSet(slot, value) for slot, value in found.items()]
        return events


_NAME = re.compile(r"(?:我叫|我的名字是|我的名字叫|姓名[是:：]?)\s*([\u4e00-\u9fa5·]{2,10})")
_SCHOOL = re.compile(r"([\u4e00-\u9fa5]{2,20}?(?:大学|学院|职业技术学院|职院|师范|学校))")
_HUKOU = re.compile(r"(?:户口|户籍)(?:在|是)\s*([\u4e00-\u9fa5]{2,20})")
_STATUS = (
    ("应届毕业生", ("应届", "大四", "毕业班", "研三")),
    ("往届毕业生", ("往届", "已经毕业")),
    ("在校生", ("大一", "大二", "大三", "研一", "研二", "在读")),
)
_EDUCATION = (
    ("研究生", ("研究生", "硕士", "研一", "研二", "研三")),
    ("专科", ("专科", "大专", "高职")),
    ("本科", ("本科",)),
)


def prefill_values(texts: List[str]) -> Dict[str, str]:
    """Lead fields a student stated in earlier messages (latest statement wins)."""
    found: Dict[str, str] = {}
    for text in texts:
        phone = find_phone(text)
        if phone:
            found["lead_phone"] = phone
        for slot, pattern in (("lead_name", _NAME), ("school", _SCHOOL), ("hukou_place", _HUKOU)):
            match = pattern.search(text)
            if match:
                checked = FIELDS_BY_SLOT[slot].check(match.group(1))
                if checked.ok:
                    found[slot] = checked.value
        if "我" in text:
            for slot, table in (("student_status", _STATUS), ("education_level", _EDUCATION)):
                for value, words in table:
                    if any(word in text for word in words):
                        found[slot] = value
                        break
    return found


# --- asking -----------------------------------------------------------------------------


class AskConsent(Action):
    def name(self) -> Text:
        return "action_ask_lead_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(
            text=consent_text(runtime.settings()),
            buttons=list(CONSENT_BUTTONS),
        )
        return []


class AskField(Action, abc.ABC):
    """Asks one field; after repeated invalid answers offers to skip it or stop.

    Abstract (so rasa-sdk does not register it); one concrete subclass per field below.
    """

    @property
    @abc.abstractmethod
    def slot(self) -> str:
        """The slot this action asks for."""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        field = FIELDS_BY_SLOT[self.slot]
        buttons = [{"title": choice, "payload": choice} for choice in field.choices]
        text = field.question
        if _retries(tracker).get(self.slot, 0) > MAX_EXPLAINED_RETRIES:
            if field.skippable:
                text = f"看起来{field.label}这一项不太好填。您可以重新输入，也可以跳过这一项，或者结束登记。\n\n{field.question}"
                buttons = [SKIP_FIELD_BUTTON, STOP_FORM_BUTTON]
            else:
                text = f"看起来{field.label}不太好填。您可以重新输入，或者结束登记（{field.label}不能跳过）。\n\n{field.question}"
                buttons = [STOP_FORM_BUTTON]
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


class AskName(AskField):
    slot = "lead_name"


class AskPhone(AskField):
    slot = "lead_phone"


class AskSchool(AskField):
    slot = "school"


class AskStudentStatus(AskField):
    slot = "student_status"


class AskEducation(AskField):
    slot = "education_level"


class AskHukou(AskField):
    slot = "hukou_place"


class AskEnlistPlace(AskField):
    slot = "enlist_place"


class AskConcern(AskField):
    slot = "main_concern"


def summary_lines(tracker: Tracker) -> List[str]:
    lines = []
    for field in FIELDS:
        value = tracker.get_slot(field.slot)
        if field.slot == "lead_phone" and value:
            value = display_phone(value)
        lines.append(f"- {field.label}：{value if value not in (None, SKIPPED) else '（未填写）'}")
    return lines


class AskConfirmation(Action):
    """The summary to confirm, or (after "修改") the choice of the field to change."""

    def name(self) -> Text:
        return "action_ask_lead_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        intent, _ = _intent(tracker)
        if intent in ("lead_change", "deny") and _changed_nothing(tracker):
            buttons = [{"title": f.label, "payload": change_field_payload(f.slot)} for f in FIELDS]
            dispatcher.utter_message(text="请选择要修改的项目：", buttons=buttons)
            return []
        text = "请核对您的登记信息：\n" + "\n".join(summary_lines(tracker)) + "\n\n信息无误请点“确认提交”。"
        buttons = list(SUMMARY_BUTTONS)
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


def _changed_nothing(tracker: Tracker) -> bool:
    """True when the latest "修改" named no field (so the field choice is shown)."""
    return not any(e.get("entity") == "lead_field" for e in tracker.latest_message.get("entities") or [])


# --- finishing --------------------------------------------------------------------------


def reset_events() -> List[EventType]:
    return [SlotSet(slot, None) for slot in LEAD_SLOTS]


def build_submission(tracker: Tracker) -> LeadSubmission:
    value = lambda slot: tracker.get_slot(slot) or None  # noqa: E731 - "" (skipped) -> None
    return LeadSubmission(
        name=value("lead_name") or "（未填写）",
        phone=tracker.get_slot("lead_phone"),
        school=value("school"),
        student_status=value("student_status"),
        education_level=value("education_level"),
        hukou_place=value("hukou_place"),
        enlist_place=value("enlist_place"),
        main_concern=value("main_concern"),
        consent_version=CONSENT_VERSION,
        consent_at=slot_set_at(tracker.events, "lead_consent", True) or utcnow(),  # when the student agreed
        sender_id=tracker.sender_id,
        source_channel=tracker.get_latest_input_channel() or "unknown",
    )


def _store_or_none():
    try:
        return runtime.lead_store()
    except SQLAlchemyError as exc:
        logger.warning("database unavailable: %s", type(exc).__name__)
        return None


class SubmitLead(Action):
    """Saves the confirmed lead; says "已记录" only after the database commit."""

    def name(self) -> Text:
        return "action_submit_lead"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if not (
            tracker.get_slot("lead_consent") and tracker.get_slot("lead_confirmed") and tracker.get_slot("lead_phone")
        ):
            return reset_events()  # consent declined: nothing is stored
        submission = build_submission(tracker)
        settings = runtime.settings()
        outcome = await submit_lead_in_time(
            submission, _store_or_none, Outbox(settings.outbox_dir), settings.lead_save_seconds
        )
        if outcome.committed:
            attach_question(tracker.sender_id, outcome.reference)
            # The same words for a new and a known phone: the reply must not reveal who signed up.
            text = (
                f"**已记录**，您的登记编号是 **{outcome.reference}**。\n\n"
                "接下来：\n"
                "1. 区人武部工作人员会通过您留下的手机号与您联系，请留意来电。\n"
                "2. 正式报名需要本人在[全国征兵网](https://www.gfbzb.gov.cn)完成兵役登记和应征报名。\n"
                "3. 有任何问题，可以继续问我。"
            )
        else:
            text = (
                f"抱歉，登记系统暂时无法写入数据库。您的信息已安全保存在本机，系统恢复后会**自动提交**，"
                f"登记编号 **{outcome.reference}**。\n\n如果几天内没有接到联系，请直接联系区人武部（可以问我“怎么联系人武部”）。"
            )
        buttons = [ONLINE_REGISTRATION_BUTTON]
        if outcome.committed:
            buttons.append({"title": DELETE_COMMAND, "payload": DELETE_PAYLOAD})
        dispatcher.utter_message(text=text, buttons=buttons)
        return reset_events()


class StopLeadForm(Action):
    def name(self) -> Text:
        return "action_stop_lead_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(text="好的，已取消登记，您填写的信息不会被保存。还有其他问题可以继续问我。")
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + reset_events()
