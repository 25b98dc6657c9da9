"""Deployment helpers: the nginx configuration for replicas behind one address.

`enlist nginx-config` prints it, rendered from the Jinja2 template bot/service/nginx.conf.j2; the
replica tests run nginx with exactly this output.
The chat REST channel is balanced round-robin across Rasa replicas (any replica can take
any turn: SQL tracker store + Redis lock store); socket.io needs the same replica for a
connection's lifetime, so its location uses a sticky (ip_hash) upstream; the bot service's
public routes (demo page, widget, feedback, portal, health) go to the bot service replicas.
Nothing else is routed: the action webhook, /actions and the model route are for Rasa only
(bot/edge/action_guard.py) and answer 404 at the public address, as does Rasa's
/internal/handoff/events (the bot service's hand-off calls, bot/channels/handoff.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional, Sequence

import jinja2

#: The nginx.conf template (Jinja2), next to this module so it ships with the package.
NGINX_TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.j2"
#: nginx's temporary-file directories, put under ``runtime_dir`` when one is given.
TEMP_PATH_NAMES = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


#: Bot service paths reachable from the public address (the k8s Ingress routes the same).
PUBLIC_BOT_EXACT = (
    "/",
    "/demo.css",
    "/widget.css",
    "/widget.js",
    "/feedback",
    "/health",
    "/handoff/stream",
    "/handoff/messages",
)
PUBLIC_BOT_PREFIXES = ("/portal",)


def public_bot_pattern() -> str:
    """A regex alternation for nginx matching exactly the public bot paths."""
    exact = [re.escape(path) for path in PUBLIC_BOT_EXACT]
    prefixes = [re.escape(path) + "(/.*)?" for path in PUBLIC_BOT_PREFIXES]
    return "|".join(exact + prefixes)


def nginx_config(
    rasa: Sequence[str],
    bot: Sequence[str],
    listen: str = "80",
    access_log: str = "/var/log/nginx/enlist.access.log",
    runtime_dir: Optional[str] = None,
    user: Optional[str] = None,
) -> str:
    """nginx.conf for Rasa replicas ``rasa`` and bot replicas ``bot`` (host:port each).

    ``runtime_dir`` puts the pid file, error log and temporary files under one directory
    (for running nginx unprivileged or in tests); ``user`` sets the worker user.
    """
    if not rasa or not bot:
        raise ValueError("need at least one Rasa and one bot service address")
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(NGINX_TEMPLATE.parent),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    return environment.get_template(NGINX_TEMPLATE.name).render(
        rasa=list(rasa),
        bot=list(bot),
        listen=listen,
        access_log=access_log,
        runtime_dir=runtime_dir,
        user=user,
        temp_path_names=TEMP_PATH_NAMES,
        public_bot_pattern=public_bot_pattern(),
    )
