"""NLU evaluation on the held-out test set in ``tests/nlu/``.

Each message is parsed by the trained model and passed through the same decision the
answering action makes (:func:`bot.faq.answering.decide`). An in-scope message counts as
correct only when the bot would answer it with the expected entry; an out-of-scope
message counts as rejected when the bot would not answer it with any FAQ entry.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Tuple

import yaml

from bot.config import Settings
from bot.faq.answering import decide

TEST_DIR = Path("tests/nlu")
Parser = Callable[[str], Awaitable[Dict[str, Any]]]


@dataclass(frozen=True)
class Miss:
    text: str
    expected: Optional[str]
    got: Optional[str]
    intent: Optional[str]
    confidence: float


@dataclass
class EvalReport:
    in_scope: int = 0
    correct: int = 0
    out_of_scope: int = 0
    rejected: int = 0
    misses: List[Miss] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def faq_accuracy(self) -> float:
        return self.correct / self.in_scope if self.in_scope else 0.0

    @property
    def oos_rejection(self) -> float:
        return self.rejected / self.out_of_scope if self.out_of_scope else 0.0


def load_test_set(home: Path) -> Tuple[List[Tuple[str, str]], List[str]]:
    """(in-scope (text, faq id) pairs, out-of-scope texts)."""
    in_scope = yaml.safe_load((home / TEST_DIR / "in_scope.yml").read_text(encoding="utf-8"))["examples"]
    out_of_scope = yaml.safe_load((home / TEST_DIR / "out_of_scope.yml").read_text(encoding="utf-8"))["examples"]
    return [(item["text"], item["faq"]) for item in in_scope], [str(text) for text in out_of_scope]


async def evaluate(
    parse: Parser,
    in_scope: Sequence[Tuple[str, str]],
    out_of_scope: Sequence[str],
    known_ids: Any,
    min_confidence: float,
) -> EvalReport:
    """Run every test message through ``parse`` and the answering decision."""
    report = EvalReport()
    started = time.monotonic()
    for text, expected in in_scope:
        parsed = await parse(text)
        decision = decide(parsed, known_ids, min_confidence)
        report.in_scope += 1
        if decision.answers and decision.entry_id == expected:
            report.correct += 1
        else:
            report.misses.append(_miss(text, expected, decision.entry_id if decision.answers else None, parsed, decision.confidence))
    for text in out_of_scope:
        parsed = await parse(text)
        decision = decide(parsed, known_ids, min_confidence)
        report.out_of_scope += 1
        if decision.answers:
            report.misses.append(_miss(text, None, decision.entry_id, parsed, decision.confidence))
        else:
            report.rejected += 1
    report.seconds = time.monotonic() - started
    return report


def _miss(text: str, expected: Optional[str], got: Optional[str], parsed: Dict[str, Any], confidence: float) -> Miss:
    intent = parsed.get("intent") or {}
    return Miss(text, expected, got, intent.get("name"), confidence or float(intent.get("confidence") or 0.0))


def evaluate_model(settings: Settings, model_path: Path) -> EvalReport:
    """Load the model in this process and evaluate it on the test set."""
    from rasa.core.agent import load_agent

    from bot.faq.validator import validate_dir

    known_ids = {entry.id for entry in validate_dir(settings.faq_dir).entries}
    in_scope, out_of_scope = load_test_set(settings.home)

    async def run() -> EvalReport:
        agent = await load_agent(model_path=str(model_path))
        return await evaluate(agent.parse_message, in_scope, out_of_scope, known_ids, settings.faq_min_confidence)

    return asyncio.run(run())


def format_report(report: EvalReport) -> str:
    lines = [
        f"FAQ top-1 accuracy:      {report.faq_accuracy:.3f} ({report.correct}/{report.in_scope})",
        f"out-of-scope rejection:  {report.oos_rejection:.3f} ({report.rejected}/{report.out_of_scope})",
        f"parse time:              {report.seconds:.1f} s for {report.in_scope + report.out_of_scope} messages",
    ]
    if report.misses:
        lines.append("misses:")
        for miss in report.misses:
            want = miss.expected or "(decline)"
            got = miss.got or f"(no answer; intent {miss.intent})"
            lines.append(f"  {miss.text!r}: expected {want}, got {got} [{miss.confidence:.2f}]")
    return "\n".join(lines)
