"""Replace one method of a Rasa class, loudly refusing when a Rasa upgrade removed it."""

from __future__ import annotations

from typing import Any, Callable, Optional


def replace_method(
    owner: type, name: str, replacement: Callable[..., Any], module: str
) -> Optional[Callable[..., Any]]:
    """Put ``replacement`` in place of ``owner.name``; the original, or None when
    ``replacement`` is already installed (installing twice is harmless)."""
    current = getattr(owner, name, None)
    if current is None:
        raise RuntimeError(f"this Rasa has no {owner.__name__}.{name}: {module} needs updating")
    if current is replacement:
        return None
    setattr(owner, name, replacement)
    return current
