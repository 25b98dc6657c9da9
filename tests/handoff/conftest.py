"""One real stack per database backend for all hand-off tests (package scope: the HTTP,
socket.io and restart tests share it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest

from bot.storage.database import Database
from tests.databases import BACKENDS
from tests.handoff.stack import handoff_stack

#: Measured push latencies (seconds) from a recruiter's reply to the student's client.
LATENCIES: List[Tuple[str, str, float]] = []


@pytest.fixture(scope="package", params=BACKENDS)
def setup(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, trained_model: Path
) -> Iterator[Tuple[Any, Database]]:
    """(the running Stack, our Database) on SQLite, then on PostgreSQL."""
    with handoff_stack(request.param, tmp_path_factory.mktemp(f"handoff-{request.param}"), trained_model) as running:
        yield running
    mine = [f"{channel} {seconds:.3f} s" for backend, channel, seconds in LATENCIES if backend == request.param]
    if mine:
        print(f"\npush latency on {request.param}: {', '.join(mine)}")


def backend_of(setup: Tuple[Any, Database]) -> str:
    return setup[1].url.split(":", 1)[0]
