"""NLU evaluation on the held-out test set. The first issue asked for both >= 0.90; the floors
sit a few items below what the model measures (2026-12-03: top-1 217/231 = 0.939, off-topic
61/61), so a regression fails while one training differing by an item or two does not."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.faq.validator import validate_dir
from bot.models.evaluation import evaluate_model, format_report, load_test_set

MIN_FAQ_ACCURACY = 0.92
MIN_OOS_REJECTION = 0.95


def test_test_set_is_large_and_independent(project_home: Path) -> None:
    in_scope, out_of_scope = load_test_set(project_home)
    assert len(in_scope) >= 150 and len(out_of_scope) >= 40
    entries = validate_dir(project_home / "faq").entries
    known = {e.id for e in entries}
    assert {expected for _, expected in in_scope} <= known
    training = {q.strip() for e in entries for q in e.questions}
    copied = [text for text, _ in in_scope if text.strip() in training] + [
        t for t in out_of_scope if t.strip() in training
    ]
    assert not copied, f"test messages copied from training phrasings: {copied}"


def test_faq_accuracy_and_out_of_scope_rejection(project_home: Path, trained_model: Path) -> None:
    report = evaluate_model(Settings.from_env({"ENLIST_HOME": str(project_home)}), trained_model)
    print("\n" + format_report(report))
    assert report.faq_accuracy >= MIN_FAQ_ACCURACY, format_report(report)
    assert report.oos_rejection >= MIN_OOS_REJECTION, format_report(report)
