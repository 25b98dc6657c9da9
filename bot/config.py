"""Typed settings read from ``ENLIST_*`` environment variables.

Every setting has a safe embedded default so ``make run`` works on a laptop with no
configuration. A value that is present but malformed fails loudly with a
:class:`~bot.errors.ConfigError` naming the variable, instead of being silently ignored.
``enlist settings`` prints the table below; the README lists the same settings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Mapping, Optional, Tuple
from urllib.parse import urlsplit

from bot.errors import ConfigError
from bot.lang.hours import DEFAULT_STAFFED_HOURS, StaffedHours, parse_staffed_hours

PACKAGE_HOME = Path(__file__).resolve().parent.parent
#: embedded: SQLite files, in-memory lock store, one worker each (the laptop default).
#: production: PostgreSQL stores, Redis lock store, several workers, replicas possible.
PROFILES = ("embedded", "production")


def _number_in(kind: Callable[[str], Any], low: float, high: float, what: str) -> Callable[[str], Any]:
    """A parser for a number of type ``kind`` within ``[low, high]``."""

    def parse(raw: str) -> Any:
        value = kind(raw)
        if not low <= value <= high:
            raise ValueError(f"must be {what}")
        return value

    return parse


_parse_port = _number_in(int, 1, 65535, "a port number 1-65535")
_parse_positive_int = _number_in(int, 1, 10**9, "a positive integer")
_parse_non_negative_int = _number_in(int, 0, 64, "an integer from 0 to 64")
_parse_non_negative_int_large = _number_in(int, 0, 10**7, "a non-negative integer")
_parse_year = _number_in(int, 2000, 2100, "a year between 2000 and 2100")


def _parse_today(raw: str) -> Optional[dt.date]:
    """ "" = the real date; otherwise an ISO date (tests set the clock with it)."""
    if not raw.strip():
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise ValueError("must be a date like 2023-06-01, or empty for today's date") from None


_parse_fraction = _number_in(float, 0.0, 1.0, "a number between 0 and 1")
_parse_positive_float = _number_in(float, 1e-9, 1e9, "a positive number")


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


def _parse_profile(raw: str) -> str:
    profile = raw.strip().lower()
    if profile not in PROFILES:
        raise ValueError(f"must be one of {', '.join(PROFILES)}")
    return profile


def _parse_log_level(raw: str) -> str:
    level = raw.strip().upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
    return level


def _parse_origins(raw: str) -> Tuple[str, ...]:
    origins = tuple(part.strip().rstrip("/") for part in raw.split(",") if part.strip())
    for origin in origins:
        if origin != "*" and not origin.startswith(("http://", "https://")):
            raise ValueError(f"origin {origin!r} must start with http:// or https://")
    return origins


def _parse_http_url(raw: str) -> str:
    url = raw.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http:// or https:// URL")
    return url


def _pattern(regex: str, what: str) -> Callable[[str], str]:
    """A parser for a string that must match ``regex`` in full."""
    compiled = re.compile(regex)

    def parse(raw: str) -> str:
        if not compiled.fullmatch(raw):
            raise ValueError(f"must be {what}")
        return raw

    return parse


def _setting(env: str, default: Any, parse: Callable[[str], Any], help: str) -> Any:
    return field(default=default, metadata={"env": env, "parse": parse, "help": help})


@dataclass(frozen=True)
class Settings:
    """All runtime settings. Build with :meth:`from_env`; never mutate."""

    profile: str = _setting(
        "ENLIST_PROFILE", "embedded", _parse_profile, "embedded (SQLite, one process each) or production"
    )
    home: Path = _setting("ENLIST_HOME", PACKAGE_HOME, Path, "project directory (config.yml, domain/, data/)")
    rasa_host: str = _setting("ENLIST_RASA_HOST", "127.0.0.1", str, "Rasa server interface")
    rasa_port: int = _setting("ENLIST_RASA_PORT", 5005, _parse_port, "Rasa server port")
    bot_host: str = _setting("ENLIST_BOT_HOST", "127.0.0.1", str, "bot service interface")
    bot_port: int = _setting("ENLIST_BOT_PORT", 5055, _parse_port, "bot service port")
    action_endpoint: str = _setting(
        "ENLIST_ACTION_ENDPOINT_URL",
        "",
        str,
        "where Rasa reaches the bot service's /webhook; empty = derived from ENLIST_BOT_HOST/PORT",
    )
    action_secret: str = _setting(
        "ENLIST_ACTION_SECRET",
        "",
        str,
        "shared secret Rasa sends to the bot service's /webhook, /actions and /models/ (header X-Enlist-Action-Secret); "
        "empty = random per `enlist run` (embedded), required in production",
    )
    rasa_api_token: str = _setting(
        "ENLIST_RASA_API_TOKEN",
        "",
        str,
        "token for the Rasa HTTP API; empty = API off (--enable-api only with a token)",
    )
    allowed_origins: Tuple[str, ...] = _setting(
        "ENLIST_ALLOWED_ORIGINS",
        (),
        _parse_origins,
        "comma-separated origins allowed to call the chat endpoints from a browser",
    )
    public_chat_url: str = _setting(
        "ENLIST_PUBLIC_CHAT_URL",
        "",
        _parse_http_url,
        "Rasa server URL as browsers reach it (the demo page's widget); empty = the Rasa URL",
    )
    feedback_per_minute: int = _setting(
        "ENLIST_FEEDBACK_PER_MINUTE",
        60,
        _parse_positive_int,
        "widget feedback votes accepted per minute from one client address (more get HTTP 429)",
    )
    policy_year: int = _setting("ENLIST_POLICY_YEAR", 2023, _parse_year, "conscription year the answers describe")
    today: Optional[dt.date] = _setting(
        "ENLIST_TODAY", None, _parse_today, "the date answers take as today (tests); empty = the real date in China"
    )
    faq_dir: Path = _setting("ENLIST_FAQ_DIR", Path("faq"), Path, "FAQ source files")
    var_dir: Path = _setting("ENLIST_VAR_DIR", Path("var"), Path, "runtime data and logs")
    models_dir: Path = _setting("ENLIST_MODELS_DIR", Path("models"), Path, "trained models")
    faq_min_confidence: float = _setting(
        "ENLIST_FAQ_MIN_CONFIDENCE",
        0.08,
        _parse_fraction,
        "answer an FAQ only when the FAQ selector is at least this confident (else suggest topics)",
    )
    review_margin: float = _setting(
        "ENLIST_REVIEW_MARGIN",
        0.15,
        _parse_fraction,
        "an FAQ answer whose two best entries' confidences differ by less than this goes to the review queue",
    )
    faq_max_age_days: int = _setting(
        "ENLIST_FAQ_MAX_AGE_DAYS",
        365,
        _parse_positive_int,
        "`enlist faq validate` warns about entries reviewed longer ago than this",
    )
    max_message_chars: int = _setting(
        "ENLIST_MAX_MESSAGE_CHARS",
        5000,
        _parse_positive_int,
        "longer chat messages are refused with HTTP 413",
    )
    contact_name: str = _setting("ENLIST_CONTACT_NAME", "离石区人民武装部", str, "contact block: office name")
    contact_phone: str = _setting("ENLIST_CONTACT_PHONE", "", str, "contact block: phone")
    contact_address: str = _setting("ENLIST_CONTACT_ADDRESS", "", str, "contact block: address")
    contact_hours: str = _setting("ENLIST_CONTACT_HOURS", "", str, "contact block: office hours")
    staffed_hours: StaffedHours = _setting(
        "ENLIST_STAFFED_HOURS",
        DEFAULT_STAFFED_HOURS,
        parse_staffed_hours,
        "live hand-off: when recruiters answer in the portal, China time, e.g. 'mon-fri 08:30-17:30; sat 09:00-12:00', or 'off'",
    )
    handoff_wait_seconds: int = _setting(
        "ENLIST_HANDOFF_WAIT_SECONDS",
        300,
        _number_in(int, 10, 3600, "seconds from 10 to 3600"),
        "live hand-off: how long a request waits for a recruiter before the student is offered to leave a message",
    )
    database_url: str = _setting(
        "ENLIST_DATABASE_URL",
        "",
        str,
        "leads, users, audit log (SQLAlchemy URL); empty = SQLite file var/enlist.db",
    )
    tracker_store_url: str = _setting(
        "ENLIST_TRACKER_STORE_URL",
        "",
        str,
        "Rasa conversation store (SQLAlchemy URL); empty = SQLite file var/tracker.db",
    )
    redis_url: str = _setting(
        "ENLIST_REDIS_URL",
        "",
        str,
        "Redis for Rasa's lock store (redis://host:port/db); required by the production profile",
    )
    rasa_workers: int = _setting(
        "ENLIST_RASA_WORKERS",
        0,
        _parse_non_negative_int,
        "Sanic workers of the Rasa server; 0 = 1 embedded, one per CPU core in production",
    )
    socketio_websocket_only: bool = _setting(
        "ENLIST_SOCKETIO_WEBSOCKET_ONLY",
        False,
        _parse_bool,
        "socket.io channel refuses the polling transport; required with more than one Rasa worker (polling drops messages)",
    )
    bot_workers: int = _setting(
        "ENLIST_BOT_WORKERS",
        0,
        _parse_non_negative_int,
        "Sanic workers of the bot service; 0 = 1 embedded, one per CPU core in production",
    )
    secret_key: str = _setting(
        "ENLIST_SECRET_KEY",
        "",
        str,
        "signs portal sessions; empty = a random key kept in var/secret_key",
    )
    lead_retention_days: int = _setting(
        "ENLIST_LEAD_RETENTION_DAYS",
        365,
        _parse_positive_int,
        "leads are kept this long (stated in the consent text; `enlist leads purge`)",
    )
    session_idle_minutes: int = _setting(
        "ENLIST_SESSION_IDLE_MINUTES",
        30,
        _parse_positive_int,
        "portal sessions end after this many minutes without activity",
    )
    secure_cookies: bool = _setting(
        "ENLIST_SECURE_COOKIES",
        False,
        _parse_bool,
        "portal cookies only over HTTPS (set true behind a TLS proxy; https requests get it anyway)",
    )
    login_failures_per_user: int = _setting(
        "ENLIST_LOGIN_FAILURES_PER_USER",
        5,
        _parse_positive_int,
        "portal: failed logins for one user name within 15 minutes before it is locked for a while",
    )
    login_failures_per_client: int = _setting(
        "ENLIST_LOGIN_FAILURES_PER_CLIENT",
        20,
        _parse_positive_int,
        "portal: failed logins from one client address within 15 minutes before it is refused",
    )
    parse_cache_size: int = _setting(
        "ENLIST_PARSE_CACHE_SIZE",
        4096,
        _parse_non_negative_int_large,
        "NLU parse results cached per Rasa worker for repeated messages; 0 = off",
    )
    outbox_flush_seconds: float = _setting(
        "ENLIST_OUTBOX_FLUSH_SECONDS",
        5.0,
        _parse_positive_float,
        "how often the bot service retries saving leads kept in var/outbox/",
    )
    lead_save_seconds: float = _setting(
        "ENLIST_LEAD_SAVE_SECONDS",
        6.0,
        _parse_positive_float,
        "how long a sign-up waits for the database before it keeps the lead in var/outbox/ "
        "(the widget gives up on a reply after 20 s)",
    )
    ready_timeout: float = _setting(
        "ENLIST_READY_TIMEOUT",
        180.0,
        _parse_positive_float,
        "seconds `enlist run` waits for both processes to be ready",
    )
    model_pull_seconds: int = _setting(
        "ENLIST_MODEL_PULL_SECONDS",
        5,
        _number_in(int, 0, 3600, "seconds from 0 to 3600"),
        "Rasa asks the bot service this often for a new current model (`enlist reload`); 0 = off (model fixed at start)",
    )
    wechat_token: str = _setting(
        "ENLIST_WECHAT_TOKEN",
        "",
        _pattern(r"[A-Za-z0-9]{3,32}", "3-32 letters or digits (the Token set on mp.weixin.qq.com)"),
        "WeChat Official Account: the Token of 服务器配置; empty = the WeChat channel is off",
    )
    wechat_aes_key: str = _setting(
        "ENLIST_WECHAT_AES_KEY",
        "",
        _pattern(r"[A-Za-z0-9]{43}", "the 43-letter EncodingAESKey of 服务器配置"),
        "WeChat: EncodingAESKey for 安全模式/兼容模式 (needs ENLIST_WECHAT_APP_ID); empty = 明文模式",
    )
    wechat_app_id: str = _setting(
        "ENLIST_WECHAT_APP_ID",
        "",
        _pattern(r"wx[0-9A-Za-z]{16}", "an AppID like wx followed by 16 letters or digits"),
        "WeChat: the account's AppID (开发者ID), needed with ENLIST_WECHAT_AES_KEY",
    )
    wechat_reply_seconds: float = _setting(
        "ENLIST_WECHAT_REPLY_SECONDS",
        4.5,
        _number_in(float, 0.01, 4.8, "seconds from 0.01 to 4.8"),
        "WeChat: how long a message waits for the answer before the reply says 正在查询 (WeChat allows 5 s)",
    )
    log_level: str = _setting("ENLIST_LOG_LEVEL", "INFO", _parse_log_level, "log level")

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Settings":
        """Read settings from ``environ`` (default ``os.environ``); fail on bad values."""
        environ = os.environ if environ is None else environ
        values: Dict[str, Any] = {}
        for spec in dataclasses.fields(cls):
            name = spec.metadata["env"]
            raw = environ.get(name)
            if raw is None or raw.strip() == "":
                continue
            try:
                values[spec.name] = spec.metadata["parse"](raw.strip())
            except ValueError as exc:
                raise ConfigError(f"{name}={raw!r} is invalid: {exc}") from None
        settings = cls(**values)._resolved()
        settings._check_profile()
        settings._check_wechat()
        return settings

    def _check_wechat(self) -> None:
        """A half-configured WeChat channel would refuse every message: refuse to start instead."""
        if (self.wechat_aes_key or self.wechat_app_id) and not self.wechat_token:
            raise ConfigError(
                "ENLIST_WECHAT_AES_KEY and ENLIST_WECHAT_APP_ID need ENLIST_WECHAT_TOKEN (the WeChat channel is off without it)"
            )
        if self.wechat_aes_key and not self.wechat_app_id:
            raise ConfigError(
                "ENLIST_WECHAT_AES_KEY (安全模式) needs ENLIST_WECHAT_APP_ID: WeChat encrypts every message for the AppID"
            )
        if self.wechat_enabled and self.rasa_worker_count > 1 and not self.redis_url:
            raise ConfigError(
                "the WeChat channel with several Rasa workers needs ENLIST_REDIS_URL: "
                "a retry or “更多” may reach another worker than the first message"
            )

    def _check_profile(self) -> None:
        """The production profile runs on shared services; refuse to start without them."""
        if self.profile != "production":
            return
        missing = [
            name
            for name, value in (
                ("ENLIST_DATABASE_URL", self.database_url),
                ("ENLIST_TRACKER_STORE_URL", self.tracker_store_url),
                ("ENLIST_REDIS_URL", self.redis_url),
                ("ENLIST_SECRET_KEY", self.secret_key),
                ("ENLIST_ACTION_SECRET", self.action_secret),
            )
            if not value
        ]
        if missing:
            raise ConfigError(f"ENLIST_PROFILE=production needs {', '.join(missing)}")
        for name, url in (
            ("ENLIST_DATABASE_URL", self.database_url),
            ("ENLIST_TRACKER_STORE_URL", self.tracker_store_url),
        ):
            if url.startswith("sqlite"):
                raise ConfigError(f"{name} must not be SQLite in production (several processes and replicas share it)")
        if not self.redis_url.startswith(("redis://", "rediss://")):
            raise ConfigError(f"ENLIST_REDIS_URL={self.redis_url!r} must start with redis:// or rediss://")

    def _resolved(self) -> "Settings":
        """Make the directory settings absolute, relative to ``home``."""
        home = self.home.resolve()
        changes: Dict[str, Any] = {"home": home}
        for name in ("faq_dir", "var_dir", "models_dir"):
            path: Path = getattr(self, name)
            changes[name] = path if path.is_absolute() else home / path
        return dataclasses.replace(self, **changes)

    # Derived values -------------------------------------------------------------
    @property
    def rasa_url(self) -> str:
        return f"http://{_connect_host(self.rasa_host)}:{self.rasa_port}"

    @property
    def bot_url(self) -> str:
        return f"http://{_connect_host(self.bot_host)}:{self.bot_port}"

    @property
    def browser_chat_url(self) -> str:
        """The Rasa server URL the chat widget on our demo page talks to."""
        return self.public_chat_url or self.rasa_url

    @property
    def action_endpoint_url(self) -> str:
        return self.action_endpoint or f"{self.bot_url}/webhook"

    @property
    def run_dir(self) -> Path:
        """Files generated for one run of the stack (endpoints, logs)."""
        return self.var_dir / "run"

    @property
    def rasa_api_enabled(self) -> bool:
        return bool(self.rasa_api_token)

    @property
    def wechat_enabled(self) -> bool:
        """The WeChat Official Account channel answers only when its Token is set."""
        return bool(self.wechat_token)

    @property
    def is_production(self) -> bool:
        return self.profile == "production"

    @property
    def rasa_worker_count(self) -> int:
        """Rasa server workers: as configured, else 1 embedded / one per core in production.

        Two per core were needed while Rasa's SQL tracker store blocked the event loop; with
        the appending store (bot/rasa_ext/tracker_store.py) 2 workers on 2 cores ran more
        turns/s than 4 at 32 students, in 2.0 instead of 3.5 GB (docs/benchmarks.md).
        """
        return self._worker_count(self.rasa_workers, per_core=1)

    @property
    def bot_worker_count(self) -> int:
        """Bot service workers: as configured, else 1 embedded / one per core in production."""
        return self._worker_count(self.bot_workers, per_core=1)

    def _worker_count(self, configured: int, per_core: int) -> int:
        if configured:
            return configured
        return per_core * max(1, os.cpu_count() or 1) if self.is_production else 1

    @property
    def database(self) -> str:
        """The leads database URL (embedded default: a SQLite file under var/)."""
        return self.database_url or f"sqlite:///{self.var_dir / 'enlist.db'}"

    @property
    def tracker_store(self) -> str:
        """The conversation store URL (embedded default: a SQLite file under var/)."""
        return self.tracker_store_url or f"sqlite:///{self.var_dir / 'tracker.db'}"

    @property
    def outbox_dir(self) -> Path:
        """Leads waiting for the database (see bot/leads/outbox.py)."""
        return self.var_dir / "outbox"


def _connect_host(host: str) -> str:
    """The address a local client uses to reach a server bound to ``host``."""
    return "127.0.0.1" if host in ("0.0.0.0", "") else host


def describe_settings() -> str:
    """A plain-text table of every setting, its default and meaning (``enlist settings``)."""
    rows = []
    for spec in dataclasses.fields(Settings):
        default = spec.default
        if isinstance(default, tuple):
            default = ",".join(default) or "(empty)"
        elif default == "":
            default = "(empty)"
        rows.append((spec.metadata["env"], str(default), spec.metadata["help"]))
    width = max(len(row[0]) for row in rows)
    dwidth = min(28, max(len(row[1]) for row in rows))
    return "\n".join(f"{env:<{width}}  {default:<{dwidth}}  {help}" for env, default, help in rows)
