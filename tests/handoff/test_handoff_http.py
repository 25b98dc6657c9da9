"""The live hand-off over REST on a real stack (Rasa + bot service), with our database and
the tracker store on SQLite and on PostgreSQL: ask → queue → take → reply → release,
the push stream's latency, a second take refused, escaping, roles and the audit log,
and a request nobody takes that ends as a lead with the question attached."""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Dict, List, Tuple

import pytest

from bot.leads.store import LeadStore
from bot.staff.audit import AuditLog
from bot.storage.database import Database
from tests.conftest import Chat, http, tracker_events
from tests.handoff.conftest import LATENCIES, backend_of
from tests.handoff.stack import PASSWORD, StreamReader, active, latest
from tests.portal.client import PortalClient, logged_in

pytestmark = pytest.mark.stack

QUESTION = "我是专科在读，入伍后学籍怎么保留"


def chat_of(setup: Tuple[Any, Database]) -> Chat:
    return Chat(setup[0].settings)


def recruiter(setup: Tuple[Any, Database], name: str = "recruiter1") -> PortalClient:
    return logged_in(setup[0].settings, name, PASSWORD)


def ask_for_a_person(chat: Chat, sender: str) -> List[Dict[str, Any]]:
    chat.say(sender, QUESTION)
    return chat.say(sender, "转人工")


def audited(database: Database, action: str, target: str) -> List[str]:
    return [e.actor for e in AuditLog(database).recent(500) if e.action == action and e.target == target]


def event_types(setup: Tuple[Any, Database], sender: str) -> List[str]:
    return [e["type"] for e in tracker_events(setup[0].settings.tracker_store, sender)]


def test_ask_queue_take_reply_release(setup: Tuple[Any, Database], sender: str) -> None:
    running, database = setup
    chat = chat_of(setup)
    replies = ask_for_a_person(chat, sender)
    text = "\n".join(r.get("text", "") for r in replies)
    assert "排队" in text and "最长等待约15秒" in text and "留下问题和联系方式" in text, text
    assert {"enlist_handoff": {"state": "waiting"}} in [r.get("custom") for r in replies]
    waiting = active(database, sender)
    assert waiting is not None and waiting.status == "waiting" and waiting.question == QUESTION

    client = recruiter(setup)
    inbox = client.get("/handoff")
    assert inbox.status_code == 200 and QUESTION in inbox.text and "等待接入（" in inbox.text
    page = client.get(f"/handoff/{waiting.id}")
    assert "接入这个对话" in page.text and QUESTION in page.text

    with StreamReader(running.settings, sender) as stream:
        taken = client.submit(f"/handoff/{waiting.id}/take", {}, page=f"/handoff/{waiting.id}")
        assert taken.status_code == 303, taken.text[:300]
        assert active(database, sender).status == "held" and active(database, sender).taken_by == "recruiter1"
        assert "pause" in event_types(setup, sender)
        assert stream.wait_for(1)[0]["state"] == "held"

        # While held the bot is silent; the student's message is in the transcript.
        assert chat.say(sender, "在吗？我还想问体检的事") == []
        assert "我还想问体检的事" in client.get(f"/handoff/{waiting.id}?part=transcript").text

        sent_at = time.monotonic()
        reply = client.submit(
            f"/handoff/{waiting.id}/reply", {"text": "<b>您好</b>，学籍可以保留"}, page=f"/handoff/{waiting.id}"
        )
        assert reply.status_code == 303
        pushed = stream.wait_for(2)[1]
        LATENCIES.append((backend_of(setup), "SSE", stream.arrived[1] - sent_at))
        print(f"\npush latency ({LATENCIES[-1][0]}, {LATENCIES[-1][1]}): {LATENCIES[-1][2]:.3f} s")
        assert pushed["kind"] == "staff" and pushed["text"] == "<b>您好</b>，学籍可以保留"
        assert LATENCIES[-1][2] < 2.0, LATENCIES[-1]

        page = client.get(f"/handoff/{waiting.id}").text
        assert "&lt;b&gt;您好&lt;/b&gt;" in page and "<b>您好</b>" not in page
        assert "工作人员 recruiter1" in page

        released = client.submit(f"/handoff/{waiting.id}/release", {}, page=f"/handoff/{waiting.id}")
        assert released.status_code == 303
        ended = stream.wait_for(3)[2]
        assert ended["state"] == "ended" and "智能助手" in ended["text"]
    assert event_types(setup, sender)[-2:] == ["resume", "bot"]
    assert latest(database, sender).status == "ended"
    assert chat.text(sender, "当兵学费能补偿吗"), "the bot answers again after the release"

    target = f"handoff:{waiting.id}"
    assert audited(database, "handoff_take", target) == ["recruiter1"]
    assert audited(database, "handoff_reply", target) == ["recruiter1"]
    assert audited(database, "handoff_release", target) == ["recruiter1"]
    polled = http("GET", f"{running.settings.bot_url}/handoff/messages?sender={sender}&after=0").json()
    assert [m["kind"] for m in polled["messages"]] == ["notice", "staff", "notice"] and polled["active"] is False


