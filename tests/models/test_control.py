"""Model control across processes, without training: the reload lock shared by the portal
and `enlist train/reload/rollback`, the status every process shows, and var/model.json
written by several processes at once without losing an update."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from bot.models import reload as reload_module
from bot.config import Settings
from bot.errors import ModelBusyError
from bot.models.control import BUSY, INTERRUPTED, ModelControl
from bot.models.registry import model_info, read_record
from bot.models.reload import ReloadResult
from tests.conftest import PROJECT_HOME

HOLD = """
import sys, time
from pathlib import Path
from bot.config import Settings
from bot.models.control import ModelControl
control = ModelControl(Settings.from_env({"ENLIST_VAR_DIR": sys.argv[1], "ENLIST_MODELS_DIR": sys.argv[1]}))
with control.exclusive():
    print("held", flush=True)
    time.sleep(600)
"""


def settings_for(tmp_path: Path) -> Settings:
    return Settings.from_env({"ENLIST_VAR_DIR": str(tmp_path), "ENLIST_MODELS_DIR": str(tmp_path)})


def child_env(tmp_path: Path) -> Dict[str, str]:
    return {**os.environ, "ENLIST_HOME": str(PROJECT_HOME), "ENLIST_VAR_DIR": str(tmp_path),
            "ENLIST_MODELS_DIR": str(tmp_path), "PYTHONPATH": str(PROJECT_HOME)}


@pytest.fixture()
def holder(tmp_path: Path) -> Iterator[subprocess.Popen]:
    """Another process (a bot worker or a CLI command) holding the reload lock."""
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True,
                               env=child_env(tmp_path), cwd=PROJECT_HOME)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "held"
        yield process
    finally:
        process.kill()
        process.wait(timeout=30)


def enlist(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", *argv], capture_output=True, text=True,
                          env=child_env(tmp_path), cwd=PROJECT_HOME, timeout=120)


def test_a_lock_held_by_another_process_refuses_the_portal_and_the_cli(tmp_path: Path, holder: subprocess.Popen) -> None:
    control = ModelControl(settings_for(tmp_path))
    assert control.busy()
    assert control.start("王编辑") is False
    with pytest.raises(ModelBusyError, match=BUSY):
        control.rollback("王编辑")
    with pytest.raises(ModelBusyError):
        control.reload("命令行")
    for command in ("reload", "rollback", "train"):
        completed = enlist(tmp_path, command)
        assert completed.returncode == 1, (command, completed.stdout, completed.stderr)
        assert BUSY in completed.stderr, (command, completed.stderr)
    # The holder dies without releasing: the kernel drops its lock.
    holder.kill()
    holder.wait(timeout=30)
    assert not control.busy()
    assert control.rollback("王编辑").status == "refused"  # no previous model, but no longer busy


def test_the_portal_job_holds_the_lock_until_it_ends_and_every_process_sees_its_status(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_for(tmp_path)
    release = threading.Event()

    def slow_reload(settings: Settings, progress=print, evaluate: bool = True) -> ReloadResult:  # noqa: ANN001
        progress("第1步：检查FAQ内容，生成训练数据…")
        assert release.wait(30)
        return ReloadResult("unchanged", "enlist-x.tar.gz", message="模型无需更新")

    monkeypatch.setattr(reload_module, "reload_model", slow_reload)
    control = ModelControl(settings)
    assert control.start("王编辑")
    other_worker = ModelControl(settings)
    deadline = time.monotonic() + 10
    while not other_worker.status()["steps"] and time.monotonic() < deadline:
        time.sleep(0.1)
    status = other_worker.status()
    assert status["state"] == "running" and status["started_by"] == "王编辑"
    assert status["steps"] == ["第1步：检查FAQ内容，生成训练数据…"]
    assert other_worker.busy() and not other_worker.start("李编辑")
    assert enlist(tmp_path, "rollback").returncode == 1
    release.set()
    control.job.wait(30)
    deadline = time.monotonic() + 10
    while other_worker.busy() and time.monotonic() < deadline:  # the watcher thread releases the lock
        time.sleep(0.1)
    assert not other_worker.busy()
    status = other_worker.status()
    assert status["state"] == "done" and status["result"]["status"] == "unchanged"


def test_a_cli_reload_records_its_steps_for_the_portal_and_a_dead_one_shows_as_interrupted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_for(tmp_path)
    seen: List[dict] = []
    portal = ModelControl(settings)

    def fake_reload(settings: Settings, progress=print, evaluate: bool = True) -> ReloadResult:  # noqa: ANN001
        progress("第2步：训练新模型…")
        seen.append(portal.status())
        return ReloadResult("switched", "enlist-y.tar.gz", message="新模型已启用")

    import bot.models.control as model_control

    monkeypatch.setattr(model_control, "reload_model", fake_reload)
    printed: List[str] = []
    result = ModelControl(settings).reload("命令行", progress=printed.append)
    assert result.status == "switched" and printed == ["第2步：训练新模型…"]
    (during,) = seen
    assert during["state"] == "running" and during["started_by"] == "命令行" and during["steps"] == printed
    after = portal.status()
    assert after["state"] == "done" and after["result"]["model"] == "enlist-y.tar.gz" and not portal.busy()

    def failing_reload(settings: Settings, progress=print, evaluate: bool = True) -> ReloadResult:  # noqa: ANN001
        raise RuntimeError("boom")

    monkeypatch.setattr(model_control, "reload_model", failing_reload)
    with pytest.raises(RuntimeError):
        ModelControl(settings).reload("命令行")
    assert portal.status()["state"] == "failed" and "RuntimeError" in portal.status()["error"] and not portal.busy()
    # A status left "running" by a process that died (nobody holds the lock): interrupted.
    portal.status_path.write_text(json.dumps({"state": "running", "steps": ["第1步"]}), encoding="utf-8")
    assert portal.status()["state"] == "failed" and portal.status()["error"] == INTERRUPTED


REMEMBER = """
import sys, time
from pathlib import Path
from bot.config import Settings
from bot.models.registry import remember, set_current
settings = Settings.from_env({"ENLIST_VAR_DIR": sys.argv[1], "ENLIST_MODELS_DIR": sys.argv[1]})
worker, start = sys.argv[2], float(sys.argv[3])
time.sleep(max(0.0, start - time.time()))
for i in range(40):
    remember(settings, Path(f"enlist-{worker}-{i}.tar.gz"), faq_accuracy=i / 100)
    set_current(settings, Path(f"enlist-{worker}-{i}.tar.gz"))
