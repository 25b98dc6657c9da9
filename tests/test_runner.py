"""`enlist run`: both processes start, Ctrl-C stops both, one dying stops the other."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import List

import pytest

from bot.config import Settings
from bot.runner import cors_origins, rasa_command, render_endpoints
from tests.conftest import PROJECT_HOME, http, stack_environment


def test_rasa_api_only_with_a_token(tmp_path: Path) -> None:
    plain = rasa_command(Settings.from_env({}), Path("m.tar.gz"), Path("e.yml"))
    assert "--enable-api" not in plain and "--auth-token" not in plain
    with_token = rasa_command(Settings.from_env({"ENLIST_RASA_API_TOKEN": "t0k"}), Path("m.tar.gz"), Path("e.yml"))
    assert with_token[with_token.index("--auth-token") + 1] == "t0k" and "--enable-api" in with_token


def test_cors_allows_configured_origins_and_our_own_pages() -> None:
    origins = cors_origins(
        Settings.from_env({"ENLIST_ALLOWED_ORIGINS": "https://rwb.example.cn", "ENLIST_BOT_PORT": "7000"})
    )
    assert origins == ["https://rwb.example.cn", "http://127.0.0.1:7000", "http://localhost:7000"]


def test_endpoints_point_at_the_bot_service() -> None:
    endpoints = render_endpoints(Settings.from_env({"ENLIST_BOT_PORT": "7001"}))
    assert endpoints["action_endpoint"]["url"] == "http://127.0.0.1:7001/webhook"


class RunningCommand:
    """`enlist run` in a subprocess, its output collected by a thread."""

    def __init__(self, env: dict) -> None:
        self.lines: List[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"],
            cwd=PROJECT_HOME,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output():
            assert self.process.poll() is None, self.output()[-3000:]
            assert time.monotonic() < deadline, f"no {text!r} after {timeout} s:\n{self.output()[-3000:]}"
            time.sleep(0.5)

    def children(self, marker: str) -> List[int]:
        """PIDs of direct children whose command line contains ``marker``."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, IndexError, ValueError):
                continue
            if ppid == self.process.pid and marker in cmdline:
                found.append(int(entry.name))
        return found


def port_closed(url: str) -> bool:
    try:
        http("GET", url, timeout=2)
        return False
    except OSError:
        return True


@pytest.fixture()
def run_env(tmp_path: Path, trained_model: Path) -> dict:
    return stack_environment(tmp_path / "var")


def test_ctrl_c_stops_both(run_env: dict) -> None:
    command = RunningCommand(run_env)
    try:
        command.wait_for("Enlist Assistant is ready")
        settings = Settings.from_env(run_env)
        assert http("GET", f"{settings.bot_url}/health").json() == {"status": "ok"}
        command.process.send_signal(signal.SIGINT)
        assert command.process.wait(timeout=60) == 0
        assert port_closed(f"{settings.bot_url}/health") and port_closed(f"{settings.rasa_url}/")
    finally:
        command.process.kill()


def test_one_dying_stops_the_other_and_says_why(run_env: dict) -> None:
    command = RunningCommand(run_env)
    try:
        command.wait_for("Enlist Assistant is ready")
        settings = Settings.from_env(run_env)
        (bot_pid,) = command.children("bot.server")
        os.kill(bot_pid, signal.SIGKILL)
        assert command.process.wait(timeout=60) == 1
        assert "bot exited with code -9" in command.output() and "stopping the other process" in command.output()
        assert port_closed(f"{settings.rasa_url}/")
    finally:
        command.process.kill()


def test_process_output_is_logged_with_phone_numbers_masked(tmp_path: Path) -> None:
    """Rasa's own log lines pass through the runner; a phone number in one is masked."""
    from bot.runner import ManagedProcess

    log = tmp_path / "child.log"
    child = ManagedProcess(
        "child", [sys.executable, "-c", "print('手机 13800138000 已收到')"], dict(os.environ), tmp_path, log, echo=False
    )
    child.start()
    child.process.wait(timeout=30)
    child._pump.join(timeout=10)
    text = log.read_text(encoding="utf-8")
    assert "已收到" in text and "13800138000" not in text and "138****8000" in text


def test_rasa_gets_the_appending_tracker_store() -> None:
    """Rasa silently falls back to an in-memory store when a custom ``type`` does not
    import, so the class named in endpoints.yml must exist and be an SQLTrackerStore."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.utils.common import class_from_module_path

    for url in ("sqlite:////tmp/x/tracker.db", "postgresql://enlist:pw@db.example:5433/enlist"):
        store = render_endpoints(Settings.from_env({"ENLIST_TRACKER_STORE_URL": url}))["tracker_store"]
        assert issubclass(class_from_module_path(store["type"]), SQLTrackerStore)
    assert store == {
        "type": "bot.rasa_ext.tracker_store.AppendingSQLTrackerStore",
        "dialect": "postgresql",
        "db": "enlist",
        "url": "db.example",
        "port": 5433,
        "username": "enlist",
        "password": "pw",
    }
