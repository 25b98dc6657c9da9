"""Process-wide singletons for the action server: settings and the live FAQ catalog."""

from __future__ import annotations

import functools

from bot.config import Settings
from bot.faq.catalog import FaqCatalog


@functools.lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_env()


@functools.lru_cache(maxsize=1)
def faq_catalog() -> FaqCatalog:
    return FaqCatalog(settings().faq_dir)
