"""Logging for our processes: one format, and personal data masked in every record.

Phone numbers (11-digit mainland mobile numbers, with or without separators) and WeChat
openids (the conversation id of the WeChat channel, which Rasa's debug logs print) are
masked by a filter on the root handler and in the output ``enlist run`` writes, so a
message that contains one never reaches a log file in clear text, whichever library
logged it.
"""

from __future__ import annotations

import logging
import re

PHONE_PATTERN = re.compile(r"(?<!\d)(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
#: An Official Account openid: 28 characters of ``[A-Za-z0-9_-]``, starting with "o".
OPENID_PATTERN = re.compile(r"(?<![A-Za-z0-9_-])o[A-Za-z0-9_-]{27}(?![A-Za-z0-9_-])")
OPENID_MASK = "o***openid"


def mask_personal_data(text: str) -> str:
    """Replace mainland mobile numbers by ``138****5678`` style masks, openids by ``o***openid``."""
    text = PHONE_PATTERN.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return OPENID_PATTERN.sub(OPENID_MASK, text)


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
