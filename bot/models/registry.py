"""Which trained model the Rasa server should run ("current") and the one before it
("previous", for ``enlist rollback``), kept in ``var/model.json``.

The bot service serves the current model at ``GET /models/current`` (bot/service/model_route.py);
Rasa pulls it from there (``models:`` in the endpoints file bot/runner.py writes), so
switching models is writing this record - no restart, conversations stay in the tracker
store. The record also remembers per model its structure fingerprint (may a later model
be fine-tuned from it?) and its measured FAQ accuracy (the reload's accuracy guard).

Several processes write the record (the bot-service workers behind the portal, ``enlist
train`` / ``reload`` / ``rollback``): every read-change-write holds the cross-process file
lock ``var/model.json.lock`` (:mod:`filelock`), and the new record replaces the old one
atomically, so readers (bot/service/model_route.py) never see half of one and no update is lost.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any, Dict, Optional, Set

from filelock import FileLock

from bot.config import Settings


def record_path(settings: Settings) -> Path:
    return settings.var_dir / "model.json"


def _record_lock(settings: Settings) -> FileLock:
    """The record's write lock, shared by every process and thread (a new holder each call:
    two threads of one process exclude each other too); waits while another writer has it."""
    path = record_path(settings)
    return FileLock(path.with_name(path.name + ".lock"))


def read_record(settings: Settings) -> Dict[str, Any]:
    try:
        data = json.loads(record_path(settings).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write(settings: Settings, record: Dict[str, Any]) -> None:
    path = record_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(temporary, path)  # readers see the old or the new record, never half of one


def _model(settings: Settings, name: Optional[str]) -> Optional[Path]:
    if not name:
        return None
    path = settings.models_dir / name
    return path if path.is_file() else None


def current_model(settings: Settings) -> Optional[Path]:
    return _model(settings, read_record(settings).get("current"))


def previous_model(settings: Settings) -> Optional[Path]:
    return _model(settings, read_record(settings).get("previous"))


def pinned_models(settings: Settings) -> Set[str]:
    """Models the record refers to (never pruned)."""
    record = read_record(settings)
    return {name for name in (record.get("current"), record.get("previous")) if name}


def model_info(settings: Settings, model: Path) -> Dict[str, Any]:
    return dict((read_record(settings).get("models") or {}).get(model.name) or {})


def remember(settings: Settings, model: Path, **info: Any) -> None:
    """Store facts about ``model`` (``structure``, ``faq_accuracy``, ...)."""
    with _record_lock(settings):
        record = read_record(settings)
        models = record.setdefault("models", {})
        models.setdefault(model.name, {}).update(info)
        _write(settings, record)


def set_current(settings: Settings, model: Path) -> bool:
    """Make ``model`` current (the old current becomes previous); False if it already is."""
    with _record_lock(settings):
        record = read_record(settings)
        if record.get("current") == model.name:
            return False
        if record.get("current"):
            record["previous"] = record["current"]
        record["current"] = model.name
        record["switched_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        _write(settings, record)
        return True


def swap_back(settings: Settings) -> Optional[Path]:
    """Rollback: previous becomes current and current previous; returns the new current."""
    with _record_lock(settings):
        record = read_record(settings)
        previous = _model(settings, record.get("previous"))
        if previous is None:
            return None
        record["previous"], record["current"] = record.get("current"), previous.name
        record["switched_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        _write(settings, record)
        return previous
