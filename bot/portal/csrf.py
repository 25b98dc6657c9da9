"""CSRF tokens: every POST form carries the session's token (or, on the login form,
the token of a short-lived pre-login cookie), compared in constant time."""

from __future__ import annotations

import hmac
from typing import Optional

from bot.errors import RequestRejected

FIELD = "csrf_token"
LOGIN_COOKIE = "enlist_portal_login"
REJECTED = RequestRejected(403, "csrf", "表单已过期或来源不明，请刷新页面后重试。")


def token_matches(expected: Optional[str], given: Optional[str]) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def check(expected: Optional[str], given: Optional[str]) -> None:
    """Raise a 403 RequestRejected unless ``given`` is the expected token."""
    if not token_matches(expected, given):
        raise RequestRejected(REJECTED.status, REJECTED.code, REJECTED.message)
