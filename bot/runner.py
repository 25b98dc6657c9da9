"""Starts the Rasa server and the bot service together and supervises them.

Both run as child processes in their own sessions, so Ctrl-C reaches only this supervisor,
which then stops them in order. Their output is prefixed and echoed, and also written to
``var/log/``. When one of them dies, the other is stopped and the reason (exit code and
last lines of output) is printed.
"""

from __future__ import annotations

import collections
import dataclasses
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Deque, Dict, List, Optional

import yaml
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.edge.action_guard import SECRET_HEADER
from bot.edge.cors import cors_origins
from bot.errors import ConfigError, StackError
from bot.logging_setup import mask_personal_data
from bot.models.registry import set_current
from bot.models.training import subprocess_env

STOP_TIMEOUT = 15.0
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if the supervisor dies, even by SIGKILL.

    Also sets umask 077: the databases, outbox and logs the children create hold personal
    data, so they are readable by our user only (files 0600, directories 0700)."""
    os.umask(0o077)
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: Ctrl-C handling still stops children
        pass


#: The tracker store class Rasa loads (Rasa's SQL table, SQL off the event loop, appending saves).
TRACKER_STORE_TYPE = "bot.rasa_ext.tracker_store.AppendingSQLTrackerStore"


def tracker_store_endpoint(url: str, store_type: str = TRACKER_STORE_TYPE) -> Dict[str, object]:
    """The SQL tracker store configuration for a SQLAlchemy URL (``store_type`` "SQL":
    Rasa's own SQLTrackerStore, which the benchmark compares against)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return {"type": store_type, "dialect": "sqlite", "db": parsed.database}
    config: Dict[str, object] = {"type": store_type, "dialect": parsed.drivername, "db": parsed.database}
    for key, value in (
        ("url", parsed.host),
        ("port", parsed.port),
        ("username", parsed.username),
        ("password", parsed.password),
    ):
        if value is not None:
            config[key] = value
    if parsed.query:
        config["query"] = dict(parsed.query)
    return config


def lock_store_endpoint(url: str) -> Dict[str, object]:
    """Lock store configuration for a redis:// URL (our atomic variant, see bot/rasa_ext/lock_store.py)."""
    parsed = make_url(url.replace("rediss://", "redis://", 1))
    config: Dict[str, object] = {
        "type": "bot.rasa_ext.lock_store.AtomicRedisLockStore",
        "url": parsed.host or "127.0.0.1",
        "port": parsed.port or 6379,
        "key_prefix": "enlist",
        "use_ssl": url.startswith("rediss://"),
    }
    if parsed.database:
        config["db"] = int(parsed.database)
    if parsed.password:
        config["password"] = parsed.password
    return config


def render_endpoints(settings: Settings) -> Dict[str, object]:
    """The Rasa endpoints configuration for ``settings``."""
    # Rasa sends these headers on every action call and model pull (bot/edge/action_guard.py).
    secret_headers = {"headers": {SECRET_HEADER: settings.action_secret}} if settings.action_secret else {}
    endpoints: Dict[str, object] = {
        "action_endpoint": {"url": settings.action_endpoint_url, **secret_headers},
        "tracker_store": tracker_store_endpoint(settings.tracker_store),
    }
    if settings.redis_url:
        endpoints["lock_store"] = lock_store_endpoint(settings.redis_url)
    if settings.model_pull_seconds:
        # The bot service serves the current model (bot/service/model_route.py): `enlist reload`
        # switches models without restarting Rasa.
        endpoints["models"] = {
            "url": f"{settings.bot_url}/models/current",
            "wait_time_between_pulls": settings.model_pull_seconds,
            **secret_headers,
        }
    return endpoints


def with_action_secret(settings: Settings) -> Settings:
    """``settings`` with an action secret: a fresh random one for this start when unset
    (embedded; production refuses to start without ENLIST_ACTION_SECRET, bot/config.py)."""
    if settings.action_secret:
        return settings
    return dataclasses.replace(settings, action_secret=secrets.token_urlsafe(32))


def write_run_files(settings: Settings) -> Path:
    """Write ``var/run/endpoints.yml``; returns its path."""
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    path = settings.run_dir / "endpoints.yml"
    path.touch(mode=0o600)  # may hold a database password; holds the action secret
    os.chmod(path, 0o600)
    header = "# GENERATED by `enlist run` from ENLIST_* settings on every start - do not edit.\n"
    path.write_text(header + yaml.safe_dump(render_endpoints(settings), sort_keys=False), encoding="utf-8")
    return path


POLLING_UNSAFE = (
    "socket.io polling with {workers} Rasa workers drops messages (the requests of one connection reach "
    "different workers); set ENLIST_SOCKETIO_WEBSOCKET_ONLY=true (clients then connect with "
    "transports=['websocket']) or ENLIST_RASA_WORKERS=1"
)


def check_socketio_workers(settings: Settings) -> None:
    """Refuse a Rasa start in which the socket.io channel would drop messages.

    Polling is a series of HTTP requests that must all reach the worker holding the
    connection's state, and Sanic hands each request to any of its workers. A WebSocket
    stays on the worker that accepted it, which also emits that session's replies.
    (Replicas behind a load balancer need the same: sticky sessions or WebSocket only.)
    """
    workers = settings.rasa_worker_count
    if workers > 1 and not settings.socketio_websocket_only:
        raise ConfigError(POLLING_UNSAFE.format(workers=workers))


def rasa_command(settings: Settings, model: Path, endpoints: Path) -> List[str]:
    """The Rasa server's command line (every start goes through here: run, serve-rasa)."""
    check_socketio_workers(settings)
    argv = [
        sys.executable,
        "-m",
        "rasa",
        "run",
        "--model",
        str(model),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(settings.home / "credentials.yml"),
        "--interface",
        settings.rasa_host,
        "--port",
        str(settings.rasa_port),
        "--cors",
        *cors_origins(settings),
    ]
    if settings.rasa_api_enabled:
        argv += ["--enable-api", "--auth-token", settings.rasa_api_token]
    return argv


def bot_command(settings: Settings) -> List[str]:
    return [sys.executable, "-m", "bot.server"]


class ManagedProcess:
    """A child process whose output is echoed with a prefix and remembered."""

    def __init__(
        self, name: str, argv: List[str], env: Dict[str, str], cwd: Path, log_path: Path, echo: bool = True
    ) -> None:
        self.name = name
        self.echo = echo
        self.argv = argv
        self.env = env
        self.cwd = cwd
        self.log_path = log_path
        self.tail: Deque[str] = collections.deque(maxlen=25)
        self.process: Optional[subprocess.Popen] = None
        self._pump: Optional[threading.Thread] = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            self.argv,
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
        )
        self._pump = threading.Thread(target=self._echo, name=f"{self.name}-output", daemon=True)
        self._pump.start()

    def _echo(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        with self.log_path.open("a", encoding="utf-8") as log:
            for line in self.process.stdout:
                # Rasa's own log records are not ours to filter: mask phone numbers here.
                line = mask_personal_data(line.rstrip("\n"))
                self.tail.append(line)
                log.write(line + "\n")
                log.flush()
                if self.echo:
                    print(f"[{self.name}] {line}", flush=True)

    def exit_code(self) -> Optional[int]:
        return None if self.process is None else self.process.poll()

    def stop(self) -> None:
        """SIGTERM the process group, then SIGKILL after a grace period."""
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        if self._pump is not None:
            self._pump.join(timeout=2)

    def failure_report(self) -> str:
        code = self.exit_code()
        lines = "\n".join(f"    {line}" for line in self.tail) or "    (no output)"
        return f"{self.name} exited with code {code}. Last output:\n{lines}"


def port_in_use(host: str, port: int) -> bool:
    """True when something already accepts connections on host:port."""
    address = "127.0.0.1" if host in ("0.0.0.0", "") else host
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        return probe.connect_ex((address, port)) == 0


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return 200 <= reply.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


class Stack:
    """The two processes of the product, started and stopped together."""

    def __init__(self, settings: Settings, model: Path, echo: bool = True) -> None:
        # Both processes must agree on the action secret: Rasa reads it from endpoints.yml,
        # the bot service from its environment.
        self.settings = settings = with_action_secret(settings)
        self.model = model
        env = {**subprocess_env(settings), "ENLIST_ACTION_SECRET": settings.action_secret}
        log_dir = settings.var_dir / "log"
        endpoints = write_run_files(settings)
        rasa_env = {**env, "SANIC_WORKERS": str(settings.rasa_worker_count)}
        self.bot = ManagedProcess("bot", bot_command(settings), env, settings.home, log_dir / "bot.log", echo)
        self.rasa = ManagedProcess(
            "rasa", rasa_command(settings, model, endpoints), rasa_env, settings.home, log_dir / "rasa.log", echo
        )
        self.processes = [self.bot, self.rasa]
        self.ready_urls = {
            self.bot: f"{settings.bot_url}/health",
            self.rasa: f"{settings.rasa_url}/webhooks/rest/",
        }

    def start(self) -> float:
        """Start both and wait until both answer; returns seconds to ready."""
        for host, port in (
            (self.settings.rasa_host, self.settings.rasa_port),
            (self.settings.bot_host, self.settings.bot_port),
        ):
            if port_in_use(host, port):
                raise StackError(
                    f"port {port} on {host} is already in use (another `enlist run`?); "
                    "stop it or choose other ports with ENLIST_RASA_PORT / ENLIST_BOT_PORT"
                )
        started = time.monotonic()
        self.settings.var_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.settings.var_dir, 0o700)  # holds enlist.db, tracker.db, the outbox
        # The model record first, then the bot service: Rasa fetches its model from it.
        set_current(self.settings, self.model)
        for process in self.processes:
            process.start()
            self._wait_ready([process], started)
        return time.monotonic() - started

    def restart(self, process: ManagedProcess) -> float:
        """Stop and start one of the two (e.g. the Rasa server); returns seconds to ready."""
        process.stop()
        started = time.monotonic()
        process.start()
        self._wait_ready([process], started)
        return time.monotonic() - started

    def _wait_ready(self, processes: List[ManagedProcess], started: float) -> None:
        deadline = started + self.settings.ready_timeout
        pending = list(processes)
        while pending:
            dead = self.dead_process()
            if dead is not None:
                raise StackError(dead.failure_report())
            pending = [p for p in pending if not http_ok(self.ready_urls[p])]
            if not pending:
                return
            if time.monotonic() > deadline:
                names = ", ".join(p.name for p in pending)
                raise StackError(f"{names} not ready after {self.settings.ready_timeout:.0f} s")
            time.sleep(0.5)

    def dead_process(self) -> Optional[ManagedProcess]:
        for process in self.processes:
            if process.exit_code() is not None:
                return process
        return None

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()


