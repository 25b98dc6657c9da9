"""Process-wide singletons of the bot service: settings, FAQ catalog, database, stores.

Created lazily, so each Sanic worker process (forked) builds its own engine.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.faq.catalog import FaqCatalog
from bot.leads.store import LeadStore
from bot.storage.database import Database
from bot.usage.feedback import FeedbackStore

if TYPE_CHECKING:
    from bot.handoff.service import HandoffService
    from bot.handoff.store import HandoffStore
    from bot.leads.deletion_requests import DeletionRequestStore
    from bot.review.store import ReviewStore


@functools.lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_env()


@functools.lru_cache(maxsize=1)
def faq_catalog() -> FaqCatalog:
    return FaqCatalog(settings().faq_dir)


@functools.lru_cache(maxsize=1)
def database() -> Database:
    """Our database, migrated to the current schema."""
    db = Database(settings().database)
    db.migrate()
    return db


@functools.lru_cache(maxsize=1)
def lead_store() -> LeadStore:
    return LeadStore(database())


@functools.lru_cache(maxsize=1)
def feedback_store() -> FeedbackStore:
    return FeedbackStore(database())


@functools.lru_cache(maxsize=1)
def review_store() -> "ReviewStore":
    from bot.review.store import ReviewStore

    return ReviewStore(database())


@functools.lru_cache(maxsize=1)
def deletion_requests() -> "DeletionRequestStore":
    from bot.leads.deletion_requests import DeletionRequestStore

    return DeletionRequestStore(database())


@functools.lru_cache(maxsize=1)
def handoff_store() -> "HandoffStore":
    from bot.handoff.store import HandoffStore

    return HandoffStore(database())


@functools.lru_cache(maxsize=1)
def handoff_service() -> "HandoffService":
    from bot.handoff.service import HandoffService

    return HandoffService(handoff_store(), settings())
