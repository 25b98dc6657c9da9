"""The answer-or-suggest decision and the rendering of an answer."""

from __future__ import annotations

import dataclasses
import datetime as dt

from bot.config import Settings
from bot.conversation.contact import NOT_CONFIGURED, contact_block
from bot.faq.answering import (
    FALLBACK_ANSWER_CONFIDENCE,
    FALLBACK_ANSWER_DOMAIN,
    FOLLOW_UP_MAX_CHARS,
    FOLLOW_UP_MIN_CONFIDENCE,
    FOLLOW_UP_MIN_DOMAIN,
    UNCLEAR_MAX_CONFIDENCE,
    UNCLEAR_MIN_DOMAIN,
    decide,
    faq_ranking,
    follow_up,
    unclear_rather_than_off_topic,
)
from bot.faq.catalog import CatalogSnapshot
from bot.faq.entry import FaqEntry
from bot.faq.render import format_sources, render_answer

KNOWN = {"a_topic", "b_topic", "c_topic", "d_topic"}


def parse(intent: str, ranking=(), entities=()) -> dict:
    return {
        "intent": {"name": intent, "confidence": 0.9},
        "entities": list(entities),
        "response_selector": {
            "faq": {"ranking": [{"intent_response_key": f"faq/{key}", "confidence": conf} for key, conf in ranking]}
        },
    }


def with_text(parsed: dict, text: str, domain: float) -> dict:
    return {**parsed, "text": text, "domain": domain}


def test_a_short_follow_up_of_an_answer_is_answered_at_the_limits() -> None:
    ranking = [("b_topic", FOLLOW_UP_MIN_CONFIDENCE), ("a_topic", 0.1)]
    short = "那" * FOLLOW_UP_MAX_CHARS
    decision = follow_up(with_text(parse("inform", ranking), short, FOLLOW_UP_MIN_DOMAIN), "a_topic", KNOWN)
    assert decision is not None and decision.answers and decision.entry_id == "b_topic"
    # one character, one hundredth of confidence or of domain too few: the message stands alone
    assert follow_up(with_text(parse("inform", ranking), short + "呢", 0.5), "a_topic", KNOWN) is None
    assert (
        follow_up(
            with_text(parse("inform", [("b_topic", FOLLOW_UP_MIN_CONFIDENCE - 0.01)]), "那考研呢", 0.5),
            "a_topic",
            KNOWN,
        )
        is None
    )
    assert (
        follow_up(with_text(parse("inform", ranking), "那考研呢", FOLLOW_UP_MIN_DOMAIN - 0.01), "a_topic", KNOWN)
        is None
    )
    # no answer before it, an empty message, or an entry that no longer exists: nothing to continue
    assert follow_up(with_text(parse("inform", ranking), "那考研呢", 0.5), None, KNOWN) is None
    assert follow_up(with_text(parse("inform", ranking), "  ", 0.5), "a_topic", KNOWN) is None
    assert follow_up(with_text(parse("inform", [("gone", 0.9)]), "那考研呢", 0.5), "a_topic", KNOWN) is None


def test_unclear_and_off_topic_are_told_apart_at_the_limits() -> None:
    vague = {**parse("out_of_scope", [("a_topic", UNCLEAR_MAX_CONFIDENCE - 0.01)]), "enlist_gated": True}
    assert unclear_rather_than_off_topic({**vague, "domain": UNCLEAR_MIN_DOMAIN})
    assert not unclear_rather_than_off_topic({**vague, "domain": UNCLEAR_MIN_DOMAIN - 0.01})
    assert not unclear_rather_than_off_topic({**vague, "domain": 0.5, "enlist_gated": False})  # DIET's own decline
    assert not unclear_rather_than_off_topic(
        {**parse("out_of_scope", [("a_topic", UNCLEAR_MAX_CONFIDENCE)]), "domain": 0.5, "enlist_gated": True}
    )
    assert not unclear_rather_than_off_topic({k: v for k, v in vague.items()})  # no gate opinion: Rasa's decline stands
    assert unclear_rather_than_off_topic(
        {**parse("out_of_scope"), "domain": 0.3, "enlist_gated": True}
    )  # no entry at all


def test_a_hesitant_intent_with_one_sure_entry_is_answered_at_the_limits() -> None:
    sure = [("b_topic", FALLBACK_ANSWER_CONFIDENCE), ("a_topic", 0.01)]
    decision = decide({**parse("nlu_fallback", sure), "domain": FALLBACK_ANSWER_DOMAIN}, KNOWN, 0.5)
    assert decision.answers and decision.entry_id == "b_topic"
    unsure = [("b_topic", FALLBACK_ANSWER_CONFIDENCE - 0.01)]
    assert not decide({**parse("nlu_fallback", unsure), "domain": 1.0}, KNOWN, 0.5).answers
    assert not decide({**parse("nlu_fallback", sure), "domain": FALLBACK_ANSWER_DOMAIN - 0.01}, KNOWN, 0.5).answers
    assert not decide(parse("nlu_fallback", sure), KNOWN, 0.5).answers  # no gate opinion: suggest
    assert not decide({**parse("out_of_scope", sure), "domain": 1.0}, KNOWN, 0.5).answers


