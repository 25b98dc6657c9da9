"""Replica safety: two Rasa servers share the PostgreSQL tracker store and the Redis lock store.

A conversation may hit either replica on any turn; the lock store serialises turns of one
conversation; a half-filled lead form continues on the other replica; killing a replica
mid-conversation loses nothing. Uses the real servers on 127.0.0.1 (skipped, with the
reason, only when PostgreSQL or Redis does not answer).
"""

from __future__ import annotations

import secrets
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Iterator, List

import pytest
from sqlalchemy import text

from bot.config import Settings
from bot.leads.store import LeadStore
from bot.models.training import subprocess_env
from bot.runner import ManagedProcess, Stack, http_ok, rasa_command, write_run_files
from bot.storage.database import Database
from tests.conftest import Chat, environment, free_port, http, tracker_events
from tests.test_leads_conversation import ANSWERS, start_form

pytestmark = pytest.mark.stack

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS = ("127.0.0.1", 6379)


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class Replicas:
    """Replica A (Rasa + bot service, via Stack) and replica B (a second Rasa server)."""

    def __init__(self, stack: Stack, rasa_b: ManagedProcess, settings_b: Settings, database_url: str) -> None:
        self.stack = stack
        self.rasa_b = rasa_b
        self.a = Chat(stack.settings)
        self.b = Chat(settings_b)
        self.ready_b = f"{settings_b.rasa_url}/webhooks/rest/"
        self.database_url = database_url

    def events(self, sender: str) -> List[dict]:
        return tracker_events(self.database_url, sender)


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[Replicas]:
    admin = Database(POSTGRES_ADMIN)
    try:
        with admin.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no PostgreSQL server answers on 127.0.0.1:5432 ({type(exc).__name__})")
    if not _redis_answers():
        pytest.skip("no Redis server answers on 127.0.0.1:6379")
    name = f"enlist_replicas_{secrets.token_hex(4)}"
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    env = {
        "ENLIST_PROFILE": "production",
        "ENLIST_DATABASE_URL": url,
        "ENLIST_TRACKER_STORE_URL": url,
        "ENLIST_REDIS_URL": "redis://127.0.0.1:6379/13",
        "ENLIST_SECRET_KEY": secrets.token_hex(16),
        "ENLIST_ACTION_SECRET": secrets.token_hex(16),
        "ENLIST_RASA_WORKERS": "1",
        "ENLIST_BOT_WORKERS": "1",
        "ENLIST_VAR_DIR": str(tmp_path_factory.mktemp("replica-a")),
        "ENLIST_RASA_PORT": str(free_port()),
        "ENLIST_BOT_PORT": str(free_port()),
    }
    try:
        with environment(env):
            settings_a = Settings.from_env()
            stack = Stack(settings_a, trained_model)
            settings_b = Settings.from_env({**env, "ENLIST_RASA_PORT": str(free_port())})
            endpoints = write_run_files(settings_a)  # same stores, same bot service
            rasa_b = ManagedProcess(
                "rasa-b",
                rasa_command(settings_b, trained_model, endpoints),
                {**subprocess_env(settings_b), "SANIC_WORKERS": "1"},
                settings_b.home,
                Path(env["ENLIST_VAR_DIR"]) / "log" / "rasa-b.log",
            )
            stack.start()
            stack.processes.append(rasa_b)  # watched and stopped with the stack
            stack.ready_urls[rasa_b] = f"{settings_b.rasa_url}/webhooks/rest/"
            try:
                stack.restart(rasa_b)
                yield Replicas(stack, rasa_b, settings_b, url)
            finally:
                stack.stop()
    finally:
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_turns_alternate_between_replicas_and_the_lead_form_continues(replicas: Replicas) -> None:
    sender = "t-replica-alternate"
    assert "征兵咨询助手" in replicas.a.text(sender, "你好")
    assert "初试总分加10分" in replicas.b.text(sender, "当兵回来考研能加几分")
    start_form(replicas.a, sender)
    summary = ""
    for index, (slot, value) in enumerate(ANSWERS):
        chat = replicas.b if index % 2 == 0 else replicas.a
        summary = chat.text(sender, "13822223333" if slot == "lead_phone" else value)
    assert "请核对" in summary and "138 2222 3333" in summary and "吕院" in summary
    assert "已记录" in replicas.b.text(sender, "/affirm")
    lead = LeadStore(Database(replicas.database_url)).find_by_phone("13822223333")
    assert lead is not None and lead.school == "吕院" and lead.sender_id == sender


