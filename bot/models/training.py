"""Building the FAQ training data and training the Rasa model only when an input changed.

The fingerprint covers everything the model depends on: the FAQ phrasings and ids (not
the answer texts, which the running actions read live from ``faq/``), the hand-written
NLU data and rules, the domain, the pipeline configuration, our normalisation code and
the Rasa version. A model is stored as ``models/enlist-<fingerprint>.tar.gz``, so
"is there a model for the current inputs?" is a file lookup.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional

from bot.config import Settings
from bot.errors import FaqError, TrainingError
from bot.faq.compiler import write_training_data
from bot.faq.validator import ValidationResult, validate_dir

logger = logging.getLogger(__name__)

GENERATED_FAQ_DATA = Path("data/nlu/faq.generated.yml")
MODEL_PREFIX = "enlist-"
KEEP_MODELS = 3
#: Share of the configured epochs a fine-tuning run trains (new phrasings only).
FINETUNE_EPOCH_FRACTION = 0.5
#: Our own code that changes what a trained model is: text normalisation and the FAQ
#: selector (bot/nlu/parse_cache.py is runtime-only and not listed).
NLU_CODE = (Path("bot/lang/text.py"), Path("bot/nlu/normalizer.py"), Path("bot/nlu/faq_selector.py"))


def subprocess_env(settings: Optional[Settings] = None) -> dict:
    """Environment for Rasa subprocesses: telemetry off, quiet TensorFlow."""
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env.setdefault("PYTHONWARNINGS", "ignore")
    if settings is not None:
        env["ENLIST_HOME"] = str(settings.home)
    return env


def validated_faq(settings: Settings) -> ValidationResult:
    """Validate ``faq/``; raise :class:`FaqError` with the Chinese report on errors."""
    result = validate_dir(settings.faq_dir, max_age_days=settings.faq_max_age_days)
    if not result.ok:
        raise FaqError(result.report(settings.home))
    return result


def build_faq(settings: Settings) -> bool:
    """Validate and compile ``faq/`` into the generated data file; True if it changed."""
    result = validated_faq(settings)
    return write_training_data(result.entries, settings.home / GENERATED_FAQ_DATA)


def _files_under(path: Path) -> Iterable[Path]:
    if path.is_file():
        yield path
    elif path.is_dir():
        yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix not in (".tmp", ".pyc"))


def fingerprint(settings: Settings, phrasings: bool = True) -> str:
    """Hash of every training input (see module docstring).

    With ``phrasings=False`` the FAQ phrasings are left out (ids stay): two models with
    the same such "structure" fingerprint differ only in phrasings, so the newer can be
    fine-tuned from the older (bot/models/reload.py).
    """
    import rasa

    home = settings.home
    digest = hashlib.sha256(f"rasa {rasa.__version__}\n".encode())
    result = validated_faq(settings)
    for entry in result.entries:
        digest.update(json.dumps([entry.id, entry.questions if phrasings else []], ensure_ascii=False).encode())
    inputs: List[Path] = []
    for relative in (Path("data"), Path("domain"), Path("config.yml"), *NLU_CODE):
        inputs.extend(_files_under(home / relative))
    generated = (home / GENERATED_FAQ_DATA).resolve()
    for path in inputs:
        if path.resolve() == generated:
            continue  # derived from faq/; its training-relevant part is hashed above
        digest.update(str(path.relative_to(home)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class ModelInfo:
    path: Path
    fingerprint: str
    trained: bool
    seconds: float = 0.0


def model_path_for(settings: Settings, fp: str) -> Path:
    return settings.models_dir / f"{MODEL_PREFIX}{fp}.tar.gz"


def latest_model(settings: Settings) -> Optional[Path]:
    models = sorted(settings.models_dir.glob(f"{MODEL_PREFIX}*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def ensure_model(settings: Settings, force: bool = False) -> ModelInfo:
    """Build the FAQ data and train unless a model for the current inputs exists."""
    build_faq(settings)
    fp = fingerprint(settings)
    target = model_path_for(settings, fp)
    if target.exists() and not force:
        logger.info("inputs unchanged (fingerprint %s): using %s", fp, target.name)
        return ModelInfo(target, fp, trained=False)
    seconds = train(settings, target)
    from bot.models.registry import remember

    remember(settings, target, structure=fingerprint(settings, phrasings=False))  # `enlist reload` may fine-tune from it
    _prune_models(settings, keep=target)
    return ModelInfo(target, fp, trained=True, seconds=seconds)


def train(settings: Settings, target: Path, finetune_from: Optional[Path] = None) -> float:
    """Run ``rasa train`` into ``target`` (fine-tuning ``finetune_from`` if given);
    returns the wall-clock seconds it took."""
    target.parent.mkdir(parents=True, exist_ok=True)
    name = target.name[: -len(".tar.gz")]
    argv = [
        sys.executable, "-m", "rasa", "train",
        "--config", "config.yml", "--domain", "domain", "--data", "data",
        "--out", str(target.parent), "--fixed-model-name", name, "--force",
    ]
    if finetune_from is not None:
        argv += ["--finetune", str(finetune_from), "--epoch-fraction", str(FINETUNE_EPOCH_FRACTION)]
    print(f"training model {target.name} (this takes a few minutes) ...", flush=True)
    started = time.monotonic()
    completed = subprocess.run(argv, cwd=settings.home, env=subprocess_env(settings))
    seconds = time.monotonic() - started
    if completed.returncode != 0 or not target.exists():
        raise TrainingError(f"rasa train failed with exit code {completed.returncode}")
    print(f"trained {target.name} in {seconds:.0f} s", flush=True)
    return seconds


def _prune_models(settings: Settings, keep: Path) -> None:
    from bot.models.registry import pinned_models

    pinned = pinned_models(settings) | {keep.name}
    models = sorted(settings.models_dir.glob(f"{MODEL_PREFIX}*.tar.gz"), key=lambda p: p.stat().st_mtime)
    for old in models[:-KEEP_MODELS]:
        if old.name not in pinned:
            old.unlink(missing_ok=True)
