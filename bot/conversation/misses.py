"""What the bot says when it cannot answer, and to requests it must not help with.

- First miss: "您是想问…" with the three closest FAQ topics.
- Second miss in a row: no third request to rephrase; the student is offered the lead
  form (我想报名) and the 人武部 contact block instead. Every miss reply is marked in its
  message metadata (``"miss"``, bot/conversation/metadata.py), so the next action can see
  the previous turn missed from the conversation's events alone - no slot, no training change.
- Sensitive requests (dodging service, faking the medical, bribery): a firm answer that
  states only what the fact sheet cites (兵役法 第五十七条, 征兵工作条例 第五十六条).
- Signals for the editors' review: an answer asked again in other words, an answer whose
  two best entries scored nearly the same, "不对" right after an answer.

Every function here is pure: the actions (actions/faq.py) read the tracker, call these,
then send the :class:`~bot.conversation.replies.Reply` and record the turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence

from bot.config import Settings
from bot.conversation.asked import AskedQuestion, before_current_message, question_of_reply
from bot.conversation.buttons import HUMAN_BUTTON, SIGN_UP_BUTTON
from bot.conversation.contact import contact_block
from bot.conversation.events import Events, PreviousTurn
from bot.conversation.metadata import miss_metadata
from bot.conversation.replies import Reply
from bot.faq.answering import chosen_entry, faq_ranking
from bot.faq.catalog import CatalogSnapshot
from bot.faq.render import topic_buttons
from bot.lang.text import comparison_key, similarity
from bot.usage.feedback import message_metadata

ESCALATION = (
    "抱歉，我还是没能理解您的问题。为免耽误您，建议您直接联系工作人员：\n\n"
    "{contact}\n\n"
    "您也可以留下联系方式，区人武部工作人员会联系您解答；在线值班时间内也可以点“转人工”，直接在这里咨询工作人员。"
)
ESCALATION_IN_FORM = "抱歉，我还是没能理解。您可以换个方式描述，或者联系区人武部：\n\n{contact}"

SENSITIVE_ANSWER = (
    "**这个忙我不能帮。** 依照法律服兵役是公民的光荣义务（《宪法》第五十五条），逃避征集、体检作假、隐瞒病史、"
    "送礼行贿都是违法行为，后果严重：\n"
    "- **拒绝、逃避征集服现役且拒不改正的**：不得录用为公务员或参照公务员法管理的工作人员，"
    "不得招录、聘用为国有企业和事业单位工作人员，**两年内不准出境，也不准升学、复学**，"
    "并纳入履行国防义务严重失信主体名单。（《兵役法》第五十七条）\n"
    "- **提供虚假材料、隐瞒严重疾病或犯罪记录、行贿取得入伍资格的**：一经查实作退回处理，"
    "不受45日期限限制，并取消、追缴相关荣誉和待遇。（《征兵工作条例》第五十六条）\n\n"
    "如果您确有身体、家庭或学业上的实际困难，请如实向区人武部说明，依法依规处理：\n\n"
    "{contact}"
)
SENSITIVE_SOURCES = (
    "《中华人民共和国宪法》第五十五条",
    "《中华人民共和国兵役法》（2021年修订）第五十七条",
    "《征兵工作条例》（2023年修订）第五十六条",
)


#: Topics offered when the bot has no idea what was meant.
DEFAULT_TOPICS = ("process_overview", "tuition_compensation", "age_limits")
#: Topics offered with the answer to a sensitive request.
SENSITIVE_TOPICS = ("refuse_service", "hiding_medical_history", "deferment")

NOT_UNDERSTOOD = "抱歉，我没有完全理解您的问题，请换个说法试试。"
DID_YOU_MEAN = "您是想问下面这些问题吗？点击即可查看："
CAN_ASK = "您可以问我这些常见问题："
SORRY_MISSED = "抱歉，刚才的回答没有答到点子上。"

#: A bare "不对"/"错了" right after an answer says the answer missed, like "没听懂"; other
#: denials there ("不用了", "没有") only close the topic. NLU reads both as ``deny``, which
#: inside the forms means "no" to the form's question, so the two are told apart here.
CORRECTION = re.compile(r"^(不对|不太对|错了|答错|说错|搞错|你错了|不是这样|不是这个)")


def is_correction(before: PreviousTurn, text: str) -> bool:
    """True when ``text`` (a ``deny``) says the FAQ answer just given was wrong."""
    return bool(before.faq_id) and CORRECTION.match(text.strip()) is not None


def suggestion_reply(snapshot: CatalogSnapshot, suggestions: Sequence[str], intro: str = NOT_UNDERSTOOD) -> Reply:
    """ "您是想问…" with the likely topics as buttons (or common topics if none is likely)."""
    if suggestions:
        text, buttons = f"{intro}{DID_YOU_MEAN}", topic_buttons(snapshot, suggestions[:3])
    else:
        text, buttons = f"{intro}{CAN_ASK}", topic_buttons(snapshot, DEFAULT_TOPICS)
    # No FAQ answered, but a 👎 here still tells the review which questions went unanswered.
    return Reply(text, buttons, miss_metadata(message_metadata(None)))


def escalation_reply(settings: Settings, in_form: bool) -> Reply:
    """Second miss in a row: the lead form and the contact block, not another "请换个说法"."""
    contact = contact_block(settings)
    if in_form:
        # Inside a form the form asks its question again next; no sign-up offer there.
        return Reply(ESCALATION_IN_FORM.format(contact=contact), [], miss_metadata(message_metadata(None)))
    return Reply(
        ESCALATION.format(contact=contact), [SIGN_UP_BUTTON, HUMAN_BUTTON], miss_metadata(message_metadata(None))
    )


def miss_reply(
    snapshot: CatalogSnapshot, settings: Settings, before: PreviousTurn, in_form: bool, suggestions: Sequence[str]
) -> Reply:
    """The reply to a message no action could answer: "您是想问…", or, right after another
    miss, the escalation (never a loop)."""
    if before.missed:
        return escalation_reply(settings, in_form)
    return suggestion_reply(snapshot, suggestions)


def not_understood_reply(
    snapshot: CatalogSnapshot, settings: Settings, before: PreviousTurn, in_form: bool, guessed: Sequence[str]
) -> Reply:
    """ "没听懂" after a reply: the other entries NLU had guessed for the question (``guessed``,
    best first) - or, when that reply was already a miss, the escalation."""
    if before.missed:
        return escalation_reply(settings, in_form)
    others = [faq_id for faq_id in guessed if faq_id != before.faq_id and faq_id in snapshot.by_id]
    return suggestion_reply(snapshot, others, intro=SORRY_MISSED)


def sensitive_reply(snapshot: CatalogSnapshot, settings: Settings) -> Reply:
    """The firm, lawful answer with its sources and the related topics."""
    text = SENSITIVE_ANSWER.format(contact=contact_block(settings)) + "\n\n依据：" + "；".join(SENSITIVE_SOURCES)
    return Reply(text, topic_buttons(snapshot, SENSITIVE_TOPICS), message_metadata(None))


@dataclass(frozen=True)
class Rephrase:
    """An FAQ answer followed by the same question in other words: the first question, the
    entry it got and the new wording."""

    asked: AskedQuestion
    answered_faq: str
    follow_up: str


def rephrase_of_answer(events: Events, before: PreviousTurn, now: str) -> Optional[Rephrase]:
    """The rephrase when the current message (``now``, as meant) asks the question the
    previous FAQ answer was for again in other words - whatever entry the new wording gets;
    None otherwise (no FAQ answer before, a form answer, a different question)."""
    asked = question_of_reply(before_current_message(events))
    if not before.faq_id or asked is None or asked.form:
        return None
    if not is_rephrase(asked.text, now):
        return None
    return Rephrase(asked, before.faq_id, now)


def is_close_call(parse_data: Mapping[str, Any], margin: float) -> bool:
    """True when the two best FAQ entries scored within ``margin`` of each other (a coin
    toss worth a review); a tapped topic button is no guess and never is."""
    if chosen_entry(parse_data) is not None:
        return False
    ranking = faq_ranking(parse_data)
    return len(ranking) >= 2 and ranking[0]["confidence"] - ranking[1]["confidence"] < margin


#: Two consecutive questions this alike (Jaccard of character bigrams) count as one
#: question asked twice ("学费补偿能补多少" → "当兵学费补偿最多补多少钱": 0.38). A follow-up
#: on the same topic can pass too ("学费补偿多少" → "学费补偿怎么申请": 0.33); that costs an
#: editor one "忽略" click, while a missed rephrase hides a wrong answer. Measured 2026-12-03
#: (tests/review/test_rephrase_threshold.py): 0.02% of the pairs of two different entries'
#: phrasings reach 0.3 (0.14% reach 0.2).
REPHRASE_SIMILARITY = 0.3


def is_rephrase(previous: str, current: str) -> bool:
    """True when ``current`` asks ``previous`` again in other words (not a button, not a repeat)."""
    if not previous or not current or previous.startswith("/") or current.startswith("/"):
        return False
    if comparison_key(previous) == comparison_key(current):
        return False
    return similarity(previous, current) >= REPHRASE_SIMILARITY
