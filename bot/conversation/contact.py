"""The contact block of 区人武部, built from settings; never invented.

A value that is not configured is shown as "请关注区人武部公告" so the bot never guesses a
phone number or an address.
"""

from __future__ import annotations

from bot.config import Settings

NOT_CONFIGURED = "请关注区人武部公告"


def office_name(settings: Settings) -> str:
    return settings.contact_name.strip() or "离石区人民武装部"


def contact_line(settings: Settings) -> str:
    """The configured phone and address on one line ("电话：…；地址：…"), or "联系方式：请关注区人武部公告"."""
    rows = [("电话", settings.contact_phone), ("地址", settings.contact_address)]
    configured = [f"{label}：{value.strip()}" for label, value in rows if value.strip()]
    return "；".join(configured) or f"联系方式：{NOT_CONFIGURED}"


def contact_block(settings: Settings) -> str:
    """Markdown lines with the configured office name, phone, address and hours."""
    rows = [
        ("电话", settings.contact_phone),
        ("地址", settings.contact_address),
        ("办公时间", settings.contact_hours),
    ]
    lines = [f"**{office_name(settings)}**"]
    lines += [f"- {label}：{value.strip() or NOT_CONFIGURED}" for label, value in rows]
    return "\n".join(lines)
