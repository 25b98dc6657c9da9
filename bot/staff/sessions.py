"""Portal sessions: a random token in an HttpOnly SameSite cookie, only its hash stored.

The cookie holds 32 random bytes; the ``sessions`` table holds HMAC-SHA256(secret key,
token), the user, a per-session CSRF token and when the session was last used. A session
unused for ``idle`` minutes, or older than ``MAX_AGE``, is deleted when next seen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import delete, insert, or_, select, update

from bot.lang.timefmt import utcnow
from bot.staff.accounts import User, _user
from bot.storage.database import Database
from bot.storage.schema import sessions, users

COOKIE = "enlist_portal"
#: Even an active session ends after this long: the recruiter logs in again each day.
MAX_AGE = dt.timedelta(hours=12)
#: last_seen_at is written at most this often (one write per request is not needed).
_TOUCH_EVERY = dt.timedelta(seconds=30)


@dataclass(frozen=True)
class Session:
    token_hash: str
    user: User
    csrf_token: str


class SessionStore:
    def __init__(self, database: Database, key: bytes, idle: dt.timedelta) -> None:
        self.database = database
        self.key = key
        self.idle = idle

    def token_hash(self, token: str) -> str:
        return hmac.new(self.key, token.encode("utf-8"), hashlib.sha256).hexdigest()

    def create(self, user: User) -> tuple:
        """A new session for ``user``; returns ``(cookie token, Session)``."""
        token = secrets.token_urlsafe(32)
        session = Session(self.token_hash(token), user, secrets.token_urlsafe(32))
        now = utcnow()
        with self.database.begin() as connection:
            self._delete_expired(connection, now)
            connection.execute(
                insert(sessions).values(
                    token_hash=session.token_hash,
                    user_id=user.id,
                    csrf_token=session.csrf_token,
                    created_at=now,
                    last_seen_at=now,
                )
            )
        return token, session

    def lookup(self, token: Optional[str]) -> Optional[Session]:
        """The live session for a cookie value (and mark it used), else None."""
        if not token or len(token) > 100:
            return None
        token_hash = self.token_hash(token)
        now = utcnow()
        with self.database.begin() as connection:
            row = connection.execute(
                select(sessions.c.csrf_token, sessions.c.created_at, sessions.c.last_seen_at, users)
                .join(users, users.c.id == sessions.c.user_id)
                .where(sessions.c.token_hash == token_hash)
            ).first()
            if row is None:
                return None
            if row.disabled or now - row.last_seen_at > self.idle or now - row.created_at > MAX_AGE:
                connection.execute(delete(sessions).where(sessions.c.token_hash == token_hash))
                return None
            if now - row.last_seen_at > _TOUCH_EVERY:
                connection.execute(update(sessions).where(sessions.c.token_hash == token_hash).values(last_seen_at=now))
        return Session(token_hash, _user(row), row.csrf_token)

    def end(self, token: Optional[str]) -> None:
        if token:
            with self.database.begin() as connection:
                connection.execute(delete(sessions).where(sessions.c.token_hash == self.token_hash(token)))

    def end_others(self, user_id: int, keep_token_hash: str) -> int:
        """End every session of ``user_id`` but the one in use (after a password change); how many ended."""
        with self.database.begin() as connection:
            result = connection.execute(
                delete(sessions).where(sessions.c.user_id == user_id, sessions.c.token_hash != keep_token_hash)
            )
        return result.rowcount or 0

    def _delete_expired(self, connection, now: dt.datetime) -> None:  # noqa: ANN001
        connection.execute(
            delete(sessions).where(
                or_(sessions.c.last_seen_at < now - self.idle, sessions.c.created_at < now - MAX_AGE)
            )
        )
