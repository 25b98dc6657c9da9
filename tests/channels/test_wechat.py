"""The WeChat Official Account channel end to end: a simulated WeChat server (tests/channels/
wechat_server.py) pushes signed XML to the real Rasa server in 明文模式 and 安全模式, retries,
and reads the passive replies within WeChat's 5 seconds."""

from __future__ import annotations

import concurrent.futures
import re
import time
import urllib.parse
from pathlib import Path
from typing import Iterator

import pytest

from bot.channels.wechat import NO_MORE_REPLY, NOT_TEXT_REPLY
from tests.channels.wechat_server import (
    ACCOUNT,
    SimulatedWeChat,
    aes_key,
    assert_replied,
    openid,
    user_texts,
    wechat_stack,
)
from tests.conftest import http

#: The start of the out-of-scope reply, which names every topic (学费, 体检 …) itself.
OUT_OF_SCOPE = "不在我的服务范围"

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[SimulatedWeChat]:
    with wechat_stack(tmp_path_factory.mktemp("wechat-plain"), trained_model) as settings:
        yield SimulatedWeChat(settings)


@pytest.fixture(scope="module")
def safe(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[SimulatedWeChat]:
    key = aes_key()
    with wechat_stack(
        tmp_path_factory.mktemp("wechat-safe"),
        trained_model,
        ENLIST_WECHAT_AES_KEY=key,
        ENLIST_WECHAT_APP_ID="wx1234567890abcdef",
    ) as settings:
        yield SimulatedWeChat(settings, key)


# Server verification ----------------------------------------------------------------------


def test_server_verification_echoes_echostr_only_when_signed(plain: SimulatedWeChat) -> None:
    good = plain.verify(**plain.query(), echostr="7134598712345")
    assert good.status == 200 and good.body == b"7134598712345"
    forged = plain.verify(**plain.query(token="otherToken"), echostr="1")
    assert forged.status == 403 and forged.json()["error"] == "bad_signature"
    assert plain.verify(echostr="1").status == 403


def test_server_verification_in_safe_mode(safe: SimulatedWeChat) -> None:
    assert safe.verify(**safe.query(), echostr="abc123").body == b"abc123"


# Plaintext mode -----------------------------------------------------------------------------


def test_a_text_message_is_answered_by_a_passive_reply_within_5_seconds(plain: SimulatedWeChat) -> None:
    sender = openid()
    content = assert_replied(plain.push(plain.text(sender, "当兵学费能补偿多少")), sender)
    assert "学费" in content and OUT_OF_SCOPE not in content and "**" not in content
    assert user_texts(plain.settings, sender) == ["当兵学费能补偿多少"]


def test_retries_of_one_msg_id_are_answered_alike_and_processed_once(plain: SimulatedWeChat) -> None:
    sender = openid()
    xml = plain.text(sender, "考研加分政策是什么")
    with concurrent.futures.ThreadPoolExecutor(3) as pool:  # WeChat retries while the first still runs
        replies = list(pool.map(lambda _: plain.push(xml), range(3)))
    late_retry = plain.push(xml)
    contents = {assert_replied(reply, sender) for reply in [*replies, late_retry]}
    assert len(contents) == 1 and "研究生" in next(iter(contents))
    assert user_texts(plain.settings, sender) == ["考研加分政策是什么"]


def test_bad_signature_and_stale_timestamp_are_refused_and_not_processed(plain: SimulatedWeChat) -> None:
    sender = openid()
    xml = plain.text(sender, "你好")
    forged = plain.push(xml, plain.query(token="otherToken"))
    assert forged.http.status == 403 and forged.http.json()["error"] == "bad_signature"
    stale = plain.push(xml, plain.query(timestamp=int(time.time()) - 301))
    assert stale.http.status == 403 and stale.http.json()["error"] == "stale_timestamp"
    unsigned = plain.push(xml, {})
    assert unsigned.http.status == 403 and unsigned.http.json()["error"] == "unsigned"
    assert "微信签名" in forged.http.json()["message"]
    assert user_texts(plain.settings, sender) == []


def test_malformed_xml_gets_a_clear_400(plain: SimulatedWeChat) -> None:
    reply = plain.push("<xml><MsgType>text</MsgType>")
    assert reply.http.status == 400 and reply.http.json()["error"] == "bad_xml"


def test_subscribe_gets_the_greeting_with_numbered_topics(plain: SimulatedWeChat) -> None:
    sender = openid()
    content = assert_replied(plain.push(plain.subscribe(sender)), sender)
    assert "征兵咨询助手" in content and "**" not in content
    assert "回复数字：\n1 学费补偿\n2 考研加分\n3 报名流程" in content
    # The typed number reaches Rasa unchanged; the button matcher (bot/conversation/typed_buttons.py) maps it
    # to the payload of the button with that number.
    tuition = assert_replied(plain.push(plain.text(sender, "1")), sender)
    assert "学费" in tuition and OUT_OF_SCOPE not in tuition
    assert user_texts(plain.settings, sender)[-1] == "1"


def test_unsubscribe_gets_no_reply(plain: SimulatedWeChat) -> None:
    sender = openid()
    reply = plain.push(plain.subscribe(sender, "unsubscribe"))
    assert reply.http.status == 200 and reply.http.body == b"success"  # WeChat: nothing to show, no retry
    assert user_texts(plain.settings, sender) == []


@pytest.mark.parametrize("kind", ["image", "location", "voice"])
def test_non_text_messages_get_a_polite_text_reply(plain: SimulatedWeChat, kind: str) -> None:
    sender = openid()
    content = assert_replied(plain.push(getattr(plain, kind)(sender)), sender)
    assert content == NOT_TEXT_REPLY
    assert user_texts(plain.settings, sender) == []


def test_a_voice_message_with_wechats_recognition_is_answered_as_text(plain: SimulatedWeChat) -> None:
    sender = openid()
    content = assert_replied(plain.push(plain.voice(sender, "当兵学费能补偿多少")), sender)
    assert "学费" in content and OUT_OF_SCOPE not in content
    assert user_texts(plain.settings, sender) == ["当兵学费能补偿多少"]


def test_a_typed_ordinal_chooses_the_numbered_topic(plain: SimulatedWeChat) -> None:
    sender = openid()
    assert "2 考研加分" in assert_replied(plain.push(plain.subscribe(sender)), sender)
    postgrad = assert_replied(plain.push(plain.text(sender, "第二个")), sender)
    assert "研究生" in postgrad and OUT_OF_SCOPE not in postgrad


def test_a_long_answer_comes_in_pages_on_more(plain: SimulatedWeChat) -> None:
    sender = openid()
    first = plain.push(plain.text(sender, "毕业生与在校生入伍有什么区别"))
    pages = [assert_replied(first, sender)]
    assert "回复“更多”查看余下内容" in pages[0]
    while "回复“更多”" in pages[-1]:
        pages.append(assert_replied(plain.push(plain.text(sender, "更多")), sender))
    assert len(pages) >= 2 and all(len(page.encode("utf-8")) <= 2048 for page in pages)
    assert "（第1/" in pages[0] and "回复数字：" in pages[-1]
    assert assert_replied(plain.push(plain.text(sender, "更多")), sender) == NO_MORE_REPLY
    assert user_texts(plain.settings, sender) == ["毕业生与在校生入伍有什么区别"]  # “更多” never reached Rasa


def test_links_are_wechat_anchors(plain: SimulatedWeChat) -> None:
    sender = openid()
    content = assert_replied(plain.push(plain.text(sender, "退役后考研能加分吗")), sender)
    assert re.search(r'<a href="https?://[^"]+">[^<]+</a>', content) and "](" not in content, content


def test_the_openid_is_never_logged(plain: SimulatedWeChat) -> None:
    sender = openid()
    assert_replied(plain.push(plain.text(sender, "女生可以当兵吗")), sender)
    logs = plain.settings.var_dir / "log"
    for name in ("rasa.log", "bot.log"):
        assert sender not in (logs / name).read_text(encoding="utf-8")


# Safe mode ----------------------------------------------------------------------------------


def test_safe_mode_decrypts_and_replies_encrypted_and_signed(safe: SimulatedWeChat) -> None:
    sender = openid()
    content = assert_replied(
        safe.push(safe.text(sender, "女生可以当兵吗")), sender
    )  # SimulatedWeChat checks the signature
    assert "女" in content and OUT_OF_SCOPE not in content


def test_safe_mode_retries_are_answered_alike(safe: SimulatedWeChat) -> None:
    sender = openid()
    xml = safe.text(sender, "我想了解学费补偿")
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        contents = {assert_replied(reply, sender) for reply in pool.map(lambda _: safe.push(xml), range(3))}
    assert len(contents) == 1


def test_safe_mode_refuses_plaintext_and_forged_msg_signature(safe: SimulatedWeChat) -> None:
    sender = openid()
    plaintext = http(
        "POST", f"{safe.url}?{urllib.parse.urlencode(safe.query())}", safe.text(sender, "你好").encode("utf-8")
    )
    assert plaintext.status == 400 and plaintext.json()["error"] == "not_encrypted"
    query = safe.query(encrypt_type="aes", msg_signature="0" * 40)
    forged = http(
        "POST",
        f"{safe.url}?{urllib.parse.urlencode(query)}",
        f"<xml><ToUserName>{ACCOUNT}</ToUserName><Encrypt>QUJDRA==</Encrypt></xml>".encode(),
    )
    assert forged.status == 403 and forged.json()["error"] == "bad_msg_signature"
    stale = safe.push(safe.text(sender, "你好"), safe.query(timestamp=int(time.time()) - 400))
    assert stale.http.status == 403


def test_safe_mode_refuses_a_message_sealed_with_another_key(safe: SimulatedWeChat) -> None:
    impostor = SimulatedWeChat(safe.settings, aes_key())  # right Token, wrong EncodingAESKey
    reply = impostor.push(impostor.text(openid(), "你好"))
    assert reply.http.status in (400, 403) and reply.http.json()["error"] in ("wrong_app_id", "bad_encrypted_body")


def test_safe_mode_subscribe_and_image(safe: SimulatedWeChat) -> None:
    sender = openid()
    assert "回复数字：\n1 学费补偿" in assert_replied(safe.push(safe.subscribe(sender)), sender)
    assert assert_replied(safe.push(safe.image(sender)), sender) == NOT_TEXT_REPLY
