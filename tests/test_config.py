"""Settings from ENLIST_* variables: embedded defaults, loud failures."""

import dataclasses
import os
import re
from pathlib import Path

import pytest

from bot.config import Settings, describe_settings
from bot.errors import ConfigError


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert (settings.rasa_host, settings.rasa_port, settings.bot_port) == ("127.0.0.1", 5005, 5055)
    assert settings.policy_year == 2023 and settings.rasa_api_enabled is False
    assert settings.action_endpoint_url == "http://127.0.0.1:5055/webhook"
    assert settings.faq_dir == settings.home / "faq" and settings.faq_dir.is_absolute()


def test_values_are_parsed() -> None:
    settings = Settings.from_env(
        {
            "ENLIST_RASA_PORT": "6005",
            "ENLIST_BOT_HOST": "0.0.0.0",
            "ENLIST_RASA_API_TOKEN": "s3cret",
            "ENLIST_ALLOWED_ORIGINS": "https://a.example, https://b.example/",
            "ENLIST_VAR_DIR": "/tmp/x",
        }
    )
    assert settings.rasa_port == 6005 and settings.rasa_api_enabled
    assert settings.bot_url == "http://127.0.0.1:5055"
    assert settings.allowed_origins == ("https://a.example", "https://b.example")
    assert settings.var_dir == Path("/tmp/x")


@pytest.mark.parametrize(
    "name, value",
    [
        ("ENLIST_RASA_PORT", "abc"),
        ("ENLIST_BOT_PORT", "70000"),
        ("ENLIST_POLICY_YEAR", "23"),
        ("ENLIST_FAQ_MIN_CONFIDENCE", "1.5"),
        ("ENLIST_LOG_LEVEL", "LOUD"),
        ("ENLIST_ALLOWED_ORIGINS", "example.org"),
    ],
)
def test_bad_values_fail_loudly_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})


def test_every_setting_is_described() -> None:
    table = describe_settings()
    for name in ("ENLIST_RASA_PORT", "ENLIST_POLICY_YEAR", "ENLIST_CONTACT_PHONE", "ENLIST_RASA_API_TOKEN"):
        assert name in table


def test_browser_chat_url_defaults_to_the_rasa_url_and_can_be_public() -> None:
    assert Settings.from_env({"ENLIST_RASA_PORT": "6005"}).browser_chat_url == "http://127.0.0.1:6005"
    public = Settings.from_env({"ENLIST_PUBLIC_CHAT_URL": "https://zbzx.example.cn/chat/"})
    assert public.browser_chat_url == "https://zbzx.example.cn/chat"


@pytest.mark.parametrize(
    "name, value",
    [
        ("ENLIST_PUBLIC_CHAT_URL", "zbzx.example.cn"),
        ("ENLIST_PUBLIC_CHAT_URL", "javascript:alert(1)"),
        ("ENLIST_FEEDBACK_PER_MINUTE", "0"),
        ("ENLIST_FEEDBACK_PER_MINUTE", "many"),
    ],
)
def test_widget_settings_fail_loudly(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})


PRODUCTION_ENV = {
    "ENLIST_PROFILE": "production",
    "ENLIST_DATABASE_URL": "postgresql://enlist@127.0.0.1/enlist",
    "ENLIST_TRACKER_STORE_URL": "postgresql://enlist@127.0.0.1/enlist",
    "ENLIST_REDIS_URL": "redis://127.0.0.1:6379/0",
    "ENLIST_SECRET_KEY": "k" * 32,
    "ENLIST_ACTION_SECRET": "a" * 32,
}


def test_worker_counts_one_each_embedded_and_scaled_by_cores_in_production() -> None:
    cores = os.cpu_count() or 1
    embedded = Settings.from_env({})
    assert (embedded.rasa_worker_count, embedded.bot_worker_count) == (1, 1)
    production = Settings.from_env(PRODUCTION_ENV)
    assert (production.rasa_worker_count, production.bot_worker_count) == (cores, cores)
    configured = Settings.from_env({**PRODUCTION_ENV, "ENLIST_RASA_WORKERS": "3", "ENLIST_BOT_WORKERS": "5"})
    assert (configured.rasa_worker_count, configured.bot_worker_count) == (3, 5)


def test_readme_settings_table_lists_every_setting() -> None:
    """Operators configure from the README: every ENLIST_* variable must be in its table."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    table_rows = [line for line in section.splitlines() if line.startswith("| `ENLIST_")]
    documented = {name for row in table_rows for name in re.findall(r"`(ENLIST_[A-Z_]+)`", row.split("|")[1])}
    declared = {spec.metadata["env"] for spec in dataclasses.fields(Settings)}
    assert declared - documented == set(), "settings missing from the README's Settings table"
    assert documented - declared == set(), "README documents settings that do not exist"


WECHAT_SAFE_ENV = {
    "ENLIST_WECHAT_TOKEN": "enlistToken1",
    "ENLIST_WECHAT_AES_KEY": "A" * 43,
    "ENLIST_WECHAT_APP_ID": "wx1234567890abcdef",
}


def test_the_wechat_channel_is_off_by_default_and_on_with_a_token() -> None:
    assert not Settings.from_env({}).wechat_enabled
    assert Settings.from_env({"ENLIST_WECHAT_TOKEN": "enlistToken1"}).wechat_enabled
    assert Settings.from_env(WECHAT_SAFE_ENV).wechat_aes_key == "A" * 43


@pytest.mark.parametrize(
    "missing, named",
    [
        ("ENLIST_WECHAT_TOKEN", "ENLIST_WECHAT_TOKEN"),  # key and AppID without the Token
        ("ENLIST_WECHAT_APP_ID", "ENLIST_WECHAT_APP_ID"),  # safe mode without the AppID
    ],
)
def test_a_half_configured_wechat_channel_fails_loudly(missing: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        Settings.from_env({name: value for name, value in WECHAT_SAFE_ENV.items() if name != missing})


@pytest.mark.parametrize(
    "name, value",
    [
        ("ENLIST_WECHAT_TOKEN", "ab"),
        ("ENLIST_WECHAT_TOKEN", "has space"),
        ("ENLIST_WECHAT_AES_KEY", "short"),
        ("ENLIST_WECHAT_APP_ID", "1234567890abcdef"),
        ("ENLIST_WECHAT_REPLY_SECONDS", "5"),
    ],
)
def test_bad_wechat_values_fail_loudly(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({**WECHAT_SAFE_ENV, name: value})


def test_wechat_on_several_workers_needs_redis() -> None:
    several = {**WECHAT_SAFE_ENV, "ENLIST_RASA_WORKERS": "2"}
    with pytest.raises(ConfigError, match="ENLIST_REDIS_URL"):
        Settings.from_env(several)
    assert Settings.from_env({**several, "ENLIST_REDIS_URL": "redis://127.0.0.1:6379/0"}).rasa_worker_count == 2
    assert Settings.from_env({**PRODUCTION_ENV, **WECHAT_SAFE_ENV}).wechat_enabled
