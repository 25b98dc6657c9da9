"""The FAQ editor backend on a copy of the real faq/: usage list, validated edits that
keep the file's layout, reviewed date and editor name, nothing written on errors."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import time
from pathlib import Path

import pytest

from bot.errors import ReviewError
from bot.faq.changes import faq_write_lock
from bot.faq.editor import list_entries, update_entry
from bot.faq.loader import locate_entries
from bot.faq.validator import validate_dir
from tests.conftest import PROJECT_HOME

# Not earlier than the newest `reviewed` date in faq/*.yml: the copied entries must not be "reviewed in the future".
TODAY = dt.date(2026, 12, 3)


@pytest.fixture()
def faq(tmp_path: Path) -> Path:
    target = tmp_path / "faq"
    shutil.copytree(PROJECT_HOME / "faq", target)
    return target


def snapshot(faq: Path) -> dict:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(faq.glob("*.yml"))}


def test_entries_come_with_hits_votes_and_staleness(faq: Path) -> None:
    rows = list_entries(
        faq,
        {"age_limits": 7, "tuition_compensation": 3},
        {"age_limits": {"up": 3, "down": 1}, None: {"up": 0, "down": 9}},
        max_age_days=365,
        today=TODAY,
    )
    assert [r.entry.id for r in rows[:2]] == ["age_limits", "tuition_compensation"]
    first = rows[0]
    assert (first.hits, first.up, first.down, first.helpful_ratio) == (7, 3, 1, 0.75)
    assert rows[1].helpful_ratio is None
    assert len(rows) == len(validate_dir(faq).entries)
    assert not any(r.stale for r in rows)
    assert all(r.stale for r in list_entries(faq, {}, {}, max_age_days=1, today=TODAY + dt.timedelta(days=30)))


def test_an_answer_edit_and_new_phrasings_are_saved_with_date_and_editor(faq: Path) -> None:
    before = snapshot(faq)
    answer = "**新的答案。**\n- 第一点\n- 第二点\n\n详情请联系：\n{contact}"
    entry = update_entry(
        faq,
        "tuition_compensation",
        "王编辑",
        answer=answer,
        new_questions=["当兵学费到底能退多少钱", "当兵学费到底能退多少钱！"],
        today=TODAY,
    )
    assert entry.answer == answer.strip()
    assert "当兵学费到底能退多少钱" in entry.questions and entry.questions.count("当兵学费到底能退多少钱！") == 0
    assert (entry.reviewed, entry.reviewed_by) == (TODAY, "王编辑")
    after = snapshot(faq)
    changed = [name for name in before if before[name] != after[name]]
    assert len(changed) == 1
    old, new = before[changed[0]], after[changed[0]]
    assert [line for line in old.splitlines() if line.lstrip().startswith("#")] == [
        line for line in new.splitlines() if line.lstrip().startswith("#")
    ]
    again = {e.id: e for e in validate_dir(faq, today=TODAY).entries}["tuition_compensation"]
    assert again == entry
    # Other entries of the file are unchanged.
    others_before = {e.id: e for e in validate_dir(faq, today=TODAY).entries if e.id != "tuition_compensation"}
    assert all(e.reviewed_by is None for e in others_before.values())


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"entry_id": "no_such_entry", "answer": "x"}, "不存在"),
        ({"entry_id": "age_limits", "editor": "", "answer": "新答案"}, "姓名"),
        ({"entry_id": "age_limits", "editor": "<script>x</script>", "answer": "新答案"}, "姓名"),
        ({"entry_id": "age_limits"}, "没有需要保存的修改"),
        ({"entry_id": "age_limits", "answer": "<b>加粗</b>"}, "HTML"),
        ({"entry_id": "age_limits", "answer": "联系 {phone}"}, "占位符"),
        ({"entry_id": "age_limits", "answer": "长" * 5000}, "太长"),
        ({"entry_id": "age_limits", "new_questions": ["含有[方括号]的问法"]}, "不能使用的符号"),
    ],
)
def test_bad_edits_are_refused_in_chinese_and_nothing_is_written(faq: Path, kwargs: dict, message: str) -> None:
    before = snapshot(faq)
    args = {"editor": "王编辑", **kwargs}
    with pytest.raises(ReviewError, match=message):
        update_entry(faq, args.pop("entry_id"), args.pop("editor"), today=TODAY, **args)
    assert snapshot(faq) == before


def test_a_phrasing_of_another_entry_is_refused(faq: Path) -> None:
    entries = {e.id: e for e in validate_dir(faq).entries}
    with pytest.raises(ReviewError, match="没有通过检查"):
        update_entry(
            faq, "age_limits", "王编辑", new_questions=[entries["tuition_compensation"].questions[0]], today=TODAY
        )


def test_concurrent_saves_to_one_file_wait_for_each_other_and_both_land(faq: Path) -> None:
    """Two editors (threads here, bot workers in production) saving entries of the same
    file: each waits for the write lock and reads the file inside it, so neither save
    overwrites the other."""
    where = locate_entries(faq)
    path = where["tuition_compensation"][0]
    neighbour = next(i for i, (p, _) in where.items() if p == path and i != "tuition_compensation")
    before = path.read_text(encoding="utf-8")
    edits = {"tuition_compensation": "退伍以后学费补偿找谁办理", neighbour: "这个问题我想再确认一下细节"}
    errors: list = []

    def save(entry_id: str) -> None:
        try:
            update_entry(faq, entry_id, "王编辑", new_questions=[edits[entry_id]], today=TODAY)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    with faq_write_lock(faq):
        savers = [threading.Thread(target=save, args=(entry_id,)) for entry_id in edits]
        for saver in savers:
            saver.start()
        time.sleep(0.5)
        assert all(saver.is_alive() for saver in savers), "a save did not wait for the write lock"
        assert path.read_text(encoding="utf-8") == before
    for saver in savers:
        saver.join(timeout=30)
    assert errors == []
    saved = {e.id: e for e in validate_dir(faq, today=TODAY).entries}
    assert all(question in saved[entry_id].questions for entry_id, question in edits.items())
