"""Actions that answer FAQ questions, suggest topics when the bot is unsure, decline
out-of-scope messages, handle "没听懂" follow-ups and refuse sensitive requests.

Each message they send carries ``json_message`` metadata (message id, FAQ id) so that
the widget's 👍/👎 can be recorded against it; see bot/usage/feedback.py. Every turn is
counted (bot/usage/turns.py) and every miss queued for the editors' review (bot/review/),
both in the background (bot/review/recorder.py). What to reply is decided in
bot/conversation/ (misses.py, replies.py); these actions read the tracker and send it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import clock, runtime
from bot.config import Settings
from bot.conversation.asked import before_current_message, question_of_reply
from bot.conversation.events import previous_turn, typed_text
from bot.conversation.misses import (
    is_close_call,
    is_correction,
    miss_reply,
    not_understood_reply,
    rephrase_of_answer,
    sensitive_reply,
)
from bot.conversation.replies import Reply, answer_reply
from bot.conversation.typed_buttons import meant_text
from bot.faq.answering import (
    FALLBACK_INTENT,
    FaqDecision,
    decide,
    follow_up,
    other_questions,
    unclear_rather_than_off_topic,
)
from bot.faq.catalog import CatalogSnapshot
from bot.review import recorder
from bot.review.items import guesses_of


def _send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    dispatcher.utter_message(**reply.utterance())


def _in_form(tracker: Tracker) -> bool:
    return bool(tracker.active_loop.get("name"))


class ActionAnswerFaq(Action):
    """Answers the FAQ entry NLU picked (or a button chose); suggests when unsure."""

    #: False for the fallback action, which never answers, only suggests.
    may_answer = True

    def name(self) -> Text:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
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


def send_answer(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    snapshot: CatalogSnapshot,
    settings: Settings,
    decision: FaqDecision,
) -> None:
    """The entry's answer, with its buttons (and those of the other questions asked), counted."""
    assert decision.entry_id is not None
    entry = snapshot.by_id[decision.entry_id]
    asked_too = other_questions(tracker.latest_message, snapshot.by_id)
    in_form = tracker.active_loop.get("name") is not None
    _send(dispatcher, answer_reply(entry, snapshot, settings, clock.today(settings), asked_too, in_form))
    recorder.turn(tracker.sender_id, "answer", entry.id, decision.confidence)
    if is_close_call(tracker.latest_message, settings.review_margin):
        recorder.review(
            "low_margin",
            tracker.sender_id,
            _text(tracker.latest_message),
            guesses_of(tracker.latest_message),
            answered_faq=decision.entry_id,
        )


def answered_as_follow_up(
    dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: CatalogSnapshot, settings: Settings
) -> bool:
    """A short follow-up of the FAQ answer just given ("那考研呢") is answered in that
    conversation's context instead of being declined (bot/faq/answering.py)."""
    if tracker.active_loop.get("name"):
        return False
    decision = follow_up(tracker.latest_message, previous_turn(tracker.events).faq_id, snapshot.by_id)
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

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        settings, snapshot = runtime.settings(), runtime.faq_catalog().snapshot()
        if answered_as_follow_up(dispatcher, tracker, snapshot, settings):
            return []
        if not tracker.active_loop.get("name") and unclear_rather_than_off_topic(tracker.latest_message):
            answer_miss(
                dispatcher,
                tracker,
                snapshot,
                settings,
                decide(tracker.latest_message, snapshot.by_id, settings.faq_min_confidence),
            )
            return []
        dispatcher.utter_message(response="utter_out_of_scope")
        queue_if_rephrased(tracker)
        recorder.turn(tracker.sender_id, "out_of_scope")
        recorder.review(
            "out_of_scope", tracker.sender_id, _text(tracker.latest_message), guesses_of(tracker.latest_message)
        )
        return []


class ActionNotUnderstood(Action):
    """ "没听懂/不是这个/答非所问": queue the question that was missed, offer other topics;
    after a miss already, offer the lead form and the contact block instead."""

    def name(self) -> Text:
        return "action_not_understood"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        settings = runtime.settings()
        snapshot = runtime.faq_catalog().snapshot()
        before = previous_turn(tracker.events)
        asked = question_of_reply(before_current_message(tracker.events))
        parse_data = asked.parse_data if asked else {}
        recorder.turn(tracker.sender_id, "not_understood")
        if asked is not None:  # None: the reply answered a form answer (personal data), or nothing
            recorder.review(
                "not_understood",
                tracker.sender_id,
                asked.text,
                guesses_of(parse_data),
                answered_faq=before.faq_id,
                follow_up=typed_text(tracker.events),
            )
        guessed = [g.faq_id for g in guesses_of(parse_data)]
        _send(dispatcher, not_understood_reply(snapshot, settings, before, _in_form(tracker), guessed))
        return []


class ActionDenyOutsideForm(ActionNotUnderstood):
    """``deny`` outside a form: a correction of the answer just given is handled (and queued)
    as "没听懂"; anything else gets "还有什么想问的"."""

    def name(self) -> Text:
        return "action_deny_outside_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if is_correction(previous_turn(tracker.events), _text(tracker.latest_message)):
            return await super().run(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_anything_else")
        return []


class ActionAnswerSensitive(Action):
    """Requests to dodge service, fake the medical or bribe: a firm, lawful answer."""

    def name(self) -> Text:
        return "action_answer_sensitive"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        _send(dispatcher, sensitive_reply(runtime.faq_catalog().snapshot(), runtime.settings()))
        recorder.turn(tracker.sender_id, "sensitive")
        return []


def queue_if_rephrased(tracker: Tracker) -> None:
    """An FAQ answer followed by the same question in other words was probably not the
    answer, whichever entry the new wording gets: one review item with both messages and
    the entry the first one got."""
    rephrase = rephrase_of_answer(tracker.events, previous_turn(tracker.events), typed_text(tracker.events))
    if rephrase is not None:
        recorder.review(
            "rephrased",
            tracker.sender_id,
            rephrase.asked.text,
            guesses_of(rephrase.asked.parse_data),
            answered_faq=rephrase.answered_faq,
            follow_up=rephrase.follow_up,
        )


def answer_miss(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    snapshot: CatalogSnapshot,
    settings: Settings,
    decision: FaqDecision,
) -> None:
    """A message no action could answer: counted, queued for review, then "您是想问…" - or,
    right after another miss, the lead form and the contact block (never a loop; see
    bot/conversation/misses.py). Every action that gives up on a message goes through here,
    whatever intent NLU chose; a short follow-up of the answer just given is answered instead."""
    if answered_as_follow_up(dispatcher, tracker, snapshot, settings):
        return
    before = previous_turn(tracker.events)
    recorder.turn(tracker.sender_id, "suggest", None, decision.confidence)
    recorder.review(
        "low_confidence", tracker.sender_id, _text(tracker.latest_message), guesses_of(tracker.latest_message)
    )
    _send(dispatcher, miss_reply(snapshot, settings, before, _in_form(tracker), decision.suggestions))


def _text(message: Optional[Mapping[str, Any]]) -> str:
    """The text of a parse or a user event; a typed button reads as its payload, like a tap."""
    return meant_text(message or {})
