"""Which student question a bot reply answered, read from the conversation's events, and
whether that question may be shown to the editors.

Used for the follow-up signals of a reply (a 👎 on it, "没听懂" after it, the same question
asked again): the review item is the question that led to the reply, never a form answer.

- A reply given while a form is active or a slot is requested answers a form answer
  (a name, a school, 户籍, a phone): nothing is reviewable.
- The result of the eligibility check or the benefit estimate answers the last form answer,
  but what the student asked is the message that started the form ("我能当兵吗"); that
  message is the question (or, when the form was started by a button, the result's name).
  "查看计算过程和依据" (``/show_details``) belongs to the same result.
- The results of other forms (the lead form's "已记录") are no FAQ gap: nothing reviewable.

Events are Rasa's event dicts (``{"event": "user", "text": ..., "parse_data": ...}``), as
an action receives them and as the SQL tracker store keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, Mapping, Optional

from bot.conversation.buttons import DETAILS_PAYLOAD
from bot.conversation.typed_buttons import meant_text

#: Forms whose result is an answer to a question, and what the queue calls that result.
RESULT_FORMS: Dict[str, str] = {
    "eligibility_form": "（学生点按钮开始的资格自测）",
    "benefit_form": "（学生点按钮开始的学费补偿估算）",
}


@dataclass(frozen=True)
class AskedQuestion:
    """What a reply answered: the user event (``user``), and the form when the reply was a
    form's result (then ``text`` is the question that started the form)."""

    user: Optional[Mapping[str, Any]]
    form: Optional[str] = None

    @property
    def text(self) -> str:
        """The question as meant (a typed button reads as its payload, like a tap); for a
        form result started by a button, the result's name."""
        said = meant_text(self.user or {})
        if self.form and (not said or said.startswith("/")):
            return RESULT_FORMS[self.form]
        return said

    @property
    def parse_data(self) -> Mapping[str, Any]:
        return (self.user or {}).get("parse_data") or {}


class _State:
    """The form state while reading events in order."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.form: Optional[str] = None
        self.requested = False
        self.last_user: Optional[Mapping[str, Any]] = None
        self.last_user_in_form = False
        self.starter: Optional[Mapping[str, Any]] = None  # the message that started the current form
        self.finished: Optional[str] = None  # the form that ended last
        self.finished_starter: Optional[Mapping[str, Any]] = None

    def read(self, event: Mapping[str, Any]) -> None:
        kind = event.get("event")
        if kind == "user":
            self.last_user, self.last_user_in_form = event, self.in_form
        elif kind == "active_loop":
            name = event.get("name")
            if name and not self.form:
                self.starter = None if self.last_user_in_form else self.last_user
            elif not name and self.form:
                self.finished, self.finished_starter = self.form, self.starter
            self.form = name or None
        elif kind == "slot" and event.get("name") == "requested_slot":
            self.requested = event.get("value") is not None
        elif kind in ("restart", "session_started"):
            self.reset()

    @property
    def in_form(self) -> bool:
        return bool(self.form) or self.requested


def question_of_reply(events: Iterable[Mapping[str, Any]]) -> Optional[AskedQuestion]:
    """The question answered by a reply sent right after ``events``; None when the reply
    answered a form answer (or no question at all)."""
    state = _State()
    for event in events:
        state.read(event)
    if state.in_form or state.last_user is None:
        return None
    if state.last_user_in_form or meant_text(state.last_user) == DETAILS_PAYLOAD:
        if state.finished in RESULT_FORMS:
            return AskedQuestion(state.finished_starter, state.finished)
        return None
    return AskedQuestion(state.last_user)


def before_current_message(events: Iterable[Mapping[str, Any]]) -> list:
    """The events before the latest user message (what the previous reply followed)."""
    listed = list(events)
    for index in range(len(listed) - 1, -1, -1):
        if listed[index].get("event") == "user":
            return listed[:index]
    return listed
