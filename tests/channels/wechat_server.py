"""A simulated WeChat server: pushes signed (in safe mode encrypted) XML to our webhook the
way mp.weixin.qq.com does, and checks and decrypts the passive replies with wechatpy."""

from __future__ import annotations

import hashlib
import itertools
import secrets
import string
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import ContextManager, Dict, List, Optional

import xmltodict
from wechatpy.crypto import WeChatCrypto

from bot.config import Settings
from tests.conftest import HttpReply, http, running_stack, tracker_events

TOKEN = "enlistTestToken2023"
APP_ID = "wx1234567890abcdef"
ACCOUNT = "gh_0123456789ab"
#: WeChat gives up on a reply after 5 seconds.
WECHAT_TIMEOUT = 5.0


def aes_key() -> str:
    """A fresh 43-letter EncodingAESKey, as 公众平台 generates one."""
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(43))


def openid() -> str:
    """A fresh 28-character openid."""
    return "o" + "".join(secrets.choice(string.ascii_letters + string.digits + "_-") for _ in range(27))


def sign(*parts: str) -> str:
    """WeChat's signature: SHA-1 of the sorted parts (written out here, not wechatpy's)."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


@dataclass
class Reply:
    """A passive reply as the WeChat server reads it."""

    http: HttpReply
    seconds: float
    fields: Dict[str, str]

    @property
    def content(self) -> str:
        return self.fields.get("Content", "")


_msg_ids = itertools.count(int(time.time()) * 1000)


class SimulatedWeChat:
    """Talks to ``settings``' WeChat webhook as the WeChat server (safe mode with ``aes_key``)."""

    def __init__(self, settings: Settings, aes_key: str = "") -> None:
        self.settings = settings
        self.url = f"{settings.rasa_url}/webhooks/wechat/webhook"
        self.crypto = WeChatCrypto(TOKEN, aes_key, APP_ID) if aes_key else None

    def query(self, timestamp: Optional[int] = None, token: str = TOKEN, **extra: str) -> Dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = secrets.token_hex(5)
        return {"signature": sign(token, stamp, nonce), "timestamp": stamp, "nonce": nonce, **extra}

    def verify(self, **query: str) -> HttpReply:
        """The GET of 服务器配置 (server verification)."""
        return http("GET", f"{self.url}?{urllib.parse.urlencode(query)}")

    def push(self, xml: str, query: Optional[Dict[str, str]] = None) -> Reply:
        """POST one message (encrypted in safe mode) and read the reply within 5 s."""
        query = dict(self.query() if query is None else query)
        body = xml.encode("utf-8")
        if self.crypto is not None:
            sealed = xmltodict.parse(self.crypto.encrypt_message(xml, query["nonce"], query["timestamp"]))["xml"]
            query.update(encrypt_type="aes", msg_signature=sealed["MsgSignature"])
            body = xmltodict.unparse({"xml": {"ToUserName": ACCOUNT, "Encrypt": sealed["Encrypt"]}}).encode("utf-8")
        started = time.monotonic()
        reply = http(
            "POST",
            f"{self.url}?{urllib.parse.urlencode(query)}",
            body,
            {"Content-Type": "text/xml"},
            timeout=WECHAT_TIMEOUT,
        )
        seconds = time.monotonic() - started
        return Reply(reply, seconds, self._open(reply))

    def _open(self, reply: HttpReply) -> Dict[str, str]:
        """The reply's fields; in safe mode its signature is checked and it is decrypted."""
        if reply.status != 200 or not reply.body.strip().startswith(b"<"):
            return {}
        outer = xmltodict.parse(reply.body)["xml"]
        if self.crypto is None:
            return dict(outer)
        assert set(outer) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}, outer
        assert outer["MsgSignature"] == sign(TOKEN, outer["TimeStamp"], outer["Nonce"], outer["Encrypt"])
        inner = self.crypto.decrypt_message(reply.body, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"])
        return dict(xmltodict.parse(inner)["xml"])

    @staticmethod
    def text(sender: str, content: str, msg_id: Optional[int] = None) -> str:
        return _xml(sender, "text", Content=content, MsgId=str(msg_id or next(_msg_ids)))

    @staticmethod
    def image(sender: str) -> str:
        return _xml(sender, "image", PicUrl="http://127.0.0.1:9/p.jpg", MediaId="media1", MsgId=str(next(_msg_ids)))

    @staticmethod
    def location(sender: str) -> str:
        return _xml(
            sender,
            "location",
            Location_X="37.5",
            Location_Y="111.1",
            Scale="15",
            Label="离石区",
            MsgId=str(next(_msg_ids)),
        )

    @staticmethod
    def voice(sender: str, recognition: str = "") -> str:
        """A voice message; ``Recognition`` carries WeChat's 语音识别 text when it is on."""
        extra = {"Recognition": recognition} if recognition else {}
        return _xml(sender, "voice", MediaId="media2", Format="amr", MsgId=str(next(_msg_ids)), **extra)

    @staticmethod
    def subscribe(sender: str, event: str = "subscribe") -> str:
        return _xml(sender, "event", Event=event)


def _xml(sender: str, kind: str, **fields: str) -> str:
    message = {
        "ToUserName": ACCOUNT,
        "FromUserName": sender,
        "CreateTime": str(int(time.time())),
        "MsgType": kind,
        **fields,
    }
    return xmltodict.unparse({"xml": message}, full_document=False)


def user_texts(settings: Settings, sender: str) -> List[str]:
    """The texts of the user messages Rasa stored for ``sender``."""
    return [event.get("text") for event in tracker_events(settings.tracker_store, sender) if event["type"] == "user"]


def assert_replied(reply: Reply, sender: str) -> str:
    assert reply.http.status == 200, reply.http.body[:300]
    assert reply.seconds < WECHAT_TIMEOUT
    assert reply.fields["ToUserName"] == sender and reply.fields["FromUserName"] == ACCOUNT
    assert reply.fields["MsgType"] == "text"
    return reply.content


def wechat_stack(var_dir: Path, model: Path, **overrides: str) -> ContextManager[Settings]:
    """A running stack with the WeChat channel on."""
    return running_stack(var_dir, model, ENLIST_WECHAT_TOKEN=TOKEN, **overrides)
