"""The portal's secret key: ENLIST_SECRET_KEY, or a random key kept in var/secret_key.

The key is mixed into the stored session hashes (HMAC-SHA256), so a copy of the database
alone cannot be matched to cookies, and changing the key ends every session.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from bot.config import Settings


def secret_key(settings: Settings) -> bytes:
    if settings.secret_key:
        return settings.secret_key.encode("utf-8")
    return _file_key(settings.var_dir / "secret_key")


def _file_key(path: Path) -> bytes:
    """Read the key file, creating it (mode 0600) on first use; safe with several workers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key.encode("ascii")
        raise
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        key = secrets.token_hex(32)
        handle.write(key + "\n")
    return key.encode("ascii")
