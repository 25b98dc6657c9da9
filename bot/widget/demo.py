"""The demo landing page at ``/``: a 征兵咨询 page with the widget open, as a real
embedding would look. Rendered once per process (its inputs are settings).

Its Content-Security-Policy allows scripts only from this origin and connections only to
this origin and the chat server: defence in depth, the widget itself never turns text
into markup.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from bot.config import Settings

TEMPLATES = Path(__file__).resolve().parent / "templates"

#: Questions the page offers; each opens the widget and asks it.
DEMO_QUESTIONS = (
    "当兵学费能补偿吗",
    "退役后考研能加分吗",
    "体检视力要求多少",
    "在校生在哪里报名",
    "报名在哪个网站",
)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)


def render_demo_page(settings: Settings) -> str:
    return (
        _environment()
        .get_template("demo.html")
        .render(
            office=settings.contact_name,
            policy_year=settings.policy_year,
            chat_url=settings.browser_chat_url,
            questions=DEMO_QUESTIONS,
        )
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(settings: Settings) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"connect-src 'self' {_origin(settings.browser_chat_url)}",
            "img-src 'self' https: data:",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'self'",
            "object-src 'none'",
        )
    )
