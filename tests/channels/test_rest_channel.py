"""Validation of REST chat requests (unit level; the HTTP behaviour is in test_bad_input)."""

import pytest

from bot.channels.rest import RequestRejected, parse_chat_request


@pytest.mark.parametrize(
    "body, status, code",
    [
        (b"", 400, "empty_body"),
        (b"{not json", 400, "malformed_json"),
        (b"\xff\xfe\x00garbage", 400, "malformed_json"),
        (b"[1, 2]", 400, "not_an_object"),
        (b'{"message": "hi"}', 400, "bad_sender"),
        (b'{"sender": "a b<script>", "message": "hi"}', 400, "bad_sender"),
        (b'{"sender": "abc", "message": 5}', 400, "bad_message"),
        (b'{"sender": "abc"}', 400, "bad_message"),
        (b'{"sender": "abc", "message": "hi", "metadata": "x"}', 400, "bad_metadata"),
        ('{"sender": "abc", "message": "%s"}' % ("长" * 101), 413, "message_too_long"),
    ],
)
def test_rejected(body, status: int, code: str) -> None:
    with pytest.raises(RequestRejected) as caught:
        parse_chat_request(body.encode() if isinstance(body, str) else body, max_chars=100)
    assert (caught.value.status, caught.value.code) == (status, code)
    assert caught.value.message  # a Chinese explanation for the widget


def test_accepted() -> None:
    chat = parse_chat_request(
        '{"sender": "web-123", "message": "学费补偿", "metadata": {"source": "widget"}}'.encode(), 100
    )
    assert chat == {"sender": "web-123", "message": "学费补偿", "metadata": {"source": "widget"}}
