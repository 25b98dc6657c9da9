"""Issue 13 item 8: staff passwords are checked with zxcvbn and a bundled list of common
passwords, refused in Chinese, wherever one is set: ``enlist user add`` here, the portal's
修改密码 and 账号管理 pages in tests/portal/test_accounts_http.py (the same check)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.staff.accounts import AccountError, AccountStore, check_password_strength, common_passwords
from bot.storage.database import Database
from tests.portal.test_portal_cli import enlist

STRONG = "Qiu-lan-Shan-47!"


@pytest.mark.parametrize(
    "password, reason",
    [
        ("P@ssw0rd123", "常见"),  # zxcvbn: score 1 (l33t "password")
        ("Admin@12345", "常见"),  # zxcvbn scores it 3: only the list refuses it
        ("p@SSW0RD123", "常见"),  # the list is compared case-insensitively
        ("Zhengbing@2023", "常见"),
        ("qwertyuiop[]", "容易被猜到"),
        ("1111122222", "容易被猜到"),
        ("Password2023", "容易被猜到"),
        ("xx-wangfang-xx-47!", "用户名"),
        ("xx-WangFang-xx-47!", "用户名"),
    ],
)
def test_weak_passwords_are_refused_with_a_chinese_reason(password: str, reason: str) -> None:
    with pytest.raises(AccountError) as caught:
        check_password_strength(password, "wangfang")
    assert reason in str(caught.value)


@pytest.mark.parametrize("password", [STRONG, "correct horse battery staple", "Hq7-vTz9-pL2w", "Zhaomu-2023!"])
def test_strong_passwords_are_accepted(password: str) -> None:
    check_password_strength(password, "wangfang")


def test_the_bundled_list_is_read_and_lower_cased() -> None:
    listed = common_passwords()
    assert {"p@ssw0rd123", "admin@12345"} <= listed and all(p == p.lower() and not p.startswith("#") for p in listed)


def test_a_long_password_up_to_the_limit_is_rated_not_crashed_on() -> None:
    check_password_strength(("Hq7-vTz9-pL2w-" * 20)[:256], "wangfang")  # zxcvbn itself refuses over 72 characters


def enlist_user_add(var_dir: Path, name: str, password: str) -> subprocess.CompletedProcess:
    """``enlist user add`` in a subprocess, the password on stdin."""
    return enlist(var_dir, "user", "add", name, "--role", "admin", "--password-stdin", stdin=password + "\n")


@pytest.mark.parametrize(
    "password, reason", [("P@ssw0rd123", "常见"), ("Admin@12345", "常见"), ("lizhuren-2023!", "用户名")]
)
def test_the_cli_refuses_a_weak_password_and_creates_nothing(tmp_path: Path, password: str, reason: str) -> None:
    result = enlist_user_add(tmp_path, "lizhuren", password)
    stderr = result.stderr.decode()
    assert result.returncode == 1 and reason in stderr and "Traceback" not in stderr
    db = Database(f"sqlite:///{tmp_path / 'enlist.db'}")
    try:
        assert AccountStore(db).list() == []
    finally:
        db.dispose()


def test_the_cli_accepts_a_strong_password(tmp_path: Path) -> None:
    result = enlist_user_add(tmp_path, "lizhuren", STRONG)
    assert result.returncode == 0, result.stderr.decode()
    db = Database(f"sqlite:///{tmp_path / 'enlist.db'}")
    try:
        assert AccountStore(db).verify("lizhuren", STRONG) is not None
    finally:
        db.dispose()
