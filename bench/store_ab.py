"""`python -m bench.store_ab`: the production profile with Rasa's SQLTrackerStore against the
appending tracker store (bot/rasa_ext/tracker_store.py), side by side in one run (issue 17).

Starts the configurations on their own temporary PostgreSQL databases (Redis lock store, as
`enlist run` with ENLIST_PROFILE=production does), then alternates between them: closed-loop
rounds at one concurrency level (turns/s, p50/p95, errors), and long conversations (every
student sends 60 turns) for the latency by turn number. Prints Markdown, with peak memory per
Rasa process. Load only targets 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp
import yaml

from bench.load import Conversations, LevelResult, Production, RssSampler, run_level
from bot.config import Settings
from bot.models.training import ensure_model
from bot.runner import tracker_store_endpoint

LONG_TURNS = 60


class Config:
    """One production stack: a tracker store type and a number of Rasa workers."""

    def __init__(
        self, name: str, store_type: str, workers: int, home: Path, model: Path, work: Path, postgres: str, redis: str
    ) -> None:
        self.name = name
        os.environ["ENLIST_RASA_WORKERS"] = str(workers)
        self.production = Production(home, model, work, postgres, redis)
        endpoints_path = self.production.settings.run_dir / "endpoints.yml"
        endpoints = yaml.safe_load(endpoints_path.read_text(encoding="utf-8"))
        endpoints["tracker_store"] = tracker_store_endpoint(self.production.leads_url, store_type)
        endpoints_path.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
        self.startup = 0.0

    def start(self) -> None:
        self.startup = self.production.start()


async def long_conversations(url: str, students: int, scripts: Conversations) -> Dict[int, List[float]]:
    """``students`` conversations of LONG_TURNS turns each, no pause; latency by turn number."""
    by_turn: Dict[int, List[float]] = {}
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as session:

        async def student(number: int) -> None:
            sender = f"bench-long-{number}-{time.monotonic_ns()}"
            pick = scripts.random.choice
            turns = ["你好"] + [
                pick(scripts.questions) if i % 3 else f'/faq{{"faq_id":"{pick(scripts.topics)}"}}'
                for i in range(LONG_TURNS - 1)
            ]
            for index, turn in enumerate(turns, 1):
                started = time.perf_counter()
                async with session.post(url, json={"sender": sender, "message": turn}) as reply:
                    await reply.read()
                    if reply.status == 200:
                        by_turn.setdefault(index, []).append(time.perf_counter() - started)

        await asyncio.gather(*(student(n) for n in range(students)))
    return by_turn


def _mean_ms(by_turn: Dict[int, List[float]], turns: range) -> float:
    values = [v for t in turns for v in by_turn.get(t, [])]
    return statistics.mean(values) * 1000 if values else float("nan")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.store_ab", description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=32)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per closed-loop round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--long-students", type=int, default=4, help="students in the 60-turn runs")
    parser.add_argument(
        "--configs",
        default="SQL:4,append:4,append:2",
        help="store:workers, comma-separated (store: SQL = Rasa's, append = ours)",
    )
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    args = parser.parse_args(argv)

    settings = Settings.from_env({**os.environ, "ENLIST_PROFILE": "embedded"})
    model = ensure_model(settings).path
    work = Path(tempfile.mkdtemp(prefix="enlist-store-ab-"))
    types = {"SQL": "SQL", "append": "bot.rasa_ext.tracker_store.AppendingSQLTrackerStore"}
    configs: List[Config] = []
    saved_workers = os.environ.get("ENLIST_RASA_WORKERS")
    try:
        for index, spec in enumerate(args.configs.split(",")):
            store, workers = spec.split(":")
            configs.append(
                Config(
                    f"{store}, {workers} Rasa workers",
                    types[store],
                    int(workers),
                    settings.home,
                    model,
                    work / f"c{index}",
                    args.postgres,
                    args.redis,
                )
            )
        for config in configs:
            print(f"starting {config.name} ...", flush=True)
            config.start()
        sampler = RssSampler({c.name: c.production.stack.rasa.process.pid for c in configs})
        sampler.start()
        scripts = Conversations(settings.home)
        rounds: Dict[str, List[LevelResult]] = {c.name: [] for c in configs}
        long: Dict[str, Dict[int, List[float]]] = {c.name: {} for c in configs}
        for number in range(args.rounds):
            for config in configs:
                print(f"round {number + 1}: {config.name} ...", flush=True)
                rounds[config.name].append(
                    asyncio.run(
                        run_level(config.name, config.production.chat_url, args.students, args.duration, scripts)
                    )
                )
                for turn, values in asyncio.run(
                    long_conversations(config.production.chat_url, args.long_students, scripts)
                ).items():
                    long[config.name].setdefault(turn, []).extend(values)
        sampler.stop()
        lines = [
            f"{args.students} students, closed loop, {args.rounds} alternating rounds of {args.duration:.0f} s; "
            f"then {args.long_students} students × {LONG_TURNS} turns per round",
            "",
            "| config | turns/s (rounds) | p50 ms | p95 ms | errors | turn 1–5 ms | turn 56–60 ms | start-up s | Rasa RSS |",
            "|---|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for config in configs:
            results = rounds[config.name]
            latencies = sorted(v for r in results for v in r.latencies)

            def pct(q: float, latencies: List[float] = latencies) -> float:
                return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

            rps = " / ".join(f"{r.rps:.1f}" for r in results)
            lines.append(
                f"| {config.name} | {statistics.mean(r.rps for r in results):.1f} ({rps}) | {pct(0.5):.0f} | {pct(0.95):.0f} | "
                f"{sum(r.errors for r in results)} | {_mean_ms(long[config.name], range(1, 6)):.0f} | "
                f"{_mean_ms(long[config.name], range(56, 61)):.0f} | {config.startup:.1f} | {sampler.describe(config.name)} |"
            )
        print("\n".join(lines))
    finally:
        for config in reversed(configs):
            config.production.stop()
        if saved_workers is None:
            os.environ.pop("ENLIST_RASA_WORKERS", None)
        else:
            os.environ["ENLIST_RASA_WORKERS"] = saved_workers
    return 0


if __name__ == "__main__":
    sys.exit(main())
