"""The portal's reload/rollback control, safe with several bot-service workers.

``bot.reload.ReloadJob`` keeps one reload per *process*. Production runs several Sanic
workers (processes), so this wraps it with

- a lock file ``var/reload.lock`` (``flock``): the worker that starts a reload holds it until
  the job ends; another worker (or a rollback) cannot get it and is refused. The kernel
  drops the lock when the holding process dies, so a crash never blocks reloads forever;
- the job's status persisted to ``var/reload-status.json`` (atomically replaced, once a
  second while running), so every worker shows the same steps and result. A status that
  says "running" while nobody holds the lock belongs to a worker that died: shown as failed.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
from dataclasses import asdict
from typing import Any, Dict, Iterator, Optional

from bot.config import Settings
from bot.errors import ReviewError
from bot.reload import ReloadJob, ReloadResult, rollback_model

LOCK_NAME = "reload.lock"
STATUS_NAME = "reload-status.json"
POLL_SECONDS = 1.0
INTERRUPTED = "更新过程被中断（服务重启或进程退出），模型没有切换。请重新点击“更新模型”。"
BUSY = "另一个模型更新或回滚正在进行，请等它完成后再试。"


class ModelControl:
    """One per bot-service process (``app.ctx``); all of them share ``settings.var_dir``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lock_path = settings.var_dir / LOCK_NAME
        self.status_path = settings.var_dir / STATUS_NAME
        self.job = ReloadJob()

    def _try_lock(self) -> Optional[int]:
        """The lock file's descriptor, locked by us; None when another holder has the lock."""
        self.settings.var_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return fd

    @staticmethod
    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[Optional[int]]:
        fd = self._try_lock()
        try:
            yield fd
        finally:
            if fd is not None:
                self._unlock(fd)

    def busy(self) -> bool:
        """True while a reload or rollback runs in any worker."""
        with self._exclusive() as fd:
            return fd is None

    def start(self, started_by: str) -> bool:
        """Start a reload in this process; False when one runs anywhere (lock held)."""
        fd = self._try_lock()
        if fd is None:
            return False
        if not self.job.start(self.settings, started_by):
            self._unlock(fd)
            return False
        self._persist(self.job.status())
        threading.Thread(target=self._watch, args=(fd,), name="enlist-reload-watch", daemon=True).start()
        return True

    def _watch(self, fd: int) -> None:
        """Persist the job's status while it runs; release the lock when it ends."""
        try:
            while self.job.status().get("state") == "running":
                self.job.wait(POLL_SECONDS)
                self._persist(self.job.status())
        finally:
            self._persist(self.job.status())
            self._unlock(fd)

    def _persist(self, status: Dict[str, Any]) -> None:
        temporary = self.status_path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(status, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.status_path)

    def status(self) -> Dict[str, Any]:
        """The last reload's status as any worker wrote it (``{"state": "idle"}`` if none)."""
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

    def rollback(self, by: str) -> ReloadResult:
        """Switch back to the previous model; refused while a reload runs anywhere."""
        with self._exclusive() as fd:
            if fd is None:
                raise ReviewError(BUSY)
            result = rollback_model(self.settings)
            self._persist({"state": "done" if result.ok else "refused", "kind": "rollback", "started_by": by,
                           "steps": [], "result": asdict(result)})
            return result
