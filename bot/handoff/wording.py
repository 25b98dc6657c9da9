"""What the student reads during a hand-off (Chinese). Only settings and facts about the
queue are stated: no promise of a call-back time the office did not make."""

from __future__ import annotations

from typing import Dict, List

from bot.config import Settings
from bot.conversation.buttons import LEAVE_MESSAGE_BUTTON
from bot.conversation.contact import contact_block

QUEUED = (
    "好的，已为您转接人工咨询，您在排队等候中（{place}）。工作人员接入后会直接在这个窗口回复您，最长等待约{wait}。\n\n"
    "等待期间您可以继续问我。如果{wait}内没有工作人员接入，我会告诉您，并请您留下问题和联系方式，由工作人员联系您。"
)
STILL_WAITING = "您已在排队等候人工接入（已等待约{waited}），工作人员接入后会在这里回复您。等待期间您可以继续问我。"
OFF_HOURS = (
    "现在不是人工在线咨询时间（在线时间：{hours}），暂时没有工作人员在线。\n\n"
    "您可以点下面的按钮留下问题和联系方式，工作人员会联系您；也可以直接联系区人武部：\n\n{contact}"
)
NO_SHIFTS = (
    "目前没有安排人工在线咨询，暂时没有工作人员在线。\n\n"
    "您可以点下面的按钮留下问题和联系方式，工作人员会联系您；也可以直接联系区人武部：\n\n{contact}"
)
EXPIRED = (
    "抱歉，工作人员暂时都在忙，{wait}内没能接入您的咨询。\n\n"
    "您可以点下面的按钮留下问题和联系方式，工作人员会联系您；也可以直接联系区人武部：\n\n{contact}"
)
TAKEN = "工作人员已接入，接下来由工作人员直接回复您。"
ENDED = "工作人员已结束本次人工咨询，接下来由智能助手继续为您解答。还有问题可以直接问我。"
#: The note attached to a lead left after an unanswered request.
LEAD_NOTE = "学生转人工时的问题（当时无人接入）：{question}"
LEAD_NOTE_AUTHOR = "助手（转人工）"
LEAD_NOTE_NO_QUESTION = "学生曾请求转人工（当时无人接入），未留下具体问题。"


def duration(seconds: int) -> str:
    """``5分钟`` / ``45秒`` / ``1小时``."""
    if seconds < 60:
        return f"{seconds}秒"
    if seconds < 3600:
        return f"{round(seconds / 60)}分钟"
    return f"{seconds // 3600}小时" + (f"{round(seconds % 3600 / 60)}分钟" if seconds % 3600 >= 60 else "")


def queued(settings: Settings, ahead: int) -> str:
    place = "您排在第一位" if ahead == 0 else f"前面还有 {ahead} 位"
    return QUEUED.format(place=place, wait=duration(settings.handoff_wait_seconds))


def still_waiting(waited_seconds: int) -> str:
    return STILL_WAITING.format(waited=duration(max(1, waited_seconds)))


def off_hours(settings: Settings) -> str:
    if not settings.staffed_hours.shifts:  # ENLIST_STAFFED_HOURS=off
        return NO_SHIFTS.format(contact=contact_block(settings))
    return OFF_HOURS.format(hours=settings.staffed_hours.describe(), contact=contact_block(settings))


def expired(settings: Settings) -> str:
    return EXPIRED.format(wait=duration(settings.handoff_wait_seconds), contact=contact_block(settings))


def leave_message_buttons() -> List[Dict[str, str]]:
    return [dict(LEAVE_MESSAGE_BUTTON)]
