"""Over REST on a stack that runs on the real date (2026 and later, past the 2023 policy
year): every answer says once that it describes 2023's policy; the shared test stack runs
on a 2023 date (tests/conftest.py TESTS_TODAY) and never says it."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import Chat, running_stack

PAST_YEAR_LINE = "以下为2023年政策，现行政策可能已调整，请以全国征兵网和区人武部公告为准"

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def real_date_chat(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[Chat]:
    with running_stack(tmp_path_factory.mktemp("today-var"), trained_model, ENLIST_TODAY="") as settings:
        yield Chat(settings)


@pytest.mark.parametrize("question", ["大学生当兵学费能补偿多少", "女生可以当兵吗"])
def test_answers_on_the_real_date_say_once_that_they_are_2023_policy(real_date_chat: Chat, question: str) -> None:
    text = real_date_chat.text("today-" + str(abs(hash(question))), question)
    assert text.count(PAST_YEAR_LINE) == 1, text


def test_the_2023_stack_does_not_say_it(chat: Chat) -> None:
    assert PAST_YEAR_LINE not in chat.text("today-2023", "女生可以当兵吗")


def test_small_talk_has_no_policy_line(real_date_chat: Chat) -> None:
    assert PAST_YEAR_LINE not in real_date_chat.text("today-hello", "你好")
