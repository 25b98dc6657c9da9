"""The audit log: who logged in (or failed to), changed a status, wrote a note, exported
leads, added, disabled or reset an account, changed a password. Details name lead ids and filters, never a student's phone number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional

from sqlalchemy import func, insert, select

from bot.lang.timefmt import utcnow
from bot.logging_setup import mask_personal_data
from bot.storage.database import Database
from bot.storage.schema import audit_log

#: Action code -> label on the admin page.
ACTIONS = {
    "login": "登录",
    "login_failed": "登录失败",
    "login_blocked": "登录被限制",
    "logout": "退出",
    "status_change": "修改状态",
    "note": "添加备注",
    "export": "导出CSV",
    "user_add": "添加用户",
    "user_disable": "停用用户",
    "review_decide": "处理待处理问题",
    "review_apply": "问法写入FAQ文件",
    "faq_save": "修改FAQ条目",
    "faq_create": "新建FAQ条目",
    "faq_retire": "停用FAQ条目",
    "faq_move": "移动FAQ问法",
    "faq_revert": "撤销FAQ修改",
    "model_reload": "更新模型",
    "model_rollback": "回滚模型",
    "analytics_export": "导出统计CSV",
    "lead_erase": "删除线索个人信息",
    "deletion_request_done": "核实并删除（删除请求）",
    "deletion_request_rejected": "驳回删除请求",
    "lead_assign": "分配负责人",
    "follow_up": "设置回访日期",
    "lead_merge": "合并重复线索",
    "password_change": "修改自己的密码",
    "password_change_failed": "修改密码失败（当前密码错误）",
    "user_reset": "重置密码",
    "user_enable": "启用用户",
    "handoff_take": "接入在线咨询",
    "handoff_reply": "在线咨询回复",
    "handoff_release": "结束在线咨询",
}


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    actor: str
    action: str
    target: Optional[str]
    detail: Optional[str]

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)


class AuditLog:
    def __init__(self, database: Database) -> None:
        self.database = database

    def record(self, actor: str, action: str, target: Optional[str] = None, detail: Optional[str] = None) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        with self.database.begin() as connection:
            connection.execute(
                insert(audit_log).values(
                    at=utcnow(),
                    actor=actor[:40],
                    action=action,
                    target=(target or None) and target[:100],
                    detail=mask_personal_data(detail) if detail else None,
                )
            )

    def recent(self, limit: int = 50, offset: int = 0) -> List[AuditEntry]:
        with self.database.begin() as connection:
            rows = connection.execute(
                select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit).offset(offset)
            ).all()
        return [AuditEntry(r.id, r.at, r.actor, r.action, r.target, r.detail) for r in rows]

    def count(self) -> int:
        with self.database.begin() as connection:
            return connection.execute(select(func.count()).select_from(audit_log)).scalar_one()
