"""The contact block of 区人武部, built from settings; never invented.

A value that is not configured is shown as "请关注区人武部公告" so the bot never guesses a
phone number or an address.
"""

from __future__ import annotations

from bot.config import Settings

NOT_CONFIGURED = "请关注区人武部公告"


def contact_block(settings: Settings) -> str:
    """Markdown lines with the configured office name, phone, address and hours."""
    rows = [
        ("电话", settings.contact_phone),
        ("地址", settings.contact_address),
        ("办公时间", settings.contact_hours),
    ]
    lines = [f"**{settings.contact_name or '离石区人民武装部'}**"]
    lines += [f"- {label}：{value.strip() or NOT_CONFIGURED}" for label, value in rows]
    return "\n".join(lines)
