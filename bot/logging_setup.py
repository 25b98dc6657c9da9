"""Logging for our processes: one format, and personal data masked in every record.

Phone numbers (11-digit mainland mobile numbers, with or without separators) are masked
by a filter on the root handler, so a message that contains one never reaches a log file
in clear text, whichever library logged it.
"""

from __future__ import annotations

import logging
import re

PHONE_PATTERN = re.compile(r"(?<!\d)(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")


def mask_personal_data(text: str) -> str:
    """Replace mainland mobile numbers by ``138****5678`` style masks."""
    return PHONE_PATTERN.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


class PersonalDataFilter(logging.Filter):
    """Rewrites each record's final message with personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is still logged
            return True
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def configure_logging(level: str = "INFO") -> None:
    """Root logging to stderr with the personal-data filter on the handler."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PersonalDataFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("sanic.access", "urllib3", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
