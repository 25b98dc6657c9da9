"""The bot service's calls to the Rasa server's hand-off route (bot/channels/handoff.py):
pause, append a message, resume. Each call returns only after Rasa saved the tracker."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional, Sequence

import aiohttp

from bot.config import Settings
from bot.edge.action_guard import SECRET_HEADER
from bot.errors import EnlistError

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10


class RasaUnavailable(EnlistError):
    """The Rasa server did not take the events (down, refused, timed out)."""


def pause() -> Dict[str, Any]:
    return {"type": "pause"}


def resume() -> Dict[str, Any]:
    return {"type": "resume"}


def bot(text: str, staff: Optional[str] = None, buttons: Sequence[Dict[str, str]] = ()) -> Dict[str, Any]:
    event: Dict[str, Any] = {"type": "bot", "text": text, "buttons": list(buttons)}
    if staff:
        event["staff"] = staff
    return event


async def send(settings: Settings, sender: str, events: List[Dict[str, Any]]) -> bool:
    """Append ``events`` to the conversation; True when it is paused afterwards."""
    url = f"{settings.rasa_url}/internal/handoff/events"
    headers = {SECRET_HEADER: settings.action_secret, "Content-Type": "application/json"}
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)) as session:
            async with session.post(url, json={"sender": sender, "events": events}, headers=headers) as reply:
                body = await reply.json(content_type=None)
                if reply.status != 200:
                    raise RasaUnavailable(
                        f"Rasa refused the hand-off events: {reply.status} {body.get('error') if isinstance(body, dict) else ''}"
                    )
                return bool(body.get("paused"))
    except (aiohttp.ClientError, OSError, asyncio.TimeoutError, ValueError) as exc:
        logger.warning("hand-off events not delivered to Rasa (%s)", type(exc).__name__)
        raise RasaUnavailable(type(exc).__name__) from None
