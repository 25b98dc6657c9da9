"""The portal's stores, built once per worker from the shared database."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from sanic.request import Request

from bot import runtime
from bot.config import Settings
from bot.leads.deletion_requests import DeletionRequestStore
from bot.leads.store import LeadStore
from bot.staff.accounts import AccountStore
from bot.staff.audit import AuditLog
from bot.staff.login_limit import LoginLimiter, LoginLimits
from bot.staff.secret import secret_key
from bot.staff.sessions import SessionStore
from bot.storage.database import Database

T = TypeVar("T")


@dataclass(frozen=True)
class PortalServices:
    settings: Settings
    accounts: AccountStore
    sessions: SessionStore
    limiter: LoginLimiter
    audit: AuditLog
    leads: LeadStore
    deletion_requests: DeletionRequestStore

    @classmethod
    def build(cls, settings: Settings, database: Database) -> "PortalServices":
        return cls(
            settings=settings,
            accounts=AccountStore(database),
            sessions=SessionStore(database, secret_key(settings), dt.timedelta(minutes=settings.session_idle_minutes)),
            limiter=LoginLimiter(
                database, LoginLimits(settings.login_failures_per_user, settings.login_failures_per_client)
            ),
            audit=AuditLog(database),
            leads=LeadStore(database),
            deletion_requests=DeletionRequestStore(database),
        )


async def services(request: Request) -> PortalServices:
    """This worker's services (raises SQLAlchemyError while the database is down)."""
    ctx = request.app.ctx
    built = getattr(ctx, "portal", None)
    if built is None:
        database = getattr(ctx, "database", None) or await blocking(runtime.database)
        built = ctx.portal = await blocking(PortalServices.build, ctx.settings, database)
    return built


async def blocking(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking call (database, scrypt) off the event loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(function, *args, **kwargs))
