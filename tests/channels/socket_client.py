"""A python-socketio 5 client that talks to the channel the way rasa-webchat does:
``session_request`` → ``session_confirm``, then ``user_uttered`` / ``bot_uttered``.

The synchronous ``socketio.Client`` (requests for polling, websocket-client for
WebSocket): the asyncio client's WebSocket transport needs a newer aiohttp than Rasa's.
"""

from __future__ import annotations

import queue
from typing import Any, Dict, List, Optional, Sequence

import socketio

#: A turn's messages are complete when none has arrived for this long after the first.
QUIET_SECONDS = 1.5
TURN_TIMEOUT = 60.0
MINE = object()


class SocketChat:
    def __init__(
        self, url: str, transports: Sequence[str] = ("polling", "websocket"), origin: Optional[str] = None
    ) -> None:
        self.url = url
        self.transports = list(transports)
        self.headers = {"Origin": origin} if origin else {}
        # Like a browser: one Origin header, ours (websocket-client adds its own otherwise).
        self.client = socketio.Client(reconnection=False, websocket_extra_options={"suppress_origin": True})
        self.received: "queue.Queue[Dict[str, Any]]" = queue.Queue()
        self.confirmed: "queue.Queue[str]" = queue.Queue()
        self.session_id: Optional[str] = None
        self.client.on("bot_uttered", self.received.put)
        self.client.on("session_confirm", self.confirmed.put)

    def connect(self, session_id: Optional[str] = None) -> str:
        """Connect and ask for ``session_id`` (a new one when None); the confirmed id."""
        self.client.connect(self.url, transports=self.transports, headers=self.headers, wait_timeout=30)
        return self.request_session(session_id)

    def request_session(self, session_id: Any) -> str:
        self.client.emit("session_request", {"session_id": session_id})
        self.session_id = self.confirmed.get(timeout=30)
        return self.session_id

    def disconnect(self) -> None:
        self.client.disconnect()

    def __enter__(self) -> "SocketChat":
        return self

    def __exit__(self, *exc: object) -> None:
        self.disconnect()

    def say(self, text: Any, session_id: Any = MINE, **extra: Any) -> List[Dict[str, Any]]:
        """Send one message; every ``bot_uttered`` of the turn."""
        self.emit({"message": text, "session_id": self.session_id if session_id is MINE else session_id, **extra})
        return self.collect()

    def emit(self, data: Any) -> None:
        self.client.emit("user_uttered", data)

    def collect(self, first_timeout: float = TURN_TIMEOUT) -> List[Dict[str, Any]]:
        messages = [self.received.get(timeout=first_timeout)]
        while True:
            try:
                messages.append(self.received.get(timeout=QUIET_SECONDS))
            except queue.Empty:
                return messages

    def text(self, text: str) -> str:
        return texts(self.say(text))


def texts(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m["text"] for m in messages if "text" in m)
