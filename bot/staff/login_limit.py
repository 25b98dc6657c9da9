"""Login rate limit: failed attempts per user name and per client address.

Attempts are rows of ``login_attempts`` (shared by every worker and replica). A name or an
address with too many failures within the window is refused before the password is even
checked, until the oldest failure leaves the window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import and_, delete, func, insert, select

from bot.lang.timefmt import utcnow
from bot.storage.database import Database
from bot.storage.schema import login_attempts

WINDOW = dt.timedelta(minutes=15)
#: Attempts are kept this long (the window is all the limit needs).
KEEP = dt.timedelta(days=30)


@dataclass(frozen=True)
class LoginLimits:
    per_user: int
    per_client: int


class LoginLimiter:
    def __init__(self, database: Database, limits: LoginLimits) -> None:
        self.database = database
        self.limits = limits

    def wait_seconds(self, user_name: str, client: str, now: Optional[dt.datetime] = None) -> int:
        """0 when a login may be tried now, else seconds until it may."""
        now = now or utcnow()
        since = now - WINDOW
        failed = and_(login_attempts.c.success.is_(False), login_attempts.c.at >= since)
        waits = [0]
        with self.database.begin() as connection:
            for column, value, limit in (
                (login_attempts.c.user_name, user_name[:40], self.limits.per_user),
                (login_attempts.c.client, client[:64], self.limits.per_client),
            ):
                times = (
                    connection.execute(
                        select(login_attempts.c.at)
                        .where(failed, column == value)
                        .order_by(login_attempts.c.at.desc())
                        .limit(limit)
                    )
                    .scalars()
                    .all()
                )
                if len(times) >= limit:
                    waits.append(int((times[-1] + WINDOW - now).total_seconds()) + 1)
        return max(waits)

    def record(self, user_name: str, client: str, success: bool) -> None:
        now = utcnow()
        with self.database.begin() as connection:
            connection.execute(
                insert(login_attempts).values(at=now, user_name=user_name[:40], client=client[:64], success=success)
            )
            connection.execute(delete(login_attempts).where(login_attempts.c.at < now - KEEP))

    def failures(self, user_name: str) -> int:
        """Failed attempts for ``user_name`` within the window (for tests and the admin page)."""
        with self.database.begin() as connection:
            return connection.execute(
                select(func.count())
                .select_from(login_attempts)
                .where(
                    login_attempts.c.user_name == user_name,
                    login_attempts.c.success.is_(False),
                    login_attempts.c.at >= utcnow() - WINDOW,
                )
            ).scalar_one()
