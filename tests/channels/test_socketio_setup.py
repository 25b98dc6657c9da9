"""How the socket.io channel may be set up. Several Rasa workers: polling would drop
messages, so the runner refuses it; WebSocket only is safe, and a real two-worker stack
answers over it. A JWT key (not carried over from Rasa's channel) is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
import socketio

from bot.config import Settings
from bot.errors import ConfigError
from bot.runner import rasa_command
from tests.channels.socket_client import SocketChat, texts
from tests.channels.test_socketio_client import QUESTIONS
from tests.conftest import PROJECT_HOME, environment, http, stack_environment
from tests.test_config import PRODUCTION_ENV

MODEL, ENDPOINTS = Path("m.tar.gz"), Path("e.yml")


@pytest.mark.parametrize(
    "env", [{"ENLIST_RASA_WORKERS": "2"}, PRODUCTION_ENV], ids=["two-workers", "production-default"]
)
def test_polling_with_several_workers_is_refused(env: dict) -> None:
    settings = Settings.from_env(env)
    assert settings.rasa_worker_count > 1 or os.cpu_count() == 1
    if settings.rasa_worker_count > 1:
        with pytest.raises(ConfigError, match="ENLIST_SOCKETIO_WEBSOCKET_ONLY=true"):
            rasa_command(settings, MODEL, ENDPOINTS)
    assert "--model" in rasa_command(
        Settings.from_env({**env, "ENLIST_SOCKETIO_WEBSOCKET_ONLY": "true"}), MODEL, ENDPOINTS
    )


def test_one_worker_may_poll() -> None:
    assert "--model" in rasa_command(Settings.from_env({"ENLIST_RASA_WORKERS": "1"}), MODEL, ENDPOINTS)
    with pytest.raises(ConfigError, match="ENLIST_SOCKETIO_WEBSOCKET_ONLY"):
        Settings.from_env({"ENLIST_SOCKETIO_WEBSOCKET_ONLY": "maybe"})


@pytest.mark.parametrize("command", ["run", "serve-rasa"])
def test_enlist_says_why_and_exits(tmp_path: Path, command: str) -> None:
    env = {**os.environ, **stack_environment(tmp_path), "ENLIST_RASA_WORKERS": "3", "ENLIST_ACTION_SECRET": "s" * 32}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", command],
        cwd=PROJECT_HOME,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "socket.io polling with 3 Rasa workers drops messages" in done.stderr


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[Settings]:
    from bot.runner import Stack

    env = stack_environment(
        tmp_path_factory.mktemp("two-workers"), ENLIST_RASA_WORKERS="2", ENLIST_SOCKETIO_WEBSOCKET_ONLY="true"
    )
    with environment(env):
        running = Stack(Settings.from_env(), trained_model, echo=False)
        try:
            running.start()
            yield running.settings
        finally:
            running.stop()


@pytest.mark.stack
def test_websocket_only_with_two_workers_answers_every_question(two_workers: Settings) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        SocketChat(two_workers.rasa_url, transports=["polling"]).connect()
    assert http("GET", f"{two_workers.rasa_url}/socket.io/?EIO=4&transport=polling").status == 400
    clients = [SocketChat(two_workers.rasa_url, transports=["websocket"]) for _ in range(3)]
    try:
        for number, chat in enumerate(clients):
            chat.connect(f"s-two-workers-{number}")
        for question, fact in QUESTIONS:
            for chat in clients:
                assert fact in texts(chat.say(question)), question
    finally:
        for chat in clients:
            chat.disconnect()


def test_a_jwt_key_is_refused_not_ignored() -> None:
    from bot.channels.socketio import SafeSocketIOInput

    channel = SafeSocketIOInput.from_credentials({"session_persistence": True, "jwt_key": "secret"})
    with pytest.raises(ConfigError, match="jwt_key"):
        channel.blueprint(lambda message: None)
