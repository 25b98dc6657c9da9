"""`enlist bench` / `make bench`: stock `rasa run` against the production profile.

Both run the same trained model on this machine, started by this script on free ports:
- stock: `rasa run` with one process and in-memory tracker and lock stores, Rasa's own
  REST channel, and the stock rasa-sdk action server (`python -m rasa_sdk`), one process;
- production: `enlist run`'s stack with ENLIST_PROFILE=production: PostgreSQL tracker and
  lead stores (a temporary database, dropped afterwards), Redis lock store, several
  Sanic workers for the Rasa server and the bot service.

For each concurrency level (1, 8, 32, 128 simulated students) the two are driven in turn
with the same load twice: closed loop (no pause between messages: capacity) and paced (each
student pauses 1-3 s before the next message: latency as students feel it). Every student
plays conversations back to back (hello,
two free-text questions from the held-out test set, a topic button, an out-of-scope
message, thanks; every fourth conversation also fills the lead form). Load only targets
127.0.0.1, and every level stops after a fixed time. The script prints requests/s,
latency percentiles, errors, peak RSS per process, start-up time and the ratios, and
counts the leads in each database afterwards (none lost, none duplicated).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import math
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import aiohttp
import yaml
from sqlalchemy import text

from bot.config import Settings
from bot.models.evaluation import load_test_set
from bot.models.training import ensure_model, subprocess_env
from bot.runner import ManagedProcess, Stack, http_ok
from bot.storage.database import Database

LEVELS = (1, 8, 32, 128)
#: Seconds a paced student waits between a reply and their next message. Real students read
#: the answer and type on a phone (10 s and more); 1-3 s is a harsh burst, not a typical one.
THINK_SECONDS = (1.0, 3.0)
REQUEST_TIMEOUT = 30.0
LEAD_EVERY = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the load ------------------------------------------------------------------------


@dataclass
class LevelResult:
    name: str
    concurrency: int
    seconds: float
    latencies: List[float] = field(default_factory=list)
    errors: int = 0
    leads_confirmed: int = 0
    error_samples: List[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


class Conversations:
    """Deterministic conversation scripts drawn from the held-out test set."""

    def __init__(self, home: Path, seed: int = 2023) -> None:
        in_scope, out_of_scope = load_test_set(home)
        self.questions = [text for text, _ in in_scope]
        self.topics = sorted({faq for _, faq in in_scope})
        self.out_of_scope = list(out_of_scope)
        self.random = random.Random(seed)
        self.counter = itertools.count()
        self.phone_prefix = 170 + self.random.randrange(10)

    def next(self) -> Tuple[str, List[str], bool]:
        number = next(self.counter)
        pick = self.random.choice
        turns = [
            "你好",
            pick(self.questions),
            f'/faq{{"faq_id":"{pick(self.topics)}"}}',
            pick(self.questions),
            pick(self.out_of_scope),
        ]
        with_lead = number % LEAD_EVERY == LEAD_EVERY - 1
        if with_lead:
            phone = f"{self.phone_prefix}{number:08d}"
            turns += [
                "我想报名",
                "/affirm",
                "王小明",
                phone,
                "吕梁学院",
                "在校生",
                "本科",
                "山西省吕梁市离石区",
                "未定",
                "无",
                "/affirm",
            ]
        turns.append("谢谢")
        return f"bench-{secrets.token_hex(6)}", turns, with_lead


async def run_level(
    name: str,
    url: str,
    concurrency: int,
    duration: float,
    scripts: Conversations,
    think: Optional[Tuple[float, float]] = None,
) -> LevelResult:
    """Drive ``concurrency`` students for ``duration`` seconds. ``think``: seconds (min, max)
    each student waits between receiving a reply and sending the next message; None = closed
    loop with no pause, which measures capacity (latency is then mostly queueing)."""
    result = LevelResult(name, concurrency, duration)
    deadline = time.monotonic() + duration
    pauses = random.Random(concurrency)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

        async def student() -> None:
            while time.monotonic() < deadline:
                sender, turns, with_lead = scripts.next()
                for turn in turns:
                    if time.monotonic() >= deadline:
                        return
                    started = time.perf_counter()
                    try:
                        async with session.post(url, json={"sender": sender, "message": turn}) as reply:
                            body = await reply.json(content_type=None)
                            ok = reply.status == 200 and isinstance(body, list) and len(body) > 0
                    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
                        ok, body = False, repr(exc)
                    if ok:
                        result.latencies.append(time.perf_counter() - started)
                        if with_lead and turn == "/affirm" and any("已记录" in (m.get("text") or "") for m in body):
                            result.leads_confirmed += 1
                        if think:
                            await asyncio.sleep(min(pauses.uniform(*think), max(0.0, deadline - time.monotonic())))
                    else:
                        result.errors += 1
                        if len(result.error_samples) < 3:
                            result.error_samples.append(f"{turn!r}: {str(body)[:120]}")
                        break  # a broken conversation is abandoned, as a student would

        started = time.monotonic()
        await asyncio.gather(*(student() for _ in range(concurrency)))
        result.seconds = time.monotonic() - started
    return result


# --- memory ---------------------------------------------------------------------------


class RssSampler:
    """Peak resident memory of every process of a process tree, sampled in a thread."""

    def __init__(self, roots: Dict[str, int]) -> None:
        self.roots = roots
        self.peaks: Dict[str, Dict[int, int]] = {role: {} for role in roots}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(0.25):
            for role, root in self.roots.items():
                for pid in _tree(root):
                    rss = _rss_kb(pid)
                    if rss:
                        self.peaks[role][pid] = max(self.peaks[role].get(pid, 0), rss)

    def describe(self, role: str) -> str:
        peaks = sorted(self.peaks[role].values(), reverse=True)
        if not peaks:
            return "n/a"
        return f"{len(peaks)} proc, max {peaks[0] / 1024:.0f} MB, total {sum(peaks) / 1024:.0f} MB"


def _children() -> Dict[int, List[int]]:
    children: Dict[int, List[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    return children


def _tree(root: int) -> List[int]:
    children, todo, seen = _children(), [root], []
    while todo:
        pid = todo.pop()
        seen.append(pid)
        todo.extend(children.get(pid, []))
    return seen


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# --- the two configurations ------------------------------------------------------------


class StockRasa:
    """`rasa run` + `python -m rasa_sdk`, one process each, in-memory stores."""

    def __init__(self, home: Path, model: Path, work: Path) -> None:
        work.mkdir(parents=True, exist_ok=True)
        self.port, action_port = free_port(), free_port()
        (work / "endpoints.yml").write_text(
            yaml.safe_dump({"action_endpoint": {"url": f"http://127.0.0.1:{action_port}/webhook"}})
        )
        (work / "credentials.yml").write_text("rest: {}\n")
        env = {
            **subprocess_env(),
            "ENLIST_HOME": str(home),
            "ENLIST_VAR_DIR": str(work / "var"),
            "SANIC_WORKERS": "1",
            "ENLIST_PROFILE": "embedded",
        }
        logs = work / "log"
        self.actions = ManagedProcess(
            "stock-actions",
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
            env,
            home,
            logs / "actions.log",
            echo=False,
        )
        self.rasa = ManagedProcess(
            "stock-rasa",
            [
                sys.executable,
                "-m",
                "rasa",
                "run",
                "--model",
                str(model),
                "--endpoints",
                str(work / "endpoints.yml"),
                "--credentials",
                str(work / "credentials.yml"),
                "--interface",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            env,
            home,
            logs / "rasa.log",
            echo=False,
        )
        self.ready_url = f"http://127.0.0.1:{self.port}/webhooks/rest/"
        self.action_url = f"http://127.0.0.1:{action_port}/health"
        self.leads_url = f"sqlite:///{work / 'var' / 'enlist.db'}"

    @property
    def chat_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/rest/webhook"

    def start(self) -> float:
        started = time.monotonic()
        self.actions.start()
        self.rasa.start()
        _wait([(self.rasa, self.ready_url), (self.actions, self.action_url)], 300)
        return time.monotonic() - started

    def roots(self) -> Dict[str, int]:
        return {"rasa": self.rasa.process.pid, "actions": self.actions.process.pid}

    def stop(self) -> None:
        self.rasa.stop()
        self.actions.stop()


class Production:
    """The `enlist run` stack with ENLIST_PROFILE=production on a temporary database."""

    def __init__(self, home: Path, model: Path, work: Path, admin_url: str, redis_url: str) -> None:
        self.admin = Database(admin_url)
        self.database_name = f"enlist_bench_{secrets.token_hex(4)}"
        with self.admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'CREATE DATABASE "{self.database_name}"'))
        base = admin_url.rsplit("/", 1)[0]
        self.leads_url = f"{base}/{self.database_name}"
        env = {
            "ENLIST_HOME": str(home),
            "ENLIST_PROFILE": "production",
            "ENLIST_VAR_DIR": str(work / "var"),
            "ENLIST_DATABASE_URL": self.leads_url,
            "ENLIST_TRACKER_STORE_URL": self.leads_url,
            "ENLIST_REDIS_URL": redis_url,
            "ENLIST_SECRET_KEY": secrets.token_hex(16),
            "ENLIST_ACTION_SECRET": secrets.token_hex(16),
            "ENLIST_RASA_PORT": str(free_port()),
            "ENLIST_BOT_PORT": str(free_port()),
            # several Rasa workers: socket.io must be WebSocket only (the load itself is REST)
            "ENLIST_SOCKETIO_WEBSOCKET_ONLY": "true",
        }
        self._saved = {key: os.environ.get(key) for key in env}
        os.environ.update(env)
        self.settings = Settings.from_env()
        self.stack = Stack(self.settings, model, echo=False)

    @property
    def chat_url(self) -> str:
        return f"{self.settings.rasa_url}/webhooks/rest/webhook"

    def start(self) -> float:
        return self.stack.start()

    def roots(self) -> Dict[str, int]:
        return {"rasa": self.stack.rasa.process.pid, "bot": self.stack.bot.process.pid}

    def stop(self) -> None:
        self.stack.stop()
        for key, value in self._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        with self.admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)'))
        self.admin.dispose()


def _wait(targets: Sequence[Tuple[ManagedProcess, str]], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pending = list(targets)
    while pending:
        for process, _ in pending:
            if process.exit_code() is not None:
                raise RuntimeError(process.failure_report())
        pending = [(p, url) for p, url in pending if not http_ok(url)]
        if pending and time.monotonic() > deadline:
            raise RuntimeError(f"not ready after {timeout} s: {[p.name for p, _ in pending]}")
        time.sleep(0.5)


def count_leads(url: str) -> Tuple[int, int]:
    """(leads, distinct phones) in a leads database."""
    database = Database(url)
    try:
        database.migrate()  # an empty database (no lead ever saved) counts as zero
        with database.begin() as connection:
            total = connection.execute(text("SELECT count(*) FROM leads")).scalar_one()
            distinct = connection.execute(text("SELECT count(DISTINCT phone) FROM leads")).scalar_one()
        return total, distinct
    finally:
        database.dispose()


# --- report ---------------------------------------------------------------------------


def _commit(home: Path) -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=home, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=home, capture_output=True, text=True
        ).stdout.strip()
        return commit + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _rows(results: List[Tuple[LevelResult, LevelResult]]) -> List[str]:
    lines = [
        "| students | config | requests/s | p50 ms | p95 ms | p99 ms | errors | turns |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for stock, production in results:
        for row in (stock, production):
            lines.append(
                f"| {row.concurrency} | {row.name} | {row.rps:.1f} | {row.percentile(0.50):.0f} | {row.percentile(0.95):.0f} | "
                f"{row.percentile(0.99):.0f} | {row.errors} | {row.requests} |"
            )
    return lines


def _ratio(a: float, b: float) -> str:
    """``a / b`` as "2.71×"; "n/a" when either side is missing (NaN: a level with no replies)."""
    return f"{a / b:.2f}×" if b and math.isfinite(a) and math.isfinite(b) else "n/a"


def report(
    results: List[Tuple[LevelResult, LevelResult]],
    paced: List[Tuple[LevelResult, LevelResult]],
    startup: Dict[str, float],
    memory: Dict[str, str],
    leads: Dict[str, Tuple[int, int, int]],
    home: Path,
    duration: float,
    workers: str,
) -> str:
    low, high = THINK_SECONDS
    lines = [
        "<!-- GENERATED FILE - DO NOT EDIT BY HAND. Written by `enlist bench` (bench/load.py). -->",
        "",
        "# Benchmark: stock `rasa run` vs the production profile",
        "",
        f"- date: {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}; commit measured: {_commit(home)}",
        f"- machine: {os.cpu_count()} cores, {_mem_gb():.0f} GiB RAM; load generator on the same machine",
        "- stock: `rasa run` (1 process, in-memory tracker and lock stores) + `python -m rasa_sdk` (1 process)",
        f"- production: ENLIST_PROFILE=production, PostgreSQL tracker and lead stores, Redis lock store, {workers}",
        f"- load: each level {duration:.0f} s per configuration and mode, alternating stock/production; "
        f"conversations of 6 turns (hello, 2 questions, a topic button, out-of-scope, thanks), every {LEAD_EVERY}th with the 11-turn lead form",
        "",
        "## Capacity: closed loop (every student sends the next message as soon as the reply arrives)",
        "",
        "Latency here is mostly time spent queueing: with N students and no pause, the mean is N / throughput.",
        "",
        *_rows(results),
        "",
        f"## Paced: every student waits {low:.0f}–{high:.0f} s (uniform) between a reply and the next message",
        "",
        *_rows(paced),
        "",
        "| students | throughput production/stock (closed loop) | p95 production/stock (paced) |",
        "|---:|---:|---:|",
    ]
    for (stock, production), (stock_paced, production_paced) in zip(results, paced, strict=True):
        lines.append(
            f"| {stock.concurrency} | {_ratio(production.rps, stock.rps)} | "
            f"{_ratio(production_paced.percentile(0.95), stock_paced.percentile(0.95))} |"
        )
    lines += [
        "",
        "| | stock | production |",
        "|---|---|---|",
        f"| start-up to ready | {startup['stock']:.1f} s | {startup['production']:.1f} s |",
        f"| peak RSS, Rasa server | {memory['stock rasa']} | {memory['production rasa']} |",
        f"| peak RSS, action server / bot service | {memory['stock actions']} | {memory['production bot']} |",
    ]
    for name, (confirmed, total, distinct) in leads.items():
        lines.append(
            f"| leads ({name}) | confirmed to students: {confirmed}; in the database: {total}; distinct phones: {distinct} | |"
        )
    for stock, production in results + paced:
        for row in (stock, production):
            for sample in row.error_samples:
                lines.append(f"\nerror sample ({row.name}, {row.concurrency} students): {sample}")
    return "\n".join(lines) + "\n"


def _mem_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="enlist bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per level and configuration (default 20)")
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)), help="concurrency levels, comma-separated")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("ENLIST_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="admin URL of the PostgreSQL server (a temporary database is created there)",
    )
    parser.add_argument("--redis", default=os.environ.get("ENLIST_BENCH_REDIS", "redis://127.0.0.1:6379/12"))
    parser.add_argument("--output", type=Path, help="also write the report (Markdown) to this file")
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",")]

    settings = Settings.from_env({**os.environ, "ENLIST_PROFILE": "embedded"})
    model = ensure_model(settings).path
    work = Path(tempfile.mkdtemp(prefix="enlist-bench-"))
    stock = StockRasa(settings.home, model, work / "stock")
    production = Production(settings.home, model, work / "production", args.postgres, args.redis)
    startup: Dict[str, float] = {}
    results: List[Tuple[LevelResult, LevelResult]] = []  # closed loop: capacity
    paced: List[Tuple[LevelResult, LevelResult]] = []  # students who pause between messages
    try:
        print("starting stock rasa ...", flush=True)
        startup["stock"] = stock.start()
        print("starting the production profile ...", flush=True)
        startup["production"] = production.start()
        sampler = RssSampler(
            {f"stock {k}": v for k, v in stock.roots().items()}
            | {f"production {k}": v for k, v in production.roots().items()}
        )
        sampler.start()
        scripts = Conversations(settings.home)
        for level in levels:
            for think, into in ((None, results), (THINK_SECONDS, paced)):
                pair = []
                for name, target in (("stock", stock), ("production", production)):
                    print(f"{level:>4} students, {'paced' if think else 'closed loop'} → {name} ...", flush=True)
                    pair.append(asyncio.run(run_level(name, target.chat_url, level, args.duration, scripts, think)))
                into.append((pair[0], pair[1]))
        sampler.stop()
        time.sleep(3)  # let the last turns' writes land
        leads = {}
        for name, target, index in (("stock", stock, 0), ("production", production, 1)):
            confirmed = sum(pair[index].leads_confirmed for pair in results + paced)
            leads[name] = (confirmed, *count_leads(target.leads_url))
        memory = {role: sampler.describe(role) for role in sampler.peaks}
        production_workers = (
            f"{production.settings.rasa_worker_count} Rasa workers, {production.settings.bot_worker_count} bot workers"
        )
        text_report = report(results, paced, startup, memory, leads, settings.home, args.duration, production_workers)
    finally:
        stock.stop()
        production.stop()
    print("\n" + text_report)
    if args.output:
        args.output.write_text(text_report, encoding="utf-8")
        print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
