"""The FAQ change history (issue 16 §4) on SQLite and PostgreSQL, with a copy of the real
faq/: each write recorded with before/after in the same transaction as the file write,
nothing recorded when validation refuses, diffs with Chinese labels, revert of a save, a
move (two entries) and a retire, migration 0007 up and down."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ReviewError
from bot.faq.editor import move_question, retire_entry, revert_change, save_entry
from bot.faq.history import FaqHistory, diff_rows
from bot.faq.loader import locate_entries
from bot.faq.validator import validate_dir
from bot.storage.database import Database
from tests.faq.test_editor import TODAY, faq, snapshot  # noqa: F401 - the faq/ copy fixture


def fields(faq_dir: Path, entry_id: str) -> dict:  # noqa: F811
    return dict(locate_entries(faq_dir)[entry_id][1].data)


def test_a_save_is_recorded_with_before_and_after_and_reverted(faq: Path, database: Database) -> None:  # noqa: F811
    history = FaqHistory(database)
    before_text = snapshot(faq)
    committed = save_entry(
        faq,
        "vision",
        "王编辑",
        {"title": "视力标准", "tags": ["条件"]},
        add=["眼睛近视八百度能当兵吗"],
        history=history,
        today=TODAY,
    )
    change = history.get(committed.change_id)
    assert (change.actor, change.action, change.summary) == ("王编辑", "save", "修改“视力要求”")
    part = change.entries[0]
    assert (part.entry_id, part.file, part.before["title"], part.after["title"]) == (
        "vision",
        "eligibility.yml",
        "视力要求",
        "视力标准",
    )
    assert part.after["reviewed"] == TODAY.isoformat() and part.after["reviewed_by"] == "王编辑"
    labels = [row.label for row in diff_rows(part.before, part.after)]
    assert labels == ["标题", "问法", "审核日期", "标签", "审核人"]
    assert [c.id for c in history.for_entry("vision")] == [committed.change_id]

    reverted = revert_change(faq, change, "李编辑", history, today=TODAY)
    assert snapshot(faq) == before_text  # the file exactly as before, comments and layout included
    undo = history.get(reverted.change_id)
    assert (undo.action, undo.reverts, undo.actor) == ("revert", change.id, "李编辑")
    assert [c.id for c in history.for_entry("vision")] == [reverted.change_id, committed.change_id]


def test_a_refused_change_writes_and_records_nothing(faq: Path, database: Database) -> None:  # noqa: F811
    history = FaqHistory(database)
    before = snapshot(faq)
    with pytest.raises(ReviewError, match="没有通过检查"):
        save_entry(faq, "vision", "王编辑", {"answer": "<b>加粗</b>"}, history=history, today=TODAY)
    with pytest.raises(ReviewError, match="没有需要保存的修改"):
        save_entry(faq, "vision", "王编辑", {"title": fields(faq, "vision")["title"]}, history=history, today=TODAY)
    assert snapshot(faq) == before and history.recent() == []


def test_a_move_and_a_retire_are_reverted_as_a_whole(faq: Path, database: Database) -> None:  # noqa: F811
    history = FaqHistory(database)
    before = snapshot(faq)
    question = fields(faq, "height_weight")["questions"][0]
    moved = move_question(faq, question, "height_weight", "vision", "王编辑", history, today=TODAY)
    assert {p.entry_id for p in history.get(moved.change_id).entries} == {"height_weight", "vision"}
    assert question in fields(faq, "vision")["questions"]
    retired = retire_entry(faq, "upgrade_to_bachelor", "王编辑", history, today=TODAY)
    assert "upgrade_to_bachelor" not in locate_entries(faq)
    assert history.get(retired.change_id).entries[0].after is None
    revert_change(faq, history.get(retired.change_id), "王编辑", history, today=TODAY)
    revert_change(faq, history.get(moved.change_id), "王编辑", history, today=TODAY)
    assert {e.id for e in validate_dir(faq, today=TODAY).entries} >= {"upgrade_to_bachelor"}
    assert fields(faq, "upgrade_to_bachelor") == dict(locate_entries(faq)["upgrade_to_bachelor"][1].data)
    restored = snapshot(faq)
    assert restored["eligibility.yml"] == before["eligibility.yml"]  # the move undone exactly
    entries = {e.id: e for e in validate_dir(faq, today=TODAY).entries}
    assert entries["upgrade_to_bachelor"].questions == tuple(fields(faq, "upgrade_to_bachelor")["questions"])
    assert len(history.recent()) == 4


def test_migration_0007_goes_down_and_up(database: Database) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from bot.storage.database import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
        assert "faq_changes" not in inspect(connection).get_table_names()
        command.upgrade(config, "head")
        assert {"faq_changes", "faq_change_entries"} <= set(inspect(connection).get_table_names())
