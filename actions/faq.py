"""Actions that answer FAQ questions, suggest topics when the bot is unsure, decline
out-of-scope messages, handle "没听懂" follow-ups and refuse sensitive requests.

Each message they send carries ``json_message`` metadata (message id, FAQ id) so that
the widget's 👍/👎 can be recorded against it; see bot/feedback.py. Every turn is
counted (bot/turns.py) and every miss queued for the editors' review (bot/review/),
both in the background (bot/review/recorder.py).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.turns import typed_text
from bot import clock, runtime
from bot.config import Settings
from bot.contact import contact_block
from bot.fallbacks import (ESCALATION, ESCALATION_IN_FORM, SENSITIVE_ANSWER, SENSITIVE_SOURCES, is_rephrase, miss_metadata,
                           previous_turn)
from bot.faq.answering import FALLBACK_INTENT, FaqDecision, chosen_entry, decide, faq_ranking, follow_up, other_questions, unclear_rather_than_off_topic
from bot.faq.compiler import button_payload
from bot.faq.catalog import CatalogSnapshot
from bot.faq.render import render_answer, topic_buttons
from bot.feedback import message_metadata
from bot.handoff.wording import HUMAN_BUTTON
from bot.leads.model import SIGN_UP_BUTTON, SIGN_UP_TOPICS
from bot.review import recorder
from bot.review.asked import before_current_message, question_of_reply
from bot.review.model import guesses_of
from bot.typed_buttons import meant_text

#: Topics offered when the bot has no idea what was meant.
DEFAULT_TOPICS = ("process_overview", "tuition_compensation", "age_limits")

NOT_UNDERSTOOD = "抱歉，我没有完全理解您的问题，请换个说法试试。"
DID_YOU_MEAN = "您是想问下面这些问题吗？点击即可查看："
CAN_ASK = "您可以问我这些常见问题："
SORRY_MISSED = "抱歉，刚才的回答没有答到点子上。"
ASKED_TOO = "\n\n**您还问了别的问题**，点下面的按钮查看。"


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
        queue_if_rephrased(tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if decision.answers and (self.may_answer or intent == FALLBACK_INTENT):  # see FALLBACK_ANSWER_CONFIDENCE
            send_answer(dispatcher, tracker, snapshot, settings, decision)
            return []
        answer_miss(dispatcher, tracker, snapshot, settings, decision)
        return []


def send_answer(dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: CatalogSnapshot, settings: Settings,
                decision: FaqDecision) -> None:
    """The entry's answer, with its buttons (and those of the other questions asked), counted."""
    assert decision.entry_id is not None
    entry = snapshot.by_id[decision.entry_id]
    reply = render_answer(entry, snapshot, settings.policy_year, contact_block(settings), clock.today(settings))
    text, buttons = reply.text, list(reply.buttons)
    asked_too = [i for i in other_questions(tracker.latest_message, snapshot.by_id) if i != entry.id]
    if asked_too:  # several questions in one message: this one answered, the others one tap away
        text += ASKED_TOO
        buttons = topic_buttons(snapshot, asked_too) + [b for b in buttons if b["payload"] not in {button_payload(i) for i in asked_too}]
    if SIGN_UP_TOPICS.intersection(entry.tags) and tracker.active_loop.get("name") is None:
        buttons.append(SIGN_UP_BUTTON)
    dispatcher.utter_message(text=text, buttons=buttons, json_message=message_metadata(entry.id))
    recorder.turn(tracker.sender_id, "answer", entry.id, decision.confidence)
    queue_if_close(tracker, decision, settings.review_margin)


def answered_as_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: CatalogSnapshot,
                          settings: Settings) -> bool:
    """A short follow-up of the FAQ answer just given ("那考研呢") is answered in that
    conversation's context instead of being declined (bot/faq/answering.py)."""
    if tracker.active_loop.get("name"):
        return False
    decision = follow_up(tracker.latest_message, previous_turn(tracker.events)["faq_id"], snapshot.by_id)
    if decision is None:
        return False
    send_answer(dispatcher, tracker, snapshot, settings, decision)
    return True


class ActionSuggestFaq(ActionAnswerFaq):
    """Low NLU confidence: ask to rephrase and offer up to three likely FAQ topics."""

    may_answer = False

    def name(self) -> Text:
        return "action_suggest_faq"


class ActionDeclineOutOfScope(Action):
    """Out of scope: the polite decline (utter_out_of_scope), queued for review."""

    def name(self) -> Text:
        return "action_decline_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        settings, snapshot = runtime.settings(), runtime.faq_catalog().snapshot()
        if answered_as_follow_up(dispatcher, tracker, snapshot, settings):
            return []
        if not tracker.active_loop.get("name") and unclear_rather_than_off_topic(tracker.latest_message):
            answer_miss(dispatcher, tracker, snapshot, settings, decide(tracker.latest_message, snapshot.by_id, settings.faq_min_confidence))
            return []
        dispatcher.utter_message(response="utter_out_of_scope")
        queue_if_rephrased(tracker)
        recorder.turn(tracker.sender_id, "out_of_scope")
        recorder.review("out_of_scope", tracker.sender_id, _text(tracker.latest_message), guesses_of(tracker.latest_message))
        return []


class ActionNotUnderstood(Action):
    """"没听懂/不是这个/答非所问": queue the question that was missed, offer other topics;
    after a miss already, offer the lead form and the contact block instead."""

    def name(self) -> Text:
        return "action_not_understood"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        settings = runtime.settings()
        snapshot = runtime.faq_catalog().snapshot()
        before = previous_turn(tracker.events)
        asked = question_of_reply(before_current_message(tracker.events))
        parse_data = asked.parse_data if asked else {}
        recorder.turn(tracker.sender_id, "not_understood")
        if asked is not None:  # None: the reply answered a form answer (personal data), or nothing
            recorder.review("not_understood", tracker.sender_id, asked.text, guesses_of(parse_data),
                            answered_faq=before["faq_id"], follow_up=typed_text(tracker))
        if before["missed"]:
            escalate(dispatcher, settings, tracker)
            return []
        others = [g.faq_id for g in guesses_of(parse_data) if g.faq_id != before["faq_id"] and g.faq_id in snapshot.by_id]
        suggest(dispatcher, snapshot, others, intro=SORRY_MISSED)
        return []