def test_the_lock_store_serialises_concurrent_turns_of_one_conversation(replicas: Replicas) -> None:
    sender = "t-replica-concurrent"
    messages = ["你好", "学费补偿是什么", "视力要求多少", "考研加几分", "在哪里报名", "谢谢"]
    replies: List[list] = [None] * len(messages)

    def send(index: int) -> None:
        chat = replicas.a if index % 2 == 0 else replicas.b
        replies[index] = chat.say(sender, messages[index])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(messages))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(reply for reply in replies), replies

    events = replicas.events(sender)
    users = [e for e in events if e["type"] == "user"]
    assert sorted(u["text"] for u in users) == sorted(messages)
    # Serialised: every user turn is followed by the bot's actions and a listen before
    # the next user message is processed; no turn's events are lost or interleaved.
    turn_open = False
    for event in events:
        if event["type"] == "user":
            assert not turn_open, "a second user message was processed before the first turn ended"
            turn_open = True
        elif event["type"] == "action" and event.get("name") == "action_listen":
            turn_open = False
    assert not turn_open
    bot_messages = [e for e in events if e["type"] == "bot"]
    assert len(bot_messages) >= len(messages)


def test_killing_a_replica_mid_conversation_loses_nothing(replicas: Replicas) -> None:
    sender = "t-replica-killed"
    start_form(replicas.a, sender)
    replicas.a.text(sender, "钱学森")
    assert "学校" in replicas.a.text(sender, "13955556666")
    replicas.stack.rasa.process.send_signal(signal.SIGKILL)  # replica A dies
    replicas.stack.rasa.process.wait(timeout=30)
    try:
        summary = ""
        for _slot, value in ANSWERS[2:]:
            summary = replicas.b.text(sender, value)
        assert "钱学森" in summary and "139 5555 6666" in summary
        assert "已记录" in replicas.b.text(sender, "/affirm")
        lead = LeadStore(Database(replicas.database_url)).find_by_phone("13955556666")
        assert lead.name == "钱学森" and lead.school == "吕院"
    finally:
        replicas.stack.restart(replicas.stack.rasa)


NGINX = Path("/usr/sbin/nginx")


def test_two_replicas_behind_nginx(replicas: Replicas, tmp_path: Path) -> None:
    """The documented set-up: `enlist nginx-config` output in front of both replicas."""
    if not NGINX.exists():
        pytest.skip("nginx is not installed (.ci/run installs Debian's nginx)")
    from bot.service.deploy import nginx_config

    port = free_port()
    rasa = [f"127.0.0.1:{replicas.stack.settings.rasa_port}", f"127.0.0.1:{replicas.b.settings.rasa_port}"]
    bot = [f"127.0.0.1:{replicas.stack.settings.bot_port}"]
    access_log = tmp_path / "access.log"
    config = tmp_path / "nginx.conf"
    config.write_text(
        nginx_config(
            rasa, bot, listen=f"127.0.0.1:{port}", access_log=str(access_log), runtime_dir=str(tmp_path), user="root"
        ),
        encoding="utf-8",
    )
    check = subprocess.run([str(NGINX), "-t", "-c", str(config), "-p", str(tmp_path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    server = subprocess.Popen(
        [str(NGINX), "-c", str(config), "-p", str(tmp_path), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while not http_ok(f"http://127.0.0.1:{port}/health") and time.monotonic() < deadline:
            time.sleep(0.2)
        front = Chat(Settings.from_env({"ENLIST_RASA_PORT": str(port)}))
        sender = "t-behind-nginx"
        replies = [
            front.text(sender, message)
            for message in ("你好", "学费补偿是什么", "视力要求多少", "考研加几分", "谢谢", "再见")
        ]
        assert "征兵咨询助手" in replies[0] and "初试总分加10分" in replies[3] and "再见" in replies[5]
        assert http("GET", f"http://127.0.0.1:{port}/health").json() == {"status": "ok"}
        log = access_log.read_text(encoding="utf-8")
        used = {address for address in rasa if f"upstream={address}" in log}
        assert used == set(rasa), f"round-robin should reach both replicas; log:\n{log}"
    finally:
        server.terminate()
        server.wait(timeout=20)
