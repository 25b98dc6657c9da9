"""Retention: erasing leads past their keeping period, with their conversations' personal
turns (the same code path as a withdrawn consent: bot/leads/erasure.py)."""

from __future__ import annotations

from bot.config import Settings
from bot.leads.erasure import Erased, purge_expired
from bot.leads.store import LeadStore


def purge_leads(settings: Settings, store: LeadStore, older_than_days: int) -> Erased:
    """Erase the personal data of leads created more than ``older_than_days`` ago."""
    return purge_expired(store, settings.tracker_store, older_than_days)
