"""One student at a time: start-up time to ready and reply latency.

Starts the stack like `enlist run` on free ports with a temporary var/ directory, then
plays students one after another through the REST channel, as the widget does: each says
hello, asks six held-out test questions and says thanks (8 turns; every answer travels
through the action server). Prints the median and p95 latency over all turns.
Run: `make bench-single`.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import sys
import tempfile
import time
import urllib.request

from bot.config import Settings
from bot.models.evaluation import load_test_set
from bot.models.training import ensure_model
from bot.runner import Stack

QUESTIONS_PER_STUDENT = 6


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _send(url: str, sender: str, text: str) -> float:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as reply:
        reply.read()
    return time.perf_counter() - started


def main() -> int:
    with tempfile.TemporaryDirectory() as var_dir:
        os.environ.update(
            {"ENLIST_RASA_PORT": str(_free_port()), "ENLIST_BOT_PORT": str(_free_port()), "ENLIST_VAR_DIR": var_dir}
        )
        settings = Settings.from_env()
        model = ensure_model(settings).path
        stack = Stack(settings, model)
        try:
            ready = stack.start()
            in_scope, out_of_scope = load_test_set(settings.home)
            questions = [text for text, _ in in_scope] + list(out_of_scope)
            url = f"{settings.rasa_url}/webhooks/rest/webhook"
            for text in questions[:5]:  # warm-up: first parses load lazily initialised parts
                _send(url, "bench-warmup", text)
            latencies = []
            for student, start in enumerate(range(0, len(questions), QUESTIONS_PER_STUDENT)):
                turns = ["你好", *questions[start : start + QUESTIONS_PER_STUDENT], "谢谢"]
                latencies += [_send(url, f"bench-student-{student}", text) for text in turns]
        finally:
            stack.stop()
    latencies_ms = sorted(x * 1000 for x in latencies)
    p95 = latencies_ms[int(0.95 * (len(latencies_ms) - 1))]
    print(f"model                 {model.name} ({model.stat().st_size / 1e6:.1f} MB)")
    print(f"start-up to ready     {ready:.1f} s (Rasa server and bot service)")
    print(
        f"messages              {len(latencies_ms)} sequential turns, one student at a time, {QUESTIONS_PER_STUDENT + 2} turns each"
    )
    print(
        f"reply latency         median {statistics.median(latencies_ms):.0f} ms, p95 {p95:.0f} ms, max {latencies_ms[-1]:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