#: A bare "不对"/"错了" right after an answer says the answer missed, like "没听懂"; other
#: denials there ("不用了", "没有") only close the topic. NLU reads both as ``deny``, which
#: inside the forms means "no" to the form's question, so the two are told apart here.
CORRECTION = re.compile(r"^(不对|不太对|错了|答错|说错|搞错|你错了|不是这样|不是这个)")


class ActionDenyOutsideForm(ActionNotUnderstood):
    """``deny`` outside a form: a correction of the answer just given is handled (and queued)
    as "没听懂"; anything else gets "还有什么想问的"."""

    def name(self) -> Text:
        return "action_deny_outside_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if previous_turn(tracker.events)["faq_id"] and CORRECTION.match(_text(tracker.latest_message).strip()):
            return await super().run(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_anything_else")
        return []


class ActionAnswerSensitive(Action):
    """Requests to dodge service, fake the medical or bribe: a firm, lawful answer."""

    def name(self) -> Text:
        return "action_answer_sensitive"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        settings = runtime.settings()
        snapshot = runtime.faq_catalog().snapshot()
        text = SENSITIVE_ANSWER.format(contact=contact_block(settings)) + "\n\n依据：" + "；".join(SENSITIVE_SOURCES)
        buttons = topic_buttons(snapshot, ("refuse_service", "hiding_medical_history", "deferment"))
        dispatcher.utter_message(text=text, buttons=buttons, json_message=message_metadata(None))
        recorder.turn(tracker.sender_id, "sensitive")
        return []


def queue_if_rephrased(tracker: Tracker) -> None:
    """An FAQ answer followed by the same question in other words was probably not the
    answer, whichever entry the new wording gets: one review item with both messages and
    the entry the first one got."""
    before = previous_turn(tracker.events)
    asked = question_of_reply(before_current_message(tracker.events))
    if not before["faq_id"] or asked is None or asked.form:
        return
    earlier, now = asked.text, typed_text(tracker)
    if is_rephrase(earlier, now):
        recorder.review("rephrased", tracker.sender_id, earlier, guesses_of(asked.parse_data),
                        answered_faq=before["faq_id"], follow_up=now)


def queue_if_close(tracker: Tracker, decision: FaqDecision, margin: float) -> None:
    """An answer whose two best entries scored nearly the same was a coin toss: queued with
    the entry it got (a tapped topic button is no guess and never queued)."""
    if chosen_entry(tracker.latest_message) is not None:
        return
    ranking = faq_ranking(tracker.latest_message)
    if len(ranking) >= 2 and ranking[0]["confidence"] - ranking[1]["confidence"] < margin:
        recorder.review("low_margin", tracker.sender_id, _text(tracker.latest_message), guesses_of(tracker.latest_message),
                        answered_faq=decision.entry_id)


def suggest(dispatcher: CollectingDispatcher, snapshot: CatalogSnapshot, suggestions: Sequence[str], intro: str = NOT_UNDERSTOOD) -> None:
    """"您是想问…" with the likely topics as buttons (or common topics if none is likely)."""
    if suggestions:
        text, buttons = f"{intro}{DID_YOU_MEAN}", topic_buttons(snapshot, suggestions[:3])
    else:
        text, buttons = f"{intro}{CAN_ASK}", topic_buttons(snapshot, DEFAULT_TOPICS)
    # No FAQ answered, but a 👎 here still tells the review which questions went unanswered.
    dispatcher.utter_message(text=text, buttons=buttons, json_message=miss_metadata(message_metadata(None)))


def answer_miss(dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: CatalogSnapshot, settings: Settings,
                decision: FaqDecision) -> None:
    """A message no action could answer: counted, queued for review, then "您是想问…" - or,
    right after another miss, the lead form and the contact block (never a loop). Every
    action that gives up on a message goes through here, whatever intent NLU chose; a
    short follow-up of the answer just given is answered instead."""
    if answered_as_follow_up(dispatcher, tracker, snapshot, settings):
        return
    missed_before = previous_turn(tracker.events)["missed"]
    recorder.turn(tracker.sender_id, "suggest", None, decision.confidence)
    recorder.review("low_confidence", tracker.sender_id, _text(tracker.latest_message), guesses_of(tracker.latest_message))
    if missed_before:
        escalate(dispatcher, settings, tracker)
    else:
        suggest(dispatcher, snapshot, decision.suggestions)


def escalate(dispatcher: CollectingDispatcher, settings: Settings, tracker: Tracker) -> None:
    """Second miss in a row: the lead form and the contact block, not another "请换个说法"."""
    contact = contact_block(settings)
    if tracker.active_loop.get("name"):
        # Inside a form the form asks its question again next; no sign-up offer there.
        dispatcher.utter_message(text=ESCALATION_IN_FORM.format(contact=contact), json_message=miss_metadata(message_metadata(None)))
        return
    dispatcher.utter_message(text=ESCALATION.format(contact=contact), buttons=[SIGN_UP_BUTTON, HUMAN_BUTTON],
                             json_message=miss_metadata(message_metadata(None)))


def _text(message: Optional[Mapping[str, Any]]) -> str:
    """The text of a parse or a user event; a typed button reads as its payload, like a tap."""
    return meant_text(message or {})