def run_stack(settings: Settings, model: Path) -> int:
    """Run until Ctrl-C/SIGTERM (exit 0) or until a process dies (exit 1)."""
    stop_requested = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        stop_requested.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    stack = Stack(settings, model)
    try:
        try:
            seconds = stack.start()
        except StackError as exc:
            print(f"\nstart-up failed: {exc}", file=sys.stderr, flush=True)
            return 1
        if stop_requested.is_set():
            return 0
        print(
            f"\nEnlist Assistant is ready after {seconds:.1f} s (model {model.name}):\n"
            f"  chat (REST)     {settings.rasa_url}/webhooks/rest/webhook\n"
            f"  chat (socket)   {settings.rasa_url}/socket.io\n"
            f"  WeChat          {f'{settings.rasa_url}/webhooks/wechat/webhook' if settings.wechat_enabled else 'off (set ENLIST_WECHAT_TOKEN to enable)'}\n"
            f"  demo page       {settings.bot_url}/  (the chat widget: {settings.bot_url}/widget.js)\n"
            f"  bot service     {settings.bot_url}  (/health, /webhook, /feedback)\n"
            f"  Rasa HTTP API   {'on (token required)' if settings.rasa_api_enabled else 'off (set ENLIST_RASA_API_TOKEN to enable)'}\n"
            f"  profile         {settings.profile}: {settings.rasa_worker_count} Rasa worker(s), "
            f"{settings.bot_worker_count} bot worker(s)\n"
            "Press Ctrl-C to stop both.\n",
            flush=True,
        )
        while not stop_requested.wait(0.5):
            dead = stack.dead_process()
            if dead is not None:
                print(f"\n{dead.failure_report()}\nstopping the other process.", file=sys.stderr, flush=True)
                return 1
        print("\nstopping ...", flush=True)
        return 0
    finally:
        stack.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
