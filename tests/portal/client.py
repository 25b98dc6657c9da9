"""A logged-in (or not) browser-like HTTP client for the portal: cookies, CSRF tokens."""

from __future__ import annotations

import re
from typing import Dict, Optional

import requests

from bot.config import Settings

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class PortalClient:
    def __init__(self, settings: Settings) -> None:
        self.base = f"{settings.bot_url}/portal"
        self.http = requests.Session()

    def get(self, path: str, **kwargs) -> requests.Response:  # noqa: ANN003
        return self.http.get(self.base + path, allow_redirects=False, timeout=30, **kwargs)

    def post(self, path: str, data: Optional[Dict[str, str]] = None, **kwargs) -> requests.Response:  # noqa: ANN003
        return self.http.post(self.base + path, data=data, allow_redirects=False, timeout=30, **kwargs)

    def csrf_token(self, path: str = "/leads") -> str:
        page = self.get(path)
        assert page.status_code == 200, page.status_code
        return CSRF.search(page.text).group(1)

    def login(self, name: str, password: str, next_path: str = "/portal") -> requests.Response:
        form = self.get("/login")
        token = CSRF.search(form.text).group(1)
        return self.post("/login", {"csrf_token": token, "name": name, "password": password, "next": next_path})

    def submit(self, path: str, data: Dict[str, str], page: str = "/leads") -> requests.Response:
        """POST a form with the session's CSRF token (read from ``page``)."""
        return self.post(path, {"csrf_token": self.csrf_token(page), **data})


def logged_in(settings: Settings, name: str, password: str) -> PortalClient:
    """A client with a session of ``name`` (the login must succeed)."""
    client = PortalClient(settings)
    reply = client.login(name, password)
    assert reply.status_code == 303, reply.text[:500]
    return client
