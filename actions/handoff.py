"""``action_request_human``: a student asked for a person (转人工, or the button after the
second miss). During staffed hours the conversation joins the portal's 在线咨询 queue and
the student is told what happens next and how long it may take; outside them, or when the
queue cannot be reached, the student is told so and offered the lead form. Never a silent
wait: a request nobody takes in time is answered by the expiry task (bot/handoff/service.py).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from bot import runtime
from bot.conversation.contact import contact_block
from bot.conversation.events import question_before
from bot.handoff import wording

logger = logging.getLogger(__name__)

#: Tells the widget to listen for the recruiter's replies (REST: custom JSON after the text).
STATE_KEY = "enlist_handoff"
QUEUE_DOWN = (
    "抱歉，人工咨询的排队系统暂时出了问题，没能为您转接。您可以留下问题和联系方式，或直接联系区人武部：\n\n{contact}"
)


class RequestHuman(Action):
    def name(self) -> Text:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        settings = runtime.settings()
        staffed = settings.staffed_hours.is_staffed()
        try:
            store = runtime.handoff_store()
            handoff, created = store.request(
                tracker.sender_id,
                tracker.get_latest_input_channel() or "unknown",
                question_before(tracker.events),
                staffed,
            )
            ahead = store.position(handoff) if staffed and created else 0
        except SQLAlchemyError as exc:
            logger.error("hand-off request not queued, database unavailable (%s)", type(exc).__name__)
            dispatcher.utter_message(
                text=QUEUE_DOWN.format(contact=contact_block(settings)), buttons=wording.leave_message_buttons()
            )
            return []
        if not staffed:
            dispatcher.utter_message(text=wording.off_hours(settings), buttons=wording.leave_message_buttons())
            return []
        text = wording.queued(settings, ahead) if created else wording.still_waiting(handoff.waited_seconds())
        dispatcher.utter_message(text=text, json_message={STATE_KEY: {"state": handoff.status}})
        return []


def attach_question(sender_id: str, reference: str) -> None:
    """After a sign-up: note the question of this conversation's unanswered request for a
    person (expired or off hours) on the lead, so the recruiter who calls back sees it."""
    try:
        store = runtime.handoff_store()
        handoff = store.unanswered_question(sender_id)
        lead_id = store.lead_of_reference(reference) if handoff else None
        if handoff is None or lead_id is None:
            return
        note = (
            wording.LEAD_NOTE.format(question=handoff.question) if handoff.question else wording.LEAD_NOTE_NO_QUESTION
        )
        runtime.lead_store().add_note(lead_id, wording.LEAD_NOTE_AUTHOR, note)
        store.link_lead(handoff.id, lead_id)
    except SQLAlchemyError as exc:
        logger.error("hand-off question not attached to the lead (%s)", type(exc).__name__)