def test_two_recruiters_cannot_take_the_same_conversation(setup: Tuple[Any, Database], sender: str) -> None:
    _, database = setup
    ask_for_a_person(chat_of(setup), sender)
    handoff_id = active(database, sender).id
    first, second = recruiter(setup, "recruiter1"), recruiter(setup, "recruiter2")
    tokens = {c: c.csrf_token(f"/handoff/{handoff_id}") for c in (first, second)}
    results: Dict[str, Any] = {}
    barrier = threading.Barrier(2)

    def take(name: str, client: PortalClient) -> None:
        barrier.wait()
        results[name] = client.post(f"/handoff/{handoff_id}/take", {"csrf_token": tokens[client]})

    threads = [threading.Thread(target=take, args=(n, c)) for n, c in (("recruiter1", first), ("recruiter2", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(r.status_code for r in results.values())
    assert codes == [303, 409], codes
    loser = next(r for r in results.values() if r.status_code == 409)
    winner = active(database, sender).taken_by
    assert f"{winner} 已经接入了这个对话，不能重复接入。" in loser.text
    assert len(audited(database, "handoff_take", f"handoff:{handoff_id}")) == 1
    # The other recruiter may not reply to or end it.
    other = second if winner == "recruiter1" else first
    refused = other.submit(f"/handoff/{handoff_id}/reply", {"text": "我来回答"}, page=f"/handoff/{handoff_id}")
    assert refused.status_code == 409 and f"由 {winner} 接待" in refused.text
    holder = first if winner == "recruiter1" else second
    assert holder.submit(f"/handoff/{handoff_id}/release", {}, page=f"/handoff/{handoff_id}").status_code == 303


def test_roles_and_csrf(setup: Tuple[Any, Database], sender: str) -> None:
    _, database = setup
    ask_for_a_person(chat_of(setup), sender)
    handoff_id = active(database, sender).id
    editor = recruiter(setup, "editor1")
    assert editor.get("/handoff").status_code == 403
    assert "在线咨询" not in editor.get("/review").text
    client = recruiter(setup)
    assert client.post(f"/handoff/{handoff_id}/take", {}).status_code == 403  # no CSRF token
    assert active(database, sender).status == "waiting"
    anonymous = PortalClient(setup[0].settings)
    assert anonymous.get("/handoff").status_code == 303


def test_nobody_takes_it_in_time_then_a_lead_with_the_question(setup: Tuple[Any, Database], sender: str) -> None:
    running, database = setup
    chat = chat_of(setup)
    ask_for_a_person(chat, sender)
    with StreamReader(running.settings, sender) as stream:
        notice = stream.wait_for(1, timeout=30)[0]
    assert notice["state"] == "expired" and "没能接入" in notice["text"]
    assert notice["buttons"] == [{"title": "留下问题和联系方式", "payload": "/sign_up"}]
    assert latest(database, sender).status == "expired"
    # The same notice is in the transcript, so a socket.io client and the portal see it too.
    assert any(
        e["type"] == "bot" and "没能接入" in e.get("text", "")
        for e in tracker_events(running.settings.tracker_store, sender)
    )
    reference = leave_a_lead(chat, sender, "13800138111")
    lead = LeadStore(database).find_by_phone("13800138111")
    notes = [n.text for n in LeadStore(database).notes(lead.id)]
    assert f"学生转人工时的问题（当时无人接入）：{QUESTION}" in notes, notes
    assert latest(database, sender).lead_id == lead.id and reference


def leave_a_lead(chat: Chat, sender: str, phone: str) -> str:
    """Tap 留下问题和联系方式 and complete the lead form; the reply with the reference."""
    assert "可以不同意" in chat.text(sender, "/sign_up")
    chat.text(sender, "/affirm")
    for value in ("李雷", phone, "吕梁学院", "在校生", "本科", "山西省吕梁市离石区", "学校所在地", "学籍保留"):
        chat.text(sender, value)
    done = chat.text(sender, "/affirm")
    assert "已记录" in done, done
    return done


def test_the_rasa_hand_off_route_needs_the_shared_secret(setup: Tuple[Any, Database], sender: str) -> None:
    """Nobody but the bot service may pause a conversation or speak as staff."""
    from bot.edge.action_guard import SECRET_HEADER
    from bot.service.deploy import nginx_config

    settings = setup[0].settings
    url = f"{settings.rasa_url}/internal/handoff/events"
    body = json.dumps({"sender": sender, "events": [{"type": "pause"}]}).encode()
    for headers in ({}, {SECRET_HEADER: "guess"}):
        refused = http("POST", url, body, {"Content-Type": "application/json", **headers})
        assert refused.status == 401 and "密钥" in refused.json()["message"]
    assert event_types(setup, sender) == [], "a refused request appended nothing"
    bad = http(
        "POST",
        url,
        b'{"sender": "x", "events": [{"type": "restart"}]}',
        {"Content-Type": "application/json", SECRET_HEADER: settings.action_secret},
    )
    assert bad.status == 400 and bad.json()["error"] == "bad_event"
    assert "/internal" not in nginx_config(["10.0.0.1:5005"], ["10.0.0.3:5055"])
