"""The WeChat Official Account message push protocol, on wechatpy.

Every request carries ``signature`` = SHA-1 of the sorted Token, ``timestamp`` and
``nonce``; we check it and refuse timestamps older (or newer) than
:data:`MAX_CLOCK_SKEW_SECONDS`, so a captured request cannot be replayed later. In
安全模式/兼容模式 (an EncodingAESKey is configured) the body is AES-encrypted for the
AppID and signed again (``msg_signature``); the reply is encrypted the same way.
Plain-text requests are refused when a key is configured: a downgrade is not accepted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Mapping, Optional
from xml.parsers.expat import ExpatError

from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot.config import Settings
from bot.errors import RequestRejected

MAX_CLOCK_SKEW_SECONDS = 300
#: WeChat's messages are a few hundred bytes; anything much larger is not from WeChat.
MAX_BODY_BYTES = 64 * 1024
#: The body that tells WeChat "no reply, do not retry".
NO_REPLY = "success"


@dataclass(frozen=True)
class PushQuery:
    """The query string WeChat adds to every request."""

    signature: str
    timestamp: str
    nonce: str
    encrypt_type: str = ""
    msg_signature: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> "PushQuery":
        def value(name: str) -> str:
            raw = args.get(name, "")
            return raw if isinstance(raw, str) else ""

        return cls(
            value("signature"),
            value("timestamp"),
            value("nonce"),
            value("encrypt_type").lower(),
            value("msg_signature"),
        )


class WeChatProtocol:
    """Signature checks, decryption and reply rendering for one account's settings."""

    def __init__(self, settings: Settings) -> None:
        self.token = settings.wechat_token
        self.crypto: Optional[WeChatCrypto] = (
            WeChatCrypto(settings.wechat_token, settings.wechat_aes_key, settings.wechat_app_id)
            if settings.wechat_aes_key
            else None
        )

    def check_request(self, query: PushQuery, now: Optional[float] = None) -> None:
        """Raise :class:`RequestRejected` unless ``query`` is signed with our Token and fresh."""
        if not (query.signature and query.timestamp and query.nonce):
            raise RequestRejected(403, "unsigned", "缺少微信签名参数（signature、timestamp、nonce）。")
        try:
            check_signature(self.token, query.signature, query.timestamp, query.nonce)
        except InvalidSignatureException:
            raise RequestRejected(403, "bad_signature", "微信签名校验失败：请检查 Token 是否与公众平台一致。") from None
        try:
            sent = int(query.timestamp)
        except ValueError:
            raise RequestRejected(403, "bad_timestamp", "timestamp 不是有效的时间戳。") from None
        skew = abs((time.time() if now is None else now) - sent)
        if skew > MAX_CLOCK_SKEW_SECONDS:
            raise RequestRejected(
                403,
                "stale_timestamp",
                f"请求时间戳相差{int(skew)}秒，超过{MAX_CLOCK_SKEW_SECONDS}秒，已拒绝（可能是重放）。",
            )

    def read_message(self, query: PushQuery, body: bytes) -> Any:
        """The wechatpy message of a checked POST (decrypted in safe mode)."""
        if len(body) > MAX_BODY_BYTES:
            raise RequestRejected(413, "body_too_large", "请求太大，不是微信消息。")
        xml = body
        if self.crypto is not None:
            if query.encrypt_type != "aes" or not query.msg_signature:
                raise RequestRejected(400, "not_encrypted", "已配置 EncodingAESKey（安全模式），只接受加密消息。")
            try:
                xml = self.crypto.decrypt_message(body, query.msg_signature, query.timestamp, query.nonce).encode(
                    "utf-8"
                )
            except InvalidSignatureException:
                raise RequestRejected(403, "bad_msg_signature", "微信消息签名（msg_signature）校验失败。") from None
            except InvalidAppIdException:
                raise RequestRejected(403, "wrong_app_id", "消息不是发给本公众号（AppID）的。") from None
            except (ExpatError, KeyError, TypeError, ValueError, UnicodeError):
                raise RequestRejected(400, "bad_encrypted_body", "无法解密微信消息：请检查 EncodingAESKey。") from None
        elif query.encrypt_type == "aes":
            raise RequestRejected(400, "encrypted_without_key", "收到加密消息，但未配置 ENLIST_WECHAT_AES_KEY。")
        try:
            message = parse_message(xml)
            # Fields convert on access: a bad MsgId or CreateTime raises here, not later.
            usable = message is not None and message.source and message.time and (message.type == "event" or message.id)
        except (ExpatError, KeyError, TypeError, ValueError, UnicodeError):
            usable = False
        if not usable:
            raise RequestRejected(
                400, "bad_xml", "请求体不是有效的微信消息XML（缺少 FromUserName、CreateTime 或 MsgId）。"
            )
        return message

    def reply(self, query: PushQuery, message: Any, text: str) -> str:
        """The passive reply body: a text message to the sender (encrypted in safe mode)."""
        # The content goes into a CDATA section: its terminator must not appear in it.
        reply = TextReply(source=message.target, target=message.source, content=text.replace("]]>", "]] >")).render()
        if self.crypto is None:
            return reply
        return self.crypto.encrypt_message(reply, query.nonce, str(int(time.time())))
