"""A python-socketio 5 client that talks to the channel the way rasa-webchat does:
``session_request`` → ``session_confirm``, then ``user_uttered`` / ``bot_uttered``."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Sequence

import socketio

#: A turn's messages are complete when none has arrived for this long after the first.
QUIET_SECONDS = 1.5
TURN_TIMEOUT = 60.0


class SocketChat:
    def __init__(self, url: str, transports: Sequence[str] = ("polling", "websocket"), origin: Optional[str] = None) -> None:
        self.url = url
        self.transports = list(transports)
        self.headers = {"Origin": origin} if origin else {}
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: "asyncio.Queue[Dict[str, Any]]" = asyncio.Queue()
        self.session_id: Optional[str] = None
        self._confirmed: "asyncio.Queue[str]" = asyncio.Queue()
        self.client.on("bot_uttered", self.received.put_nowait)
        self.client.on("session_confirm", self._confirmed.put_nowait)

    async def connect(self, session_id: Optional[str] = None) -> str:
        """Connect and ask for ``session_id`` (a new one when None); the confirmed id."""
        await self.client.connect(self.url, transports=self.transports, headers=self.headers, wait_timeout=30)
        await self.client.emit("session_request", {"session_id": session_id})
        self.session_id = await asyncio.wait_for(self._confirmed.get(), 30)
        return self.session_id

    async def disconnect(self) -> None:
        await self.client.disconnect()

    async def say(self, text: Any, session_id: Any = "mine", **extra: Any) -> List[Dict[str, Any]]:
        """Send one message; every ``bot_uttered`` of the turn."""
        data = {"message": text, "session_id": self.session_id if session_id == "mine" else session_id, **extra}
        await self.client.emit("user_uttered", data)
        return await self.collect()

    async def collect(self, first_timeout: float = TURN_TIMEOUT) -> List[Dict[str, Any]]:
        messages = [await asyncio.wait_for(self.received.get(), first_timeout)]
        while True:
            try:
                messages.append(await asyncio.wait_for(self.received.get(), QUIET_SECONDS))
            except asyncio.TimeoutError:
                return messages

    async def text(self, text: str) -> str:
        return "\n".join(m["text"] for m in await self.say(text) if "text" in m)


def texts(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m["text"] for m in messages if "text" in m)
