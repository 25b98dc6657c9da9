"""Staff accounts: names, roles, scrypt password hashes, disabling.

A new password must be at least 10 characters, must not contain the user name, must not be
on the bundled list of common passwords (common_passwords.txt) and must reach zxcvbn score
3 of 4 ("safely unguessable"; zxcvbn is Dropbox's estimator, which knows dictionaries,
keyboard patterns, dates and l33t substitutions); the refusal says why in Chinese.

An admin who adds an account or resets a password either types it or lets the portal make a
temporary one (shown once); either way the user must choose their own at the next login.

Passwords are hashed with scrypt (memory-hard: N=2**15, r=8, p=1, 32 MiB per hash) and a
random 16-byte salt; the parameters are stored with each hash so they can be raised later
without breaking old accounts. Verification compares in constant time, and an unknown
user name costs as much as a wrong password (no user-name probing by timing).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import FrozenSet, List, Optional

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from zxcvbn import zxcvbn

from bot.errors import EnlistError
from bot.lang.timefmt import utcnow
from bot.storage.database import Database
from bot.storage.schema import sessions, users

#: Role code -> label. recruiter: leads; editor: FAQ pages (issue 5); admin: everything.
ROLES = {"recruiter": "招募人员", "editor": "内容编辑", "admin": "管理员"}
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 256
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**15, 8, 1
_SCRYPT_MAXMEM = 64 * 1024 * 1024
_NAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,40}$")
#: zxcvbn score a new password needs (0–4; 3: "safely unguessable", about 10^10 guesses).
MIN_ZXCVBN_SCORE = 3
#: zxcvbn rates at most this many leading characters (it refuses longer input; its cost grows with length).
_ZXCVBN_CHARS = 72
_COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
#: zxcvbn's English warnings (its strings) → what the staff member reads.
_WARNINGS = {
    "This is a top-10 common password.": "这是最常见的密码之一。",
    "This is a top-100 common password.": "这是最常见的密码之一。",
    "This is a very common password.": "这是很常见的密码。",
    "This is similar to a commonly used password.": "它与常见密码很相似（把 a 换成 @、o 换成 0 这类替换没有用）。",
    "A word by itself is easy to guess.": "单个词语很容易被猜到。",
    "Names and surnames by themselves are easy to guess.": "姓名很容易被猜到。",
    "Common names and surnames are easy to guess.": "常见的姓名很容易被猜到。",
    "Straight rows of keys are easy to guess.": "键盘上连成一排的按键很容易被猜到。",
    "Short keyboard patterns are easy to guess.": "键盘上的简单图案很容易被猜到。",
    'Repeats like "aaa" are easy to guess.': "重复的字符（如 aaa）很容易被猜到。",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': "重复的片段（如 abcabc）并不比一次更难猜。",
    'Sequences like "abc" or "6543" are easy to guess.': "顺序字符（如 abc、6543）很容易被猜到。",
    "Recent years are easy to guess.": "最近的年份很容易被猜到。",
    "Dates are often easy to guess.": "日期很容易被猜到。",
}


class AccountError(EnlistError):
    """A user name, role or password that cannot be used; the message is Chinese."""


class WrongPassword(AccountError):
    """The current password given for a change is not the account's."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    disabled: bool
    created_at: dt.datetime
    last_login_at: Optional[dt.datetime]
    #: an admin set this password: the user must choose a new one before anything else
    must_change_password: bool = False

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64) for ``password``."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    return "$".join(("scrypt", str(_SCRYPT_N), str(_SCRYPT_R), str(_SCRYPT_P), _b64(salt), _b64(digest)))


def password_matches(password: str, stored: str) -> bool:
    """True when ``password`` hashes to ``stored`` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, base64.b64decode(expected))


def check_password_strength(password: str, name: str) -> None:
    """Refuse short, common, guessable or name-based passwords with a Chinese explanation."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"密码太短：至少需要{MIN_PASSWORD_CHARS}个字符。")
    if len(password) > MAX_PASSWORD_CHARS:
        raise AccountError(f"密码太长：最多{MAX_PASSWORD_CHARS}个字符。")
    if password.strip() != password or any(ord(ch) < 32 for ch in password):
        raise AccountError("密码不能以空格开头或结尾，也不能包含控制字符。")
    if name and name.lower() in password.lower():
        raise AccountError("密码不能包含用户名，请换一个。")
    if password.lower() in common_passwords():
        raise AccountError("密码太常见（在常用密码名单上），请换一个。")
    result = zxcvbn(password[:_ZXCVBN_CHARS], user_inputs=[name] if name else [])
    if result["score"] < MIN_ZXCVBN_SCORE:
        warning = _WARNINGS.get(result["feedback"].get("warning") or "", "")
        raise AccountError(f"密码太容易被猜到。{warning}建议用三四个不相关的词语或拼音组合，并加入数字和符号。")


@functools.lru_cache(maxsize=1)
def common_passwords() -> FrozenSet[str]:
    """The bundled list of refused passwords, lower-cased."""
    lines = _COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


