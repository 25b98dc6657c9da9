"""What the bot says when it cannot answer, and to requests it must not help with.

- First miss: "您是想问…" with the three closest FAQ topics (actions/faq.py).
- Second miss in a row: no third request to rephrase; the student is offered the lead
  form (我想报名) and the 人武部 contact block instead. Every miss reply is marked in its
  message metadata (``"miss"``), so the next action can see the previous turn missed
  from the conversation's events alone - no slot, no training change.
- Sensitive requests (dodging service, faking the medical, bribery): a firm answer that
  states only what the fact sheet cites (兵役法 第五十七条, 征兵工作条例 第五十六条).
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional

from bot.feedback import MESSAGE_META_KEY
from bot.text import comparison_key, similarity

MISS_MARK = "miss"

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


def miss_metadata(metadata: Dict[str, Any]) -> Dict[str, Any]:
    """``metadata`` (from :func:`bot.feedback.message_metadata`) marked as a miss."""
    metadata[MESSAGE_META_KEY][MISS_MARK] = True
    return metadata


def _custom(event: Mapping[str, Any]) -> Mapping[str, Any]:
    data = event.get("data") or {}
    custom = data.get("custom") if isinstance(data, Mapping) else None
    meta = custom.get(MESSAGE_META_KEY) if isinstance(custom, Mapping) else None
    return meta if isinstance(meta, Mapping) else {}


def previous_turn(events: Iterable[Mapping[str, Any]]) -> Dict[str, Any]:
    """The turn before the current user message: its user event (``user``, may be None)
    and what the bot replied (``missed``: any reply marked as a miss; ``faq_id``: the
    entry answered, if any)."""
    seen_current = False
    bot_events: List[Mapping[str, Any]] = []
    for event in reversed(list(events)):
        kind = event.get("event")
        if kind == "user":
            if not seen_current:
                seen_current = True
                continue
            return _turn(event, bot_events)
        if kind == "bot" and seen_current:
            bot_events.append(event)
    return _turn(None, bot_events)


def _turn(user: Optional[Mapping[str, Any]], bot_events: List[Mapping[str, Any]]) -> Dict[str, Any]:
    metas = [_custom(event) for event in bot_events]
    faq_id = next((meta.get("faq_id") for meta in metas if meta.get("faq_id")), None)
    return {"user": user, "missed": any(meta.get(MISS_MARK) for meta in metas), "faq_id": faq_id}


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
