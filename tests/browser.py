"""Headless Chromium for the widget tests and the widget benchmark.

Debian's /usr/bin/chromium driven by Playwright (never `playwright install`): `.ci/run`
installs the package when it is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Tuple

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Phone first (a common Android size), then a laptop.
VIEWPORTS: Dict[str, Tuple[int, int]] = {"phone": (360, 640), "desktop": (1280, 800)}


def launch_chromium(playwright):  # noqa: ANN001, ANN201 - playwright's own types
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def context_options(viewport: str) -> Dict[str, object]:
    width, height = VIEWPORTS[viewport]
    options: Dict[str, object] = {"viewport": {"width": width, "height": height}, "locale": "zh-CN"}
    if viewport == "phone":
        options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
    return options


def watched_page(browser, viewport: str, errors: list):  # noqa: ANN001, ANN201 - playwright's own types
    """A new page at ``viewport`` whose console errors and uncaught exceptions go to ``errors``."""
    page = browser.new_context(**context_options(viewport)).new_page()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def portal_login(page, bot_url: str, name: str, password: str) -> None:  # noqa: ANN001
    """Log in to the staff portal through its form."""
    page.goto(f"{bot_url}/portal")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