def test_confident_faq_is_answered() -> None:
    decision = decide(parse("faq", [("b_topic", 0.8), ("a_topic", 0.1)]), KNOWN, 0.5)
    assert decision.answers and decision.entry_id == "b_topic"


def test_unsure_faq_suggests_the_likely_topics_best_first() -> None:
    decision = decide(
        parse("faq", [("a_topic", 0.3), ("c_topic", 0.25), ("b_topic", 0.2), ("d_topic", 0.1)]), KNOWN, 0.5
    )
    assert not decision.answers and decision.suggestions == ["a_topic", "c_topic", "b_topic"]


def test_noise_is_not_suggested_and_unknown_entries_are_skipped() -> None:
    decision = decide(parse("nlu_fallback", [("gone", 0.9), ("a_topic", 0.3), ("b_topic", 0.001)]), KNOWN, 0.5)
    assert decision.suggestions == ["a_topic"]


def test_button_payload_answers_the_chosen_entry() -> None:
    chosen = decide(parse("faq", entities=[{"entity": "faq_id", "value": "c_topic"}]), KNOWN, 0.5)
    assert chosen.answers and chosen.entry_id == "c_topic"
    unknown = decide(parse("faq", entities=[{"entity": "faq_id", "value": "nope"}]), KNOWN, 0.5)
    assert not unknown.answers


def test_out_of_scope_is_never_answered_with_an_faq() -> None:
    assert not decide(parse("out_of_scope", [("a_topic", 0.99)]), KNOWN, 0.5).answers


def test_ranking_is_sorted() -> None:
    ranking = faq_ranking(parse("faq", [("a_topic", 0.1), ("b_topic", 0.7)]))
    assert [r["id"] for r in ranking] == ["b_topic", "a_topic"]


def entry(**changes) -> FaqEntry:
    base = FaqEntry(
        id="contact_office",
        title="联系区人武部",
        questions=("怎么联系",) * 8,
        answer="联系方式如下：\n{contact}",
        sources=("《征兵工作条例》第十五条 — https://flk.npc.gov.cn/l1", "全国征兵网"),
        policy_year=2023,
        reviewed=dt.date(2026, 11, 1),
        buttons=("other",),
    )
    return dataclasses.replace(base, **changes)


def snapshot(*entries: FaqEntry) -> CatalogSnapshot:
    return CatalogSnapshot(tuple(entries), (), {e.id: e for e in entries})


def test_rendered_answer_states_year_sources_and_contact() -> None:
    other = entry(id="other", title="其他问题")
    reply = render_answer(entry(), snapshot(entry(), other), 2023, contact_block(Settings.from_env({})))
    assert "（2023年政策 · 仅供参考，以征兵办审核为准）" in reply.text
    assert "依据：[《征兵工作条例》第十五条](https://flk.npc.gov.cn/l1)；全国征兵网" in reply.text
    assert f"电话：{NOT_CONFIGURED}" in reply.text and "{contact}" not in reply.text
    assert reply.buttons == [{"title": "其他问题", "payload": '/faq{"faq_id":"other"}'}]
    assert "注意" not in reply.text


def test_configured_contact_values_are_shown() -> None:
    settings = Settings.from_env({"ENLIST_CONTACT_PHONE": "0358-0000000", "ENLIST_CONTACT_HOURS": "工作日 8:00-12:00"})
    block = contact_block(settings)
    assert (
        "电话：0358-0000000" in block and "办公时间：工作日 8:00-12:00" in block and f"地址：{NOT_CONFIGURED}" in block
    )


def test_answer_of_another_year_says_so_first() -> None:
    reply = render_answer(entry(policy_year=2022), snapshot(entry(policy_year=2022)), 2023, "")
    assert reply.text.startswith("**注意：以下是2022年的政策**") and "2023年可能已有调整" in reply.text


def test_sources_without_url_are_plain_text() -> None:
    assert (
        format_sources(["《兵役法》第二十条", "x — https://a.gov.cn/p"])
        == "《兵役法》第二十条；[x](https://a.gov.cn/p)"
    )


def test_sources_link_only_official_sites() -> None:
    assert format_sources(["x — https://a.example/p"]) == "x"


def test_answers_after_the_policy_year_say_so_once_and_not_before() -> None:
    line = "以下为2023年政策，现行政策可能已调整，请以全国征兵网和区人武部公告为准"
    later = render_answer(entry(), snapshot(entry()), 2023, "", today=dt.date(2026, 12, 2)).text
    assert later.startswith(f"**{line}。**") and later.count(line) == 1
    assert line not in render_answer(entry(), snapshot(entry()), 2023, "", today=dt.date(2023, 6, 1)).text
    old = render_answer(
        entry(policy_year=2022), snapshot(entry(policy_year=2022)), 2023, "", today=dt.date(2026, 12, 2)
    ).text
    assert old.count("以下为2022年政策") == 1 and "注意" not in old
