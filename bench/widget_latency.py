"""The chat widget as a student sees it: asset sizes and time to the first visible answer.

Starts the stack like `enlist run` on free ports with a temporary var/ directory, opens
the demo page in headless Chromium at phone and desktop size, and asks held-out test
questions one after another. Each time is measured inside the page, from the Enter key
to the frame after the answer's bubble appeared (two animation frames: painted), so it
includes the widget's own work, the REST call, NLU and the action server.
Run: `make bench-widget`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import gzip
import os
import statistics
import sys
import tempfile
import urllib.request

from bot.config import Settings
from bot.models.evaluation import load_test_set
from bot.models.training import ensure_model
from bot.runner import Stack
from tests.browser import CHROMIUM, VIEWPORTS, context_options, launch_chromium
from tests.conftest import free_port

QUESTIONS = 30
WARM_UP = 3

# Runs in the page: send ``question`` like Enter does and resolve with the milliseconds
# until the first new bot bubble has been painted, and how long the chat request itself
# took (Resource Timing), to tell the widget's share from the server's.
TIME_TO_ANSWER = """async (question) => {
  const log = document.querySelector('.enlist-log');
  const count = () => log.querySelectorAll('.enlist-bot:not(.enlist-typing)').length;
  const before = count();
  const input = document.querySelector('.enlist-input');
  input.value = question;
  const started = performance.now();
  input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer after 30 s')), 30000);
    const observer = new MutationObserver(() => {
      if (count() > before) { observer.disconnect(); clearTimeout(timer); resolve(); }
    });
    observer.observe(log, {childList: true});
  });
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const total = performance.now() - started;
  const requests = performance.getEntriesByType('resource')
    .filter((e) => e.name.endsWith('/webhooks/rest/webhook') && e.startTime >= started);
  return [total, requests.length ? requests[requests.length - 1].duration : NaN];
}"""

# Milliseconds from navigation start to the greeting's bubble (widget loaded, /greet answered).
TIME_TO_GREETING = """async () => {
  await new Promise((resolve) => {
    const ready = () => document.querySelector('.enlist-log .enlist-bot:not(.enlist-typing)');
    if (ready()) return resolve();
    const observer = new MutationObserver(() => { if (ready()) { observer.disconnect(); resolve(); } });
    observer.observe(document.body, {childList: true, subtree: true});
  });
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  return performance.now();
}"""


def asset_sizes(settings: Settings) -> None:
    total = 0
    for name in ("widget.js", "widget.css"):
        request = urllib.request.Request(f"{settings.bot_url}/{name}", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as reply:
            body = reply.read()
        raw = len(gzip.decompress(body)) if reply.headers.get("Content-Encoding") == "gzip" else len(body)
        total += len(body)
        print(f"{name:<12} {raw / 1024:6.1f} KB, served gzipped {len(body) / 1024:5.1f} KB")
    print(f"{'widget total':<12} {total / 1024:6.1f} KB gzipped (budget 40 KB)")


def percentile(values, fraction: float) -> float:
    ordered = sorted(values)
    return ordered[int(fraction * (len(ordered) - 1))]


def measure(browser, settings: Settings, viewport: str, questions) -> None:  # noqa: ANN001
    context = browser.new_context(**context_options(viewport))
    page = context.new_page()
    page.goto(f"{settings.bot_url}/")
    greeting_ms = page.evaluate(TIME_TO_GREETING)
    for question in questions[:WARM_UP]:
        page.evaluate(TIME_TO_ANSWER, question)
    measured = [page.evaluate(TIME_TO_ANSWER, question) for question in questions[WARM_UP:]]
    context.close()
    times, requests = [m[0] for m in measured], [m[1] for m in measured]
    width, height = VIEWPORTS[viewport]
    print(
        f"{viewport} {width}x{height}: page load to greeting {greeting_ms:.0f} ms; "
        f"Enter to answer painted over {len(times)} questions: median {statistics.median(times):.0f} ms, "
        f"p95 {percentile(times, 0.95):.0f} ms, max {max(times):.0f} ms "
        f"(the chat request alone: median {statistics.median(requests):.0f} ms)"
    )


def main() -> int:
    print(
        f"load average before start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work slows every figure)"
    )
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk")
        return 1
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as var_dir:
        os.environ.update(
            {"ENLIST_RASA_PORT": str(free_port()), "ENLIST_BOT_PORT": str(free_port()), "ENLIST_VAR_DIR": var_dir}
        )
        settings = Settings.from_env()
        stack = Stack(settings, ensure_model(settings).path)
        try:
            ready = stack.start()
            print(f"stack ready after {ready:.1f} s")
            asset_sizes(settings)
            in_scope, _ = load_test_set(settings.home)
            questions = [text for text, _ in in_scope][: QUESTIONS + WARM_UP]
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                try:
                    for viewport in VIEWPORTS:
                        measure(browser, settings, viewport, questions)
                finally:
                    browser.close()
        finally:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
