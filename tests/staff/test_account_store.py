"""The account store behind 修改密码 and 账号管理, on SQLite and PostgreSQL: changing one's
own password, an admin's reset (forced change, sessions ended), disabling and enabling,
temporary passwords, ending the other sessions, and migration 0008 down and up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import inspect, select

from bot.staff.accounts import AccountError, AccountStore, WrongPassword, check_password_strength, temporary_password
from bot.staff.sessions import SessionStore
from bot.storage.database import MIGRATIONS, Database
from bot.storage.schema import sessions
from tests.databases import BACKENDS, migrated_database

PASSWORD, NEW = "Zhaomu-2023!", "Lvliang-zhaomu-2026!"


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with migrated_database(request.param, tmp_path) as db:
        yield db


def session_count(database: Database, user_id: int) -> int:
    with database.begin() as connection:
        return len(connection.execute(select(sessions.c.token_hash).where(sessions.c.user_id == user_id)).all())


def test_changing_ones_password_needs_the_current_one_and_clears_a_forced_change(database: Database) -> None:
    accounts = AccountStore(database)
    user = accounts.create("wangfang", "recruiter", PASSWORD, must_change=True)
    assert accounts.get(user.id).must_change_password
    with pytest.raises(WrongPassword):
        accounts.change_password(user.id, "Wrong-pass-99", NEW)
    with pytest.raises(AccountError, match="不能与当前密码相同"):
        accounts.change_password(user.id, PASSWORD, PASSWORD)
    with pytest.raises(AccountError, match="不能包含用户名"):
        accounts.change_password(user.id, PASSWORD, "wangfang-2026-zhaomu")
    assert accounts.verify("wangfang", PASSWORD) is not None
    changed = accounts.change_password(user.id, PASSWORD, NEW)
    assert not changed.must_change_password and not accounts.get(user.id).must_change_password
    assert accounts.verify("wangfang", NEW) is not None and accounts.verify("wangfang", PASSWORD) is None


def test_an_admin_reset_forces_a_change_and_ends_every_session(database: Database) -> None:
    accounts = AccountStore(database)
    store = SessionStore(database, b"k" * 32, dt.timedelta(minutes=30))
    user = accounts.create("lilei", "editor", PASSWORD)
    store.create(user)
    store.create(user)
    reset = accounts.set_password(user.id, NEW)
    assert reset.must_change_password and session_count(database, user.id) == 0
    assert accounts.verify("lilei", NEW).must_change_password
    with pytest.raises(AccountError, match="太常见"):
        accounts.set_password(user.id, "1234567890")
    with pytest.raises(AccountError, match="没有这个账号"):
        accounts.set_password(999_999, NEW)


def test_end_others_keeps_only_the_session_in_use(database: Database) -> None:
    accounts = AccountStore(database)
    store = SessionStore(database, b"k" * 32, dt.timedelta(minutes=30))
    user, other = accounts.create("zhaomin", "recruiter", PASSWORD), accounts.create("zhangwei", "recruiter", PASSWORD)
    token, current = store.create(user)
    store.create(user)
    store.create(other)
    assert store.end_others(user.id, current.token_hash) == 1
    assert store.lookup(token) is not None and session_count(database, user.id) == 1
    assert session_count(database, other.id) == 1  # someone else's sessions are not touched


def test_disable_and_enable(database: Database) -> None:
    accounts = AccountStore(database)
    store = SessionStore(database, b"k" * 32, dt.timedelta(minutes=30))
    user = accounts.create("zhouxun", "recruiter", PASSWORD)
    store.create(user)
    assert accounts.set_disabled(user.id, True).disabled and session_count(database, user.id) == 0
    assert accounts.verify("zhouxun", PASSWORD) is None
    assert not accounts.set_disabled(user.id, False).disabled
    assert accounts.verify("zhouxun", PASSWORD) is not None
    assert accounts.by_name("zhouxun").id == user.id
    with pytest.raises(AccountError, match="没有用户 nobody"):
        accounts.by_name("nobody")


def test_temporary_passwords_are_random_readable_and_strong() -> None:
    seen = {temporary_password() for _ in range(20)}
    assert len(seen) == 20
    for password in seen:
        assert len(password) == 14 and password.count("-") == 2
        assert not set(password) & set("0O1lI")
        check_password_strength(password, "wangfang")


def test_migration_0008_goes_down_and_up(database: Database) -> None:
    from alembic import command
    from alembic.config import Config

    AccountStore(database).create("before", "admin", PASSWORD)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007_faq_history")
        assert "must_change_password" not in {c["name"] for c in inspect(connection).get_columns("users")}
        command.upgrade(config, "head")
        assert "must_change_password" in {c["name"] for c in inspect(connection).get_columns("users")}
    assert not AccountStore(database).by_name("before").must_change_password  # existing accounts: no forced change
