"""Actions that answer FAQ questions and suggest topics when the bot is unsure.

Each message they send carries ``json_message`` metadata (message id, FAQ id) so that
the widget's 👍/👎 can be recorded against it; see bot/feedback.py.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import runtime
from bot.contact import contact_block
from bot.faq.answering import FaqDecision, decide
from bot.faq.catalog import CatalogSnapshot
from bot.faq.render import render_answer, topic_buttons
from bot.leads.model import SIGN_UP_BUTTON, SIGN_UP_TOPICS
from bot.feedback import message_metadata

#: Topics offered when the bot has no idea what was meant.
DEFAULT_TOPICS = ("process_overview", "tuition_compensation", "age_limits")

NOT_UNDERSTOOD = "抱歉，我没有完全理解您的问题，请换个说法试试。"
DID_YOU_MEAN = "您是不是想问下面这些问题？点击即可查看："
CAN_ASK = "您可以问我这些常见问题："


class ActionAnswerFaq(Action):
    """Answers the FAQ entry NLU picked (or a button chose); suggests when unsure."""

    #: False for the fallback action, which never answers, only suggests.
    may_answer = True

    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        settings = runtime.settings()
        snapshot = runtime.faq_catalog().snapshot()
        decision = decide(tracker.latest_message, snapshot.by_id, settings.faq_min_confidence)
        if self.may_answer and decision.answers:
            entry = snapshot.by_id[decision.entry_id]
            reply = render_answer(entry, snapshot, settings.policy_year, contact_block(settings))
            buttons = list(reply.buttons)
            if SIGN_UP_TOPICS.intersection(entry.tags) and tracker.active_loop.get("name") is None:
                buttons.append(SIGN_UP_BUTTON)
            dispatcher.utter_message(text=reply.text, buttons=buttons, json_message=message_metadata(entry.id))
        else:
            suggest(dispatcher, snapshot, decision)
        return []


class ActionSuggestFaq(ActionAnswerFaq):
    """Low NLU confidence: ask to rephrase and offer up to three likely FAQ topics."""

    may_answer = False

    def name(self) -> Text:
        return "action_suggest_faq"


def suggest(dispatcher: CollectingDispatcher, snapshot: CatalogSnapshot, decision: FaqDecision) -> None:
    """"请换个说法" with the likely topics as buttons (or common topics if none is likely)."""
    if decision.suggestions:
        text, buttons = f"{NOT_UNDERSTOOD}{DID_YOU_MEAN}", topic_buttons(snapshot, decision.suggestions)
    else:
        text, buttons = f"{NOT_UNDERSTOOD}{CAN_ASK}", topic_buttons(snapshot, DEFAULT_TOPICS)
    # No FAQ answered, but a 👎 here still tells the review which questions went unanswered.
    dispatcher.utter_message(text=text, buttons=buttons, json_message=message_metadata(None))
