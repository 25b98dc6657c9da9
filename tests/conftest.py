"""Shared fixtures: project paths, free ports, and the real stack (Rasa + bot service).

The stack fixture starts both processes exactly as ``enlist run`` does, on free ports and
with a temporary ``var/`` directory, so tests never collide with a ``make run`` that is
already up. It uses the model for the current training inputs (training it if missing).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Tuple

import pytest

from bot.config import Settings
from bot.storage.database import Database
from tests.databases import BACKENDS, migrated_database

if TYPE_CHECKING:
    from bot.runner import Stack

PROJECT_HOME = Path(__file__).resolve().parent.parent
TESTS_TODAY = "2023-01-10"

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stack_environment(var_dir: Path, **overrides: str) -> Dict[str, str]:
    """ENLIST_* variables for a private stack: free ports, its own var/ directory."""
    env = {
        "ENLIST_HOME": str(PROJECT_HOME),
        "ENLIST_RASA_PORT": str(free_port()),
        "ENLIST_BOT_PORT": str(free_port()),
        "ENLIST_VAR_DIR": str(var_dir),
        # The conversations describe 2023's policy as seen during 2023 (before any window
        # closed); tests/test_today_conversation.py runs a stack on the real date.
        "ENLIST_TODAY": TESTS_TODAY,
    }
    env.update(overrides)
    return env


@contextlib.contextmanager
def environment(env: Dict[str, str]) -> Iterator[None]:
    """Set environment variables (inherited by started processes); restore them after."""
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@dataclass
class HttpReply:
    status: int
    body: bytes
    headers: Dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> Optional[str]:
        """A response header by case-insensitive name (Sanic sends some in lower case)."""
        return next((value for key, value in self.headers.items() if key.lower() == name.lower()), None)


def http(
    method: str, url: str, body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None, timeout: float = 60
) -> HttpReply:
    """A raw HTTP request that returns 4xx/5xx replies instead of raising."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return HttpReply(reply.status, reply.read(), dict(reply.headers))
    except urllib.error.HTTPError as error:
        return HttpReply(error.code, error.read(), dict(error.headers))


class Chat:
    """Talks to the running Rasa server through the REST channel, like the widget does."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = f"{settings.rasa_url}/webhooks/rest/webhook"

    def post(self, payload: Any = None, raw: Optional[bytes] = None) -> HttpReply:
        body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return http("POST", self.url, body, {"Content-Type": "application/json"})

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        reply = self.post({"sender": sender, "message": text})
        assert reply.status == 200, (reply.status, reply.body[:300])
        return reply.json()

    def text(self, sender: str, text: str) -> str:
        """All bot texts of the reply joined (most replies are one message; the custom JSON
        item that names a message for votes has no text)."""
        return "\n".join(m["text"] for m in self.say(sender, text) if "text" in m)

    def buttons(self, sender: str, text: str) -> Tuple[str, List[Dict[str, str]]]:
        messages = self.say(sender, text)
        return "\n".join(m["text"] for m in messages if "text" in m), [
            b for m in messages for b in m.get("buttons", [])
        ]


@contextlib.contextmanager
def running_stack(var_dir: Path, model: Path, **overrides: str) -> Iterator[Settings]:
    """A private stack (Rasa + bot service) with its own var/ directory and ``ENLIST_*``
    overrides, for tests that must not share the session stack; stopped on exit."""
    from bot.runner import Stack

    with environment(stack_environment(var_dir, **overrides)):
        running = Stack(Settings.from_env(), model, echo=False)
        try:
            running.start()
            yield running.settings
        finally:
            running.stop()


def tracker_events(tracker_store_url: str, sender: str) -> List[Dict[str, Any]]:
    """The stored Rasa events of one conversation, oldest first: ``{"type": ..., **data}``."""
    from sqlalchemy import text

    database = Database(tracker_store_url)
    try:
        with database.begin() as connection:
            rows = connection.execute(
                text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
            ).all()
        return [{"type": row.type_name, **json.loads(row.data)} for row in rows]
    finally:
        database.dispose()


@contextlib.contextmanager
def bot_service(var_dir: Path, **overrides: str) -> Iterator[Settings]:
    """A private bot service (``python -m bot.server``) on a free port with its own var/
    directory and ``ENLIST_*`` overrides; stopped on exit. Its output goes to var/bot.log."""
    env = {**os.environ, **stack_environment(var_dir, **overrides)}
    settings = Settings.from_env(env)
    var_dir.mkdir(parents=True, exist_ok=True)
    with (var_dir / "bot.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.server"],
            cwd=PROJECT_HOME,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            from bot.runner import http_ok

            deadline = time.monotonic() + 60
            while not http_ok(f"{settings.bot_url}/health"):
                assert process.poll() is None, "bot service died"
                assert time.monotonic() < deadline, "bot service not ready after 60 s"
                time.sleep(0.3)
            yield settings
        finally:
            process.terminate()
            process.wait(timeout=15)


@pytest.fixture(scope="session")
def project_home() -> Path:
    return PROJECT_HOME


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model for the current training inputs (trained here if it does not exist)."""
    from bot.models.training import ensure_model

    return ensure_model(Settings.from_env({"ENLIST_HOME": str(PROJECT_HOME)})).path


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator["Stack"]:
    """Rasa server + bot service started like `enlist run`, on free ports (the Stack object,
    for tests that restart a process; most tests want ``stack``, its settings)."""
    from bot.runner import Stack

    with environment(stack_environment(tmp_path_factory.mktemp("stack-var"))):
        running = Stack(Settings.from_env(), trained_model)
        try:
            running.start()
            yield running
        finally:
            running.stop()


@pytest.fixture(scope="session")
def stack(live_stack: "Stack") -> Settings:
    """Settings (URLs, var dir) of the running stack."""
    return live_stack.settings


@pytest.fixture()
def chat(stack: Settings) -> Chat:
    return Chat(stack)


@pytest.fixture()
def sender(request: pytest.FixtureRequest) -> str:
    """A conversation id unique to the test."""
    return "t-" + "".join(c if c.isalnum() else "-" for c in request.node.name)[:100]


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """Our database, migrated: a SQLite file, and a temporary database on the local
    PostgreSQL server (created and dropped here)."""
    with migrated_database(request.param, tmp_path) as db:
        yield db
