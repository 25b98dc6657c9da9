"""Every button the bot offers that is not an FAQ topic, and the payloads the actions and
the review read: one definition each (FAQ topic buttons are built in bot/faq/render.py).

A payload is a Rasa intent command (``/intent`` or ``/intent{"entity":"value"}``); the
titles are what the student reads.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, List

from bot.faq.compiler import button_payload

Button = Dict[str, str]

#: Starts the lead form (consent first).
SIGN_UP_PAYLOAD = "/sign_up"
SIGN_UP_BUTTON: Button = {"title": "我想报名", "payload": SIGN_UP_PAYLOAD}
#: FAQ answers on these topics end with the sign-up button (topics where a student is
#: weighing enlistment; not legal duties or contact details).
SIGN_UP_TOPICS: FrozenSet[str] = frozenset(
    {"基本情况", "报名", "报名地点", "流程", "准备", "条件", "学生类型", "学费资助", "学业"}
)
#: The lead form again, worded for a hand-off nobody took; the question asked before is
#: attached to the lead.
LEAVE_MESSAGE_BUTTON: Button = {"title": "留下问题和联系方式", "payload": SIGN_UP_PAYLOAD}
#: Shown after the bot's second miss in a row (bot/conversation/misses.py).
HUMAN_BUTTON: Button = {"title": "转人工", "payload": "/request_human"}

#: The personal answers (bot/eligibility/render.py) and their reasoning.
DETAILS_PAYLOAD = "/show_details"
DETAILS_BUTTON: Button = {"title": "查看计算过程和依据", "payload": DETAILS_PAYLOAD}
BENEFIT_BUTTON: Button = {"title": "估算学费补偿", "payload": "/estimate_benefit"}
ELIGIBILITY_BUTTON: Button = {"title": "看看我能不能当兵", "payload": "/check_eligibility"}
LOCATION_BUTTON: Button = {"title": "学校所在地还是户籍地", "payload": "/compare_location"}

#: The lead form's own answers (actions/leads.py).
AFFIRM_PAYLOAD, DENY_PAYLOAD = "/affirm", "/deny"
SKIP_PAYLOAD, STOP_PAYLOAD, CHANGE_PAYLOAD = "/skip_field", "/stop_form", "/lead_change"
CONSENT_BUTTONS: List[Button] = [
    {"title": "同意并继续", "payload": AFFIRM_PAYLOAD},
    {"title": "不同意", "payload": DENY_PAYLOAD},
]
SKIP_FIELD_BUTTON: Button = {"title": "跳过这一项", "payload": SKIP_PAYLOAD}
STOP_FORM_BUTTON: Button = {"title": "不填了", "payload": STOP_PAYLOAD}
SUMMARY_BUTTONS: List[Button] = [
    {"title": "确认提交", "payload": AFFIRM_PAYLOAD},
    {"title": "修改信息", "payload": CHANGE_PAYLOAD},
    {"title": "取消登记", "payload": STOP_PAYLOAD},
]
ONLINE_REGISTRATION_BUTTON: Button = {"title": "网上报名步骤", "payload": button_payload("online_registration")}
DELETE_PAYLOAD = "/delete_my_data"

#: Withdrawing consent (actions/privacy.py).
CONFIRM_DELETION_BUTTONS: List[Button] = [
    {"title": "确认删除", "payload": "/confirm_deletion"},
    {"title": "取消", "payload": "/cancel_deletion"},
]


def change_field_payload(slot: str) -> str:
    """The payload of "修改" that names the lead field to change."""
    return f'{CHANGE_PAYLOAD}{{"lead_field":"{slot}"}}'
