"""What a chat message must look like, on every channel (REST, socket.io).

One set of rules for the conversation id, the text and the metadata, so that a client
cannot get past a rule by changing transport. A violation raises
:class:`~bot.errors.RequestRejected` with a Chinese message: the REST channel answers it
as an HTTP 4xx, the socket.io channel as a bot message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Optional

from bot.edge.senders import check_sender
from bot.errors import RequestRejected

EMPTY_MESSAGE_REPLY = "您好像还没有输入内容。请直接输入您想咨询的问题，例如“当兵学费怎么补偿”。"

#: Rasa stores ``metadata`` with every user event and posts the whole tracker to the
#: action server (which refuses bodies over 2 MB): a few KB is all the widget needs.
MAX_METADATA_BYTES = 4096
MAX_METADATA_DEPTH = 4


@dataclass(frozen=True)
class ChatMessage:
    sender: str
    text: str
    metadata: Optional[Dict[str, Any]]

    @property
    def is_empty(self) -> bool:
        """Whitespace only: answered with :data:`EMPTY_MESSAGE_REPLY`, not by the bot."""
        return not self.text.strip()


def _depth(value: Any) -> int:
    """Nesting depth of a JSON value (iterative: deep input must not recurse)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def check_metadata(metadata: Any) -> Optional[Dict[str, Any]]:
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise RequestRejected(400, "bad_metadata", "metadata 必须是JSON对象。")
    if _depth(metadata) > MAX_METADATA_DEPTH:
        raise RequestRejected(400, "metadata_too_deep", f"metadata 嵌套太深（最多{MAX_METADATA_DEPTH}层）。")
    size = len(json.dumps(metadata, ensure_ascii=False).encode("utf-8"))
    if size > MAX_METADATA_BYTES:
        raise RequestRejected(
            413, "metadata_too_large", f"metadata 太大了（{size}字节），最多{MAX_METADATA_BYTES}字节。"
        )
    return metadata


def check_text(message: Any, max_chars: int) -> str:
    if not isinstance(message, str):
        raise RequestRejected(400, "bad_message", "缺少 message，或 message 不是文字。")
    if len(message) > max_chars:
        raise RequestRejected(
            413, "message_too_long", f"消息太长了（{len(message)}字），请精简到{max_chars}字以内再发送。"
        )
    return message


def chat_message(sender: Any, message: Any, metadata: Any, max_chars: int, sender_field: str = "sender") -> ChatMessage:
    """A validated chat message; raises :class:`RequestRejected` when unusable."""
    return ChatMessage(check_sender(sender, sender_field), check_text(message, max_chars), check_metadata(metadata))
