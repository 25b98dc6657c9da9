"""Withdrawing consent and deleting one's data from the chat (个人信息保护法 第四十七条).

Only the conversation that submitted a lead can delete it here, after a confirmation
(``deletion_asked``); erasure is bot/leads/erasure.py, shared with the retention purge and
the portal. Anyone can type any phone number, so from another conversation a number is
only recorded, unverified, for a recruiter to call (bot/leads/deletion_requests.py), with
the same reply whether or not that number signed up.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any, Callable, Dict, List, Text, TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from bot import runtime
from bot.conversation.buttons import CONFIRM_DELETION_BUTTONS
from bot.conversation.contact import contact_line, office_name
from bot.conversation.events import typed_text
from bot.leads.consent import DELETE_COMMAND
from bot.leads.erasure import withdraw_conversation
from bot.leads.fields import FIELDS, find_phone

logger = logging.getLogger(__name__)
T = TypeVar("T")

FIELD_LABELS = "、".join(field.label for field in FIELDS)


async def _blocking(function: Callable[..., T], *args: Any) -> T:
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(function, *args))


def _unavailable(dispatcher: CollectingDispatcher, exc: Exception) -> List[EventType]:
    logger.warning("deletion: database unavailable (%s)", type(exc).__name__)
    dispatcher.utter_message(
        text="抱歉，登记系统暂时无法访问，这次没有删除任何信息。请稍后再试，或联系区人武部"
        f"（{contact_line(runtime.settings())}）。"
    )
    return [SlotSet("deletion_asked", None)]


async def request_deletion(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Ask to confirm (this conversation signed up), or record a typed number for staff."""
    try:
        if await _blocking(runtime.lead_store().submitted_in, tracker.sender_id):
            dispatcher.utter_message(
                text=(
                    f"确认要撤回同意并删除您在本次对话中登记的信息吗？\n\n将删除：{FIELD_LABELS}，以及对话记录中您填写的内容。"
                    "删除后无法恢复；只保留一条不含个人信息的记录（状态“已撤回”），用于统计人数。"
                ),
                buttons=list(CONFIRM_DELETION_BUTTONS),
            )
            return [SlotSet("deletion_asked", True)]
        phone = find_phone(typed_text(tracker.events))
        if phone:
            await _blocking(runtime.deletion_requests().record, tracker.sender_id, phone)
    except SQLAlchemyError as exc:
        return _unavailable(dispatcher, exc)
    contact = contact_line(runtime.settings())
    if phone:
        # The same words whether or not this number signed up: nothing is revealed here.
        text = (
            "已记录您的删除请求。为防止他人冒用，我在这里不能查询或删除；区人武部工作人员会拨打您提供的号码核实后删除，"
            f"处理后请求中的号码也会清除。如有疑问，请联系区人武部（{contact}）。"
        )
    else:
        text = (
            "本次对话中没有登记过信息，这里没有可删除的内容。\n\n如果您在别的时候登记过，请发送“"
            f"{DELETE_COMMAND}”加登记时的手机号（例如：{DELETE_COMMAND} 138 0013 8000），工作人员致电核实后删除；"
            f"也可以直接联系区人武部（{contact}）。"
        )
    dispatcher.utter_message(text=text)
    return [SlotSet("deletion_asked", None)]


class RequestDeletion(Action):
    def name(self) -> Text:
        return "action_request_deletion"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        return await request_deletion(dispatcher, tracker)


#: A stop request outside a form that is about the sign-up ("我不想登记了", "不想留信息了").
ABOUT_THE_SIGN_UP = ("登记", "报名", "信息", "资料", "联系")


class StopOutsideForm(Action):
    """ "算了" with no form running: nothing to stop. After a sign-up in this conversation,
    a stop that names the sign-up ("我不想登记了") means withdrawing: ask to confirm."""

    def name(self) -> Text:
        return "action_stop_outside_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if any(word in typed_text(tracker.events) for word in ABOUT_THE_SIGN_UP):
            try:
                if await _blocking(runtime.lead_store().submitted_in, tracker.sender_id):
                    return await request_deletion(dispatcher, tracker)
            except SQLAlchemyError as exc:
                return _unavailable(dispatcher, exc)
        dispatcher.utter_message(response="utter_anything_else")
        return []


class DeleteMyData(Action):
    """Erases what this conversation submitted, after the confirmation (without one, asks it)."""

    def name(self) -> Text:
        return "action_delete_my_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if not tracker.get_slot("deletion_asked"):
            return await request_deletion(dispatcher, tracker)  # "删了吧" with nothing asked: ask first
        settings = runtime.settings()
        try:
            erased = await _blocking(
                withdraw_conversation, runtime.lead_store(), settings.tracker_store, tracker.sender_id
            )
        except SQLAlchemyError as exc:
            return _unavailable(dispatcher, exc)
        if not erased.references:
            dispatcher.utter_message(text="本次对话没有需要删除的登记信息（可能已经删除过）。")
        else:
            # The same words for a lead this conversation created and for a repeat of a known phone.
            transcript = (
                "对话记录中您填写的内容也已清除。"
                if erased.redacted
                else f"对话记录暂时没能清除，请联系区人武部（{contact_line(settings)}）处理。"
            )
            dispatcher.utter_message(
                text=(
                    f"**已删除**您在本次对话中登记的信息（登记编号 {'、'.join(erased.references)}）：{FIELD_LABELS}。"
                    f"{transcript}\n\n您已撤回同意，工作人员不会再据此联系您。只保留一条不含个人信息的记录（状态“已撤回”），用于统计人数。"
                )
            )
        return [SlotSet("deletion_asked", None)]


class CancelDeletion(Action):
    def name(self) -> Text:
        return "action_cancel_deletion"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        asked = tracker.get_slot("deletion_asked")
        dispatcher.utter_message(
            text="好的，没有删除任何信息。还有其他问题可以继续问我。"
            if asked
            else "好的。还有其他关于参军入伍的问题吗？"
        )
        return [SlotSet("deletion_asked", None)]


class ExplainPrivacy(Action):
    """How personal data is handled: the consent notice's own statements, nothing more."""

    def name(self) -> Text:
        return "action_explain_privacy"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        settings = runtime.settings()
        dispatcher.utter_message(
            text=(
                f"只有您同意并提交登记后，才会保存您填写的{FIELD_LABELS}，仅供{office_name(settings)}工作人员就参军入伍事宜与您联系，"
                f"保存{settings.lead_retention_days}天，到期删除。\n\n提交后可随时在登记的对话里回复“{DELETE_COMMAND}”撤回同意并删除，"
                f"或联系区人武部（{contact_line(settings)}）。"
            )
        )
        return []
