"""Reload without downtime, end to end on a private stack (its own copy of the project's
training inputs, var/ and models/, so faq/ of the checkout is never touched):

a question the bot cannot answer lands in the queue; accepted as a phrasing, exported,
applied and reloaded (fine-tuned), it is answered with that entry afterwards - while a
second conversation keeps chatting through the whole reload with zero error responses
(counted and printed). Then rollback restores the old model, and a deliberately broken
training set is refused by the accuracy guard and not switched in.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from bot import cli
from bot.config import Settings
from bot.errors import ReviewError
from bot.models.evaluation import load_test_set
from bot.models.registry import current_model, previous_model, remember
from bot.models.reload import reload_model, rollback_model
from bot.models.training import fingerprint
from bot.review.patch import Patch, apply_patch, build_patch
from bot.review.store import ReviewStore
from bot.runner import Stack
from bot.storage.database import Database
from bot.usage.feedback import MESSAGE_META_KEY
from tests.conftest import PROJECT_HOME, Chat, environment, stack_environment
from tests.review.test_review_conversation import queued, wait_for

pytestmark = pytest.mark.stack

QUESTION = "当兵可以养宠物猫吗"
TARGET = "preparation_overview"
BACKGROUND = ["当兵学费能补偿吗", "你好", "考研能加分吗", "体检要查什么", "谢谢"]


def private_home(root: Path) -> Path:
    home = root / "home"
    for name in ("config.yml", "credentials.yml", "domain", "data", "faq", "tests/nlu"):
        source, target = PROJECT_HOME / name, home / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, target)
    # The code itself (NLU code is a training input): the real package, not a copy that
    # would shadow it when Rasa runs with this directory as its working directory.
    (home / "bot").symlink_to(PROJECT_HOME / "bot", target_is_directory=True)
    return home


@pytest.fixture(scope="module")
def reload_stack(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("reload")
    home = private_home(root)
    models = root / "models"
    models.mkdir()
    shutil.copy2(trained_model, models / trained_model.name)
    env = stack_environment(
        root / "var", ENLIST_HOME=str(home), ENLIST_MODELS_DIR=str(models), ENLIST_MODEL_PULL_SECONDS="2"
    )
    with environment(env):
        settings = Settings.from_env()
        model = models / trained_model.name
        assert fingerprint(settings) in model.name  # the same inputs as the checkout
        remember(settings, model, structure=fingerprint(settings, phrasings=False))
        stack = Stack(settings, model, echo=False)
        try:
            stack.start()
            yield stack
        finally:
            stack.stop()


def answered_with(chat: Chat, sender: str, text: str) -> str:
    """The FAQ id the bot answered ``text`` with ('' when it did not answer)."""
    for message in chat.say(sender, text):
        meta = (message.get("custom") or {}).get(MESSAGE_META_KEY) or {}
        if meta.get("faq_id"):
            return meta["faq_id"]
    return ""


def wait_answer(chat: Chat, sender: str, text: str, want: bool, timeout: float = 90.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        got = answered_with(chat, sender, text)
        if (got == TARGET) == want or time.monotonic() > deadline:
            return got
        time.sleep(1.0)


class Chatter(threading.Thread):
    """A student who keeps asking during the reload; counts replies and errors."""

    def __init__(self, chat: Chat) -> None:
        super().__init__(daemon=True)
        self.chat, self.stop = chat, threading.Event()
        self.counts: Dict[str, int] = {"replies": 0, "errors": 0}
        self.problems: List[str] = []

    def run(self) -> None:
        turn = 0
        while not self.stop.is_set():
            text = BACKGROUND[turn % len(BACKGROUND)]
            turn += 1
            try:
                reply = self.chat.post({"sender": "reload-chatter", "message": text})
                if reply.status != 200 or not reply.json():
                    self.counts["errors"] += 1
                    self.problems.append(f"{text}: HTTP {reply.status} {reply.body[:100]!r}")
                else:
                    self.counts["replies"] += 1
            except Exception as exc:  # noqa: BLE001 - a dropped connection is an error too
                self.counts["errors"] += 1
                self.problems.append(f"{text}: {exc!r}")
            time.sleep(0.2)


def test_accepted_phrasing_is_answered_after_reload_with_no_downtime_then_rollback(reload_stack: Stack) -> None:
    settings = reload_stack.settings
    chat = Chat(settings)
    first_model = current_model(settings)
    assert answered_with(chat, "student-1", QUESTION) != TARGET
    (item,) = wait_for(queued(settings, "student-1"))

    db = Database(settings.database)
    try:
        store = ReviewStore(db)
        store.decide([item.id], "accepted", "王编辑", TARGET)
        patch = build_patch(store)
        assert patch.phrasings == {TARGET: [QUESTION]}
        apply_patch(settings.faq_dir, patch)
        store.mark_applied([item.id])
    finally:
        db.dispose()

    chatter = Chatter(chat)
    chatter.start()
    try:
        result = reload_model(settings, progress=lambda line: print("reload:", line))
        got = wait_answer(chat, "student-2", QUESTION, want=True)
    finally:
        chatter.stop.set()
        chatter.join(timeout=30)
    print(
        f"during the reload: {chatter.counts['replies']} replies, {chatter.counts['errors']} errors; "
        f"training {result.training}, accuracy {result.accuracy:.3f} (was {result.previous_accuracy:.3f})"
    )
    assert (result.status, result.training) == ("switched", "finetune"), result
    assert got == TARGET
    assert chatter.counts["errors"] == 0, chatter.problems
    assert chatter.counts["replies"] > 10
    assert previous_model(settings) == first_model

    rolled = rollback_model(settings)
    assert rolled.status == "rolled_back" and current_model(settings) == first_model
    assert wait_answer(chat, "student-3", QUESTION, want=False) != TARGET


def test_a_model_failing_the_accuracy_guard_is_not_switched_in(reload_stack: Stack) -> None:
    settings = reload_stack.settings
    before = current_model(settings)
    # A broken training set: held-out questions of many entries added to one wrong entry.
    in_scope, _ = load_test_set(settings.home)
    added = 0
    for text, expected in in_scope:
        if expected == "contact_office" or added >= 60:
            continue
        try:
            apply_patch(settings.faq_dir, Patch({"contact_office": [text]}))
            added += 1
        except ReviewError:
            pass  # too close to a phrasing of another entry: validation refuses it, fine
    assert added >= 40
    result = reload_model(settings, progress=lambda line: print("reload:", line))
    print(f"broken set: accuracy {result.accuracy:.3f} vs {result.previous_accuracy:.3f}: {result.message}")
    assert result.status == "refused" and "准确率" in result.message
    assert current_model(settings) == before
    with environment(
        {
            "ENLIST_HOME": str(settings.home),
            "ENLIST_MODELS_DIR": str(settings.models_dir),
            "ENLIST_VAR_DIR": str(settings.var_dir),
        }
    ):
        assert cli.main(["reload"]) == 1  # the command exits non-zero too (accuracy remembered: no retraining)
