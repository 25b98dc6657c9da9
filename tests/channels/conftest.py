"""A stack whose allow-list names a second local origin, and that origin's page server.

The page server plays the school's website: another origin than the Rasa server, listed
in ``ENLIST_ALLOWED_ORIGINS``, serving a page that embeds rasa-webchat (``make webchat``).
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from bot.config import Settings
from tests.conftest import PROJECT_HOME, environment, free_port, stack_environment

WEBCHAT_BUNDLE = PROJECT_HOME / "build" / "webchat" / "rasa-webchat-1.0.1" / "lib" / "index.js"


@dataclass(frozen=True)
class SocketStack:
    settings: Settings
    page_origin: str  # allowed by the stack, served by `page_server`
    page_dir: Path

    @property
    def url(self) -> str:
        return self.settings.rasa_url


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # noqa: D102 - keep pytest output clean
        pass


@pytest.fixture(scope="package")
def socket_stack(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[SocketStack]:
    from bot.runner import Stack

    page_dir = tmp_path_factory.mktemp("school-site")
    page_port = free_port()
    origin = f"http://127.0.0.1:{page_port}"
    server = ThreadingHTTPServer(("127.0.0.1", page_port), functools.partial(_QuietHandler, directory=str(page_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = stack_environment(tmp_path_factory.mktemp("socket-var"), ENLIST_ALLOWED_ORIGINS=origin)
    try:
        with environment(env):
            running = Stack(Settings.from_env(), trained_model, echo=False)
            try:
                running.start()
                yield SocketStack(running.settings, origin, page_dir)
            finally:
                running.stop()
    finally:
        server.shutdown()
