"""Leads: the consented sign-up (model, field validation, store, outbox, export)."""
