"""Hand-off operations that touch both stores: take, reply, release and expiry.

Order matters: the conversation's state in Rasa's tracker (paused / resumed) is written
and saved first; only then is the student's widget told (a pushed message). A recruiter's
take that cannot pause the bot is given back, so the bot never answers over a person.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any, Callable, List, TypeVar

from bot.config import Settings
from bot.handoff import rasa_link, wording
from bot.handoff.rasa_link import RasaUnavailable
from bot.handoff.store import (
    ENDED,
    EXPIRED,
    HELD,
    MAX_REPLY_CHARS,
    Handoff,
    HandoffConflict,
    HandoffStore,
    HandoffUnavailable,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")
RASA_DOWN = "对话服务暂时无法连接，操作没有完成，请稍后再试。"


async def blocking(function: Callable[..., T], *args: Any) -> T:
    """Run a blocking call (database) off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(function, *args))


class HandoffService:
    def __init__(self, store: HandoffStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    async def take(self, handoff_id: int, recruiter: str) -> Handoff:
        """Hold a waiting conversation (HandoffConflict when another recruiter was first)."""
        handoff = await blocking(self.store.take, handoff_id, recruiter)
        try:
            await rasa_link.send(self.settings, handoff.sender_id, [rasa_link.pause(), rasa_link.bot(wording.TAKEN)])
        except RasaUnavailable:
            await blocking(self.store.give_back, handoff_id, recruiter)
            raise HandoffUnavailable(RASA_DOWN) from None
        await blocking(self.store.push, handoff, "notice", wording.TAKEN, None, HELD)
        return handoff

    async def reply(self, handoff_id: int, recruiter: str, text: str) -> Handoff:
        """A recruiter's message to the student: into the tracker, then pushed."""
        text = text.strip()
        if not text:
            raise HandoffConflict("回复内容不能为空。")
        if len(text) > MAX_REPLY_CHARS:
            raise HandoffConflict(f"回复太长：最多{MAX_REPLY_CHARS}个字。")
        handoff = await blocking(self.store.get, handoff_id)
        self._check_holder(handoff, recruiter)
        try:
            await rasa_link.send(self.settings, handoff.sender_id, [rasa_link.bot(text, staff=recruiter)])
        except RasaUnavailable:
            raise HandoffUnavailable(RASA_DOWN) from None
        await blocking(self.store.push, handoff, "staff", text, recruiter)
        return handoff

    async def release(self, handoff_id: int, actor: str, is_admin: bool = False) -> Handoff:
        """End a held conversation: resume the bot (saved), then tell the student."""
        handoff = await blocking(self.store.get, handoff_id)
        if not is_admin:
            self._check_holder(handoff, actor)
        handoff = await blocking(self.store.release, handoff_id, actor)
        try:
            await rasa_link.send(self.settings, handoff.sender_id, [rasa_link.resume(), rasa_link.bot(wording.ENDED)])
        except RasaUnavailable:
            await blocking(self.store.reopen, handoff_id, actor)
            raise HandoffUnavailable(RASA_DOWN) from None
        await blocking(self.store.push, handoff, "notice", wording.ENDED, None, ENDED)
        return handoff

    async def expire_overdue(self) -> List[Handoff]:
        """Tell every student whose request waited too long, and offer the lead form."""
        expired = await blocking(self.store.expire_overdue, self.settings.handoff_wait_seconds)
        text, buttons = wording.expired(self.settings), wording.leave_message_buttons()
        for handoff in expired:
            try:
                await rasa_link.send(self.settings, handoff.sender_id, [rasa_link.bot(text, buttons=buttons)])
            except RasaUnavailable:
                logger.warning("expired hand-off %s not written to the transcript", handoff.id)
            await blocking(self.store.push, handoff, "notice", text, None, EXPIRED, buttons)
        return expired

    @staticmethod
    def _check_holder(handoff: Handoff, recruiter: str) -> None:
        if handoff.status != HELD:
            raise HandoffConflict(f"这个对话当前不是人工接待中（{handoff.status_label}）。")
        if handoff.taken_by != recruiter:
            raise HandoffConflict(f"这个对话由 {handoff.taken_by} 接待，只有接待人可以回复或结束。")


async def expire_forever(service_factory: Callable[[], HandoffService], every_seconds: float = 2.0) -> None:
    """The bot service's background task: expire overdue requests every few seconds."""
    while True:
        try:
            service = await blocking(service_factory)
            await service.expire_overdue()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the task must keep running (database down, ...)
            logger.warning("hand-off expiry check failed (%s)", type(exc).__name__)
        await asyncio.sleep(every_seconds)
