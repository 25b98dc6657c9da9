"""Issue 13 item 7: deeply nested JSON on the bot service's /feedback raised RecursionError
(500); it is a Chinese 400 now. (/webhook: tests/security/test_action_endpoint.py.)"""

from __future__ import annotations

from pathlib import Path

import requests

from tests.conftest import bot_service

NESTED = ('{"a":' * 5000 + "1" + "}" * 5000).encode()


def test_deeply_nested_json_on_feedback_is_a_chinese_400(tmp_path: Path) -> None:
    with bot_service(tmp_path / "var") as settings:
        reply = requests.post(
            f"{settings.bot_url}/feedback", data=NESTED, headers={"Content-Type": "application/json"}, timeout=10
        )
        assert reply.status_code == 400, (reply.status_code, reply.text[:300])
        assert "嵌套" in reply.json()["message"]
        assert requests.get(f"{settings.bot_url}/health", timeout=5).ok
