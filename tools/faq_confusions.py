"""Which FAQ entries the selector confuses, measured on the training phrasings only.

Runs a stratified k-fold cross-validation of the FAQ selector's model (TF-IDF character
n-grams and jieba words, the same feature code as ``bot/nlu/faq_selector.py``, logistic
regression with C=20) over the ``questions:`` of ``faq/*.yml``, and prints the recall of
every entry (worst first) and the entry pairs most often mistaken for each other. No test
set is read, so editors can use it to decide which entries need more or clearer phrasings.

Usage (from the repository root)::

    .venv/bin/python tools/faq_confusions.py [--folds 5] [--worst 30] [--pairs 30] [--show]

``--show`` also lists every misclassified phrasing with the entry it went to.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jieba  # noqa: E402
import numpy as np  # noqa: E402
import scipy.sparse  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from bot.faq.loader import faq_files, load_file  # noqa: E402
from bot.lang.text import normalize_for_nlu  # noqa: E402
from bot.nlu.faq_selector import Vectorizer, char_features, word_features  # noqa: E402

CHAR_NGRAMS = (1, 3)
REGULARIZATION_C = 20.0


def phrasings(faq_dir: Path) -> List[Tuple[str, str]]:
    """(entry id, phrasing) for every question of every FAQ entry."""
    pairs: List[Tuple[str, str]] = []
    for path in faq_files(faq_dir):
        entries, _ = load_file(path)
        for entry in entries:
            for question in entry.data.get("questions") or []:
                pairs.append((str(entry.data["id"]), str(question)))
    return pairs


def features(texts: List[str]) -> Tuple[List[Counter], List[Counter]]:
    """Character n-gram and word counts of each normalised text."""
    normalised = [normalize_for_nlu(t) for t in texts]
    chars = [char_features(t, CHAR_NGRAMS) for t in normalised]
    words = [word_features(jieba.lcut(t)) for t in normalised]
    return chars, words


def cross_validate(labels: np.ndarray, chars: List[Counter], words: List[Counter], folds: int, seed: int) -> np.ndarray:
    """The predicted label index of every phrasing, each predicted by a model not trained on it."""
    predicted = np.empty_like(labels)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(labels)), labels):
        vectorizers = (Vectorizer.fit([chars[i] for i in train]), Vectorizer.fit([words[i] for i in train]))

        def matrix(rows: np.ndarray, vectorizers=vectorizers) -> scipy.sparse.csr_matrix:
            return scipy.sparse.hstack(
                [
                    vectorizers[0].transform([chars[i] for i in rows]),
                    vectorizers[1].transform([words[i] for i in rows]),
                ]
            ).tocsr()

        classifier = LogisticRegression(C=REGULARIZATION_C, max_iter=5000)
        classifier.fit(matrix(train), labels[train])
        predicted[test] = classifier.predict(matrix(test))
    return predicted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faq-dir", type=Path, default=ROOT / "faq")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--worst", type=int, default=30, help="how many entries to list, worst recall first")
    parser.add_argument("--pairs", type=int, default=30, help="how many confused pairs to list")
    parser.add_argument("--show", action="store_true", help="list every misclassified phrasing")
    args = parser.parse_args()

    jieba.setLogLevel(60)
    jieba.load_userdict(str(ROOT / "data" / "jieba" / "userdict.txt"))
    data = phrasings(args.faq_dir)
    names = sorted({entry for entry, _ in data})
    labels = np.array([names.index(entry) for entry, _ in data])
    texts = [text for _, text in data]
    chars, words = features(texts)
    predicted = cross_validate(labels, chars, words, args.folds, args.seed)

    recall: Dict[str, float] = {}
    for index, name in enumerate(names):
        rows = labels == index
        recall[name] = float((predicted[rows] == index).mean())
    counts = Counter(names[i] for i in labels)
    print(f"{len(names)} entries, {len(texts)} phrasings, {args.folds}-fold CV")
    print(
        f"accuracy {float((predicted == labels).mean()):.3f}, mean per-entry recall {np.mean(list(recall.values())):.3f}"
    )
    print(f"\nworst {args.worst} entries by recall (phrasings):")
    for name in sorted(names, key=lambda n: (recall[n], n))[: args.worst]:
        print(f"  {recall[name]:.3f}  {name} ({counts[name]})")

    pairs: Counter = Counter()
    for true, guess in zip(labels, predicted, strict=True):
        if true != guess:
            pairs[tuple(sorted((names[true], names[guess])))] += 1
    print("\nmost confused pairs (errors in either direction):")
    for (a, b), n in pairs.most_common(args.pairs):
        print(f"  {n:2d}  {a} <-> {b}")

    if args.show:
        print("\nmisclassified phrasings (entry -> predicted):")
        for text, true, guess in zip(texts, labels, predicted, strict=True):
            if true != guess:
                print(f"  {names[true]} -> {names[guess]}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
