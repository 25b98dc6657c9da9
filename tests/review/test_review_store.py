"""The review queue on SQLite and PostgreSQL: recording, grouping, decisions, export and
apply (on a copy of the real faq/ directory)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from bot.errors import ReviewError
from bot.faq.validator import validate_dir
from bot.review.items import Guess
from bot.review.patch import apply_patch, build_patch, parse_patch
from bot.review.store import ReviewStore
from bot.storage.database import Database
from tests.conftest import PROJECT_HOME

T0 = dt.datetime(2026, 11, 1, 9, 0)


def seeded(database: Database) -> ReviewStore:
    store = ReviewStore(database)
    rows = [
        ("low_confidence", "当兵学费能退多少钱", 0),
        ("low_confidence", "当兵学费能退多少钱？", 1),
        ("downvote", "当兵学费可以退多少钱", 2),
        ("out_of_scope", "食堂几点开门", 3),
        ("not_understood", "吃鸡怎么上分", 4),
        ("low_confidence", "当兵的学费退多少", 5),
    ]
    for kind, text, minutes in rows:
        store.record(
            kind,
            "s-1",
            text,
            [Guess("tuition_compensation", 0.12), Guess("loan_repayment", 0.05)],
            now=T0 + dt.timedelta(minutes=minutes),
        )
    return store


def test_similar_questions_are_one_group_most_frequent_first(database: Database) -> None:
    groups = seeded(database).groups()
    assert [g.count for g in groups] == [4, 1, 1]
    top = groups[0]
    assert top.text == "当兵学费能退多少钱"  # the commonest wording
    assert top.kinds == {"low_confidence": 3, "downvote": 1}
    assert top.top_guesses()[0] == Guess("tuition_compensation", pytest.approx(0.12))
    assert {g.text for g in groups[1:]} == {"食堂几点开门", "吃鸡怎么上分"}


def test_text_is_capped_cleaned_and_phone_numbers_masked(database: Database) -> None:
    store = ReviewStore(database)
    store.record("low_confidence", "s", "我的电话13812345678\x00" + "长" * 1000)
    assert store.record("low_confidence", "s", "？！  ") is None  # nothing left to review
    (item,) = store.items()
    assert item.text.startswith("我的电话138****5678长") and len(item.text) == 300


def test_decisions_change_state_and_are_checked(database: Database) -> None:
    store = seeded(database)
    top = store.groups()[0]
    with pytest.raises(ReviewError, match="选择一个FAQ条目"):
        store.decide(top.item_ids, "accepted", "王编辑")
    with pytest.raises(ReviewError, match="不存在"):
        store.decide(top.item_ids, "accepted", "王编辑", "no_such_entry", known_faq_ids={"tuition_compensation"})
    with pytest.raises(ReviewError, match="处理人"):
        store.decide(top.item_ids, "ignored", " ")
    with pytest.raises(ReviewError, match="未知的处理方式"):
        store.decide(top.item_ids, "delete", "王编辑")
    with pytest.raises(ReviewError, match="不存在"):
        store.decide([999_999], "ignored", "王编辑")
    assert store.decide(top.item_ids, "accepted", "王编辑", "tuition_compensation", {"tuition_compensation"}) == 4
    assert [g.count for g in store.groups()] == [1, 1]
    accepted = store.items(("accepted",))
    assert {i.faq_id for i in accepted} == {"tuition_compensation"} and {i.decided_by for i in accepted} == {"王编辑"}


def test_export_then_apply_adds_phrasings_keeps_comments_and_validates(database: Database, tmp_path: Path) -> None:
    faq = tmp_path / "faq"
    shutil.copytree(PROJECT_HOME / "faq", faq)
    store = seeded(database)
    store.decide(store.groups()[0].item_ids, "accepted", "王编辑", "tuition_compensation")
    patch = parse_patch(build_patch(store).to_yaml("p.yml"))
    assert patch.phrasings == {
        "tuition_compensation": ["当兵学费能退多少钱", "当兵学费可以退多少钱", "当兵的学费退多少"]
    }
    before = {p.name: p.read_text(encoding="utf-8") for p in faq.glob("*.yml")}

    result = apply_patch(faq, patch)
    assert result.added["tuition_compensation"] == patch.phrasings["tuition_compensation"]
    changed = [p for p in faq.glob("*.yml") if p.read_text(encoding="utf-8") != before[p.name]]
    assert len(changed) == 1
    old, new = before[changed[0].name].splitlines(), changed[0].read_text(encoding="utf-8").splitlines()
    assert [line for line in old if line.lstrip().startswith("#")] == [
        line for line in new if line.lstrip().startswith("#")
    ]
    assert len(new) == len(old) + 3  # three lines added, nothing else touched
    entry = {e.id: e for e in validate_dir(faq).entries}["tuition_compensation"]
    assert set(patch.phrasings["tuition_compensation"]) <= set(entry.questions)

    again = apply_patch(faq, patch)  # applying twice adds nothing
    assert again.added == {} and again.skipped == 3


def test_apply_writes_nothing_when_the_result_does_not_validate(tmp_path: Path) -> None:
    faq = tmp_path / "faq"
    shutil.copytree(PROJECT_HOME / "faq", faq)
    before = {p.name: p.read_text(encoding="utf-8") for p in faq.glob("*.yml")}
    existing = validate_dir(faq).entries
    other = next(e for e in existing if e.id != "tuition_compensation")
    # A phrasing of another entry added here would make two entries share a question.
    patch = parse_patch(
        yaml.safe_dump(
            {"phrasings": [{"faq": "tuition_compensation", "questions": [other.questions[0]]}]}, allow_unicode=True
        )
    )
    with pytest.raises(ReviewError, match="没有通过检查"):
        apply_patch(faq, patch)
    assert {p.name: p.read_text(encoding="utf-8") for p in faq.glob("*.yml")} == before


@pytest.mark.parametrize(
    "text, message",
    [
        ("[1, 2]", "phrasings"),
        ("phrasings: [{faq: x}]", "格式不对"),
        ("phrasings: [{faq: x, questions: [a], items: [yes]}]", "编号列表"),
        ("{{{", "YAML"),
    ],
)
def test_malformed_patches_are_refused_in_chinese(text: str, message: str) -> None:
    with pytest.raises(ReviewError, match=message):
        parse_patch(text)


def test_a_patch_for_an_unknown_entry_is_refused(tmp_path: Path) -> None:
    faq = tmp_path / "faq"
    shutil.copytree(PROJECT_HOME / "faq", faq)
    with pytest.raises(ReviewError, match="不存在：nope"):
        apply_patch(faq, parse_patch("phrasings: [{faq: nope, questions: [问一下]}]"))
