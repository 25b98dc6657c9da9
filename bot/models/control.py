"""Model control: the one path by which the CLI and the portal train, reload and roll back.

Several processes change the model: the bot service's Sanic workers (the portal's 更新模型
page) and ``enlist train`` / ``enlist reload`` / ``enlist rollback``. They share
``settings.var_dir`` and coordinate through

- the lock file ``var/reload.lock`` (:mod:`filelock`): whoever trains, reloads or rolls back
  holds it until done; anyone else is refused with :class:`~bot.errors.ModelBusyError`
  (never queued: the second editor would otherwise train on stale input). The kernel drops
  the lock when the holding process dies, so a crash never blocks reloads forever;
- the status file ``var/reload-status.json`` (atomically replaced, once a second while a
  portal reload runs and at every step of a CLI reload), so every worker shows the same
  steps and result. A status that says "running" while nobody holds the lock belongs to a
  process that died: shown as failed.

The steps themselves are bot/models/reload.py (reload, rollback) and bot/models/training.py (training);
the record of the current model is bot/models/registry.py (its own file lock).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
from dataclasses import asdict
from typing import Any, Callable, Dict, Iterator, Optional

from filelock import FileLock, Timeout

from bot.config import Settings
from bot.errors import ModelBusyError
from bot.models.reload import ReloadJob, ReloadResult, failure_message, reload_model, rollback_model
from bot.models.training import ModelInfo, ensure_model

LOCK_NAME = "reload.lock"
STATUS_NAME = "reload-status.json"
POLL_SECONDS = 1.0
INTERRUPTED = "更新过程被中断（服务重启或进程退出），模型没有切换。请重新点击“更新模型”。"
BUSY = "另一个模型更新或回滚正在进行，请等它完成后再试。"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class ModelControl:
    """One per process (``app.ctx`` in the bot service, one per CLI command); all of them
    share ``settings.var_dir``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lock_path = settings.var_dir / LOCK_NAME
        self.status_path = settings.var_dir / STATUS_NAME
        self.job = ReloadJob()

    def _try_lock(self) -> Optional[FileLock]:
        """The reload lock, held by us; None when another holder (any process or thread) has it.

        A new lock object each time (its own descriptor), not thread-local: the portal's
        watcher thread releases the lock the request thread took.
        """
        lock = FileLock(self.lock_path, mode=0o600, thread_local=False)
        try:
            lock.acquire(blocking=False)
        except Timeout:
            return None
        return lock

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the reload lock for the block; :class:`ModelBusyError` when someone else has it."""
        lock = self._try_lock()
        if lock is None:
            raise ModelBusyError(BUSY)
        try:
            yield
        finally:
            lock.release()

    def busy(self) -> bool:
        """True while a training, reload or rollback runs in any process."""
        lock = self._try_lock()
        if lock is None:
            return True
        lock.release()
        return False

    # --- the portal: a reload in a background thread ------------------------------------------

    def start(self, started_by: str) -> bool:
        """Start a reload in this process; False when one runs anywhere (lock held)."""
        lock = self._try_lock()
        if lock is None:
            return False
        if not self.job.start(self.settings, started_by):
            lock.release()
            return False
        self._persist(self.job.status())
        threading.Thread(target=self._watch, args=(lock,), name="enlist-reload-watch", daemon=True).start()
        return True

    def _watch(self, lock: FileLock) -> None:
        """Persist the job's status while it runs; release the lock when it ends."""
        try:
            while self.job.status().get("state") == "running":
                self.job.wait(POLL_SECONDS)
                self._persist(self.job.status())
        finally:
            self._persist(self.job.status())
            lock.release()

    # --- the CLI: the same steps in the foreground --------------------------------------------

    def reload(self, started_by: str, progress: Callable[[str], None] = print) -> ReloadResult:
        """Reload in this thread under the lock (``enlist reload``); the portal shows its steps.

        Errors propagate to the caller (the CLI prints them) after being recorded as failed.
        """
        with self.exclusive():
            status: Dict[str, Any] = {"state": "running", "kind": "reload", "started_by": started_by,
                                      "steps": [], "started_at": _now()}
            self._persist(status)

            def step(line: str) -> None:
                progress(line)
                status["steps"].append(line)
                self._persist(status)

            try:
                result = reload_model(self.settings, progress=step)
            except BaseException as exc:
                status.update(state="failed", error=INTERRUPTED if isinstance(exc, KeyboardInterrupt) else failure_message(exc))
                self._persist(status)
                raise
            status.update(state="done" if result.ok else "refused", result=asdict(result))
            self._persist(status)
            return result

    def train(self, force: bool = True) -> ModelInfo:
        """``enlist train``: :func:`bot.models.training.ensure_model` under the lock (a training run
        must not race a reload writing the same model file)."""
        with self.exclusive():
            return ensure_model(self.settings, force=force)

    def rollback(self, by: str) -> ReloadResult:
        """Switch back to the previous model; refused while a reload runs anywhere."""
        with self.exclusive():
            result = rollback_model(self.settings)
            self._persist({"state": "done" if result.ok else "refused", "kind": "rollback", "started_by": by,
                           "steps": [], "result": asdict(result)})
            return result

    # --- the shared status ---------------------------------------------------------------------

    def _persist(self, status: Dict[str, Any]) -> None:
        self.settings.var_dir.mkdir(parents=True, exist_ok=True)
        temporary = self.status_path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_text(json.dumps(status, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.status_path)

    def status(self) -> Dict[str, Any]:
        """The last reload's status as any process wrote it (``{"state": "idle"}`` if none)."""
        try:
            status = json.loads(self.status_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"state": "idle", "steps": []}
        if not isinstance(status, dict):
            return {"state": "idle", "steps": []}
        status.setdefault("steps", [])
        status.setdefault("state", "idle")
        if status.get("state") == "running" and not self.busy():
            status.update(state="failed", error=INTERRUPTED)
        return status