"""


def test_model_record_writers_in_several_processes_lose_no_update(tmp_path: Path) -> None:
    """Each read-change-write of var/model.json holds the file lock: with a thread lock only,
    two processes read the same record and the later write drops the other's model."""
    start = time.time() + 3  # all processes start writing at once, after their imports
    workers = [subprocess.Popen([sys.executable, "-c", REMEMBER, str(tmp_path), str(n), str(start)],
                                env=child_env(tmp_path), cwd=PROJECT_HOME) for n in range(4)]
    for worker in workers:
        assert worker.wait(timeout=120) == 0
    record = read_record(settings_for(tmp_path))
    expected = {f"enlist-{n}-{i}.tar.gz" for n in range(4) for i in range(40)}
    assert set(record["models"]) == expected
    assert model_info(settings_for(tmp_path), Path("enlist-2-39.tar.gz")) == {"faq_accuracy": 0.39}
    assert record["current"] in {f"enlist-{n}-39.tar.gz" for n in range(4)}
    assert not list(tmp_path.glob("*.tmp")), "a temporary record file was left behind"


def test_importing_the_cli_and_its_model_commands_loads_neither_the_portal_nor_the_benchmarks(tmp_path: Path) -> None:
    """bench/ is not installed, and the portal (Sanic views) is not needed to train or reload."""
    probe = (
        "import sys\n"
        "import bot.cli\n"
        "bot.cli.build_parser()\n"
        "loaded = [m for m in sys.modules if m == 'bench' or m.startswith(('bench.', 'bot.portal'))]\n"
        "assert not loaded, ('import', loaded)\n"
        "code = bot.cli.main(['rollback'])\n"
        "loaded = [m for m in sys.modules if m == 'bench' or m.startswith(('bench.', 'bot.portal'))]\n"
        "assert not loaded, ('rollback', loaded)\n"
        "print('ok', code)\n"
    )
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=child_env(tmp_path),
                               cwd=PROJECT_HOME, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().endswith("ok 1")  # no previous model to roll back to
    assert "没有可回退的上一个模型" in completed.stdout


def test_enlist_bench_runs_the_checkout_script_and_says_when_it_is_missing(tmp_path: Path) -> None:
    completed = subprocess.run([sys.executable, "-m", "bot.cli", "bench"], capture_output=True, text=True,
                               env={**child_env(tmp_path), "ENLIST_HOME": str(tmp_path)}, cwd=PROJECT_HOME, timeout=120)
    assert completed.returncode == 1 and "bench/load.py" in completed.stderr
    completed = enlist(tmp_path, "bench", "--", "--help")
    assert completed.returncode == 0 and "usage: enlist bench" in completed.stdout