#: Temporary passwords: no look-alike characters (0/O, 1/l/I), read out or typed from a note.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"


def temporary_password() -> str:
    """A random one-time password such as ``k7Qm-x3Tp-9wRz`` (about 68 bits) that passes the checks."""
    while True:
        groups = ("".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(3))
        password = "-".join(groups)
        try:
            check_password_strength(password, "")
        except AccountError:
            continue
        return password


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise AccountError("用户名需为2到40个字符，只能包含字母、数字、汉字和 . _ -。")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"未知角色 {role!r}：可选 {', '.join(ROLES)}。")
    return role


class AccountStore:
    """Creates, verifies, lists and disables staff accounts."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._dummy_hash = hash_password(secrets.token_urlsafe(16))

    def create(self, name: str, role: str, password: str, must_change: bool = False) -> User:
        """A new enabled account; ``must_change``: the user picks their own password at the first login."""
        check_name(name)
        check_role(role)
        check_password_strength(password, name)
        now = utcnow()
        try:
            with self.database.begin() as connection:
                result = connection.execute(
                    insert(users).values(
                        name=name,
                        role=role,
                        password_hash=hash_password(password),
                        disabled=False,
                        created_at=now,
                        must_change_password=must_change,
                    )
                )
        except IntegrityError:
            raise AccountError(f"用户 {name} 已存在。") from None
        return User(result.inserted_primary_key[0], name, role, False, now, None, must_change)

    def change_password(self, user_id: int, current: str, new: str) -> User:
        """The user's own change: ``current`` must match; clears the forced change."""
        user_row = self._row(user_id)
        if not password_matches(current, user_row.password_hash):
            raise WrongPassword("当前密码不正确。")
        if new == current:
            raise AccountError("新密码不能与当前密码相同。")
        check_password_strength(new, user_row.name)
        with self.database.begin() as connection:
            connection.execute(
                update(users)
                .where(users.c.id == user_id)
                .values(password_hash=hash_password(new), must_change_password=False)
            )
        return dataclasses.replace(_user(user_row), must_change_password=False)

    def set_password(self, user_id: int, password: str) -> User:
        """An admin sets (resets) the password: the user must change it at the next login; their sessions end."""
        user_row = self._row(user_id)
        check_password_strength(password, user_row.name)
        with self.database.begin() as connection:
            connection.execute(
                update(users)
                .where(users.c.id == user_id)
                .values(password_hash=hash_password(password), must_change_password=True)
            )
            connection.execute(delete(sessions).where(sessions.c.user_id == user_id))
        return dataclasses.replace(_user(user_row), must_change_password=True)

    def verify(self, name: str, password: str) -> Optional[User]:
        """The enabled user with this name and password, else None (same cost either way)."""
        with self.database.begin() as connection:
            row = connection.execute(select(users).where(users.c.name == name)).first()
        matches = password_matches(password, row.password_hash if row else self._dummy_hash)
        if row is None or not matches or row.disabled:
            return None
        now = utcnow()
        with self.database.begin() as connection:
            connection.execute(update(users).where(users.c.id == row.id).values(last_login_at=now))
        return dataclasses.replace(_user(row), last_login_at=now)

    def get(self, user_id: int) -> Optional[User]:
        with self.database.begin() as connection:
            row = connection.execute(select(users).where(users.c.id == user_id)).first()
        return _user(row) if row else None

    def list(self) -> List[User]:
        with self.database.begin() as connection:
            rows = connection.execute(select(users).order_by(users.c.name)).all()
        return [_user(r) for r in rows]

    def by_name(self, name: str) -> User:
        """The account called ``name``; AccountError if there is none."""
        with self.database.begin() as connection:
            row = connection.execute(select(users).where(users.c.name == name)).first()
        if row is None:
            raise AccountError(f"没有用户 {name}。")
        return _user(row)

    def disable(self, name: str) -> User:
        """Disable the account and end its sessions at once."""
        return self.set_disabled(self.by_name(name).id, True)

    def set_disabled(self, user_id: int, disabled: bool) -> User:
        """Disable (ending its sessions at once) or enable the account."""
        user_row = self._row(user_id)
        with self.database.begin() as connection:
            connection.execute(update(users).where(users.c.id == user_id).values(disabled=disabled))
            if disabled:
                connection.execute(delete(sessions).where(sessions.c.user_id == user_id))
        return dataclasses.replace(_user(user_row), disabled=disabled)

    def _row(self, user_id: int):  # noqa: ANN202 - a SQLAlchemy row of users
        with self.database.begin() as connection:
            row = connection.execute(select(users).where(users.c.id == user_id)).first()
        if row is None:
            raise AccountError("没有这个账号。")
        return row


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_SCRYPT_MAXMEM, dklen=32)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _user(row) -> User:  # noqa: ANN001 - a SQLAlchemy row of users
    return User(
        row.id,
        row.name,
        row.role,
        bool(row.disabled),
        row.created_at,
        row.last_login_at,
        bool(row.must_change_password),
    )
