"""Accounts in the browser over HTTP on a real bot service, on SQLite and on PostgreSQL:
every staff member changes their own password (current password required, checked like the
CLI checks it, the account's other sessions ended); an admin adds accounts with a role,
disables and enables them and resets passwords (temporary, shown once, or typed), and the
user must choose a new password at the next login. Every write is checked in the database
and the audit log, refused without CSRF and refused (403, in Chinese) for other roles."""

from __future__ import annotations

import itertools
import re
from typing import Iterator, List, Optional

import pytest
from sqlalchemy import delete

from bot.config import Settings
from bot.staff.accounts import AccountStore, User
from bot.staff.audit import AuditEntry, AuditLog
from bot.staff.login_limit import LoginLimiter, LoginLimits
from bot.storage.database import Database
from bot.storage.schema import login_attempts
from tests.databases import BACKENDS
from tests.portal.client import PortalClient
from tests.portal.client import logged_in as client_of
from tests.portal.leads_seed import STAFF_PASSWORD, workflow_service

NEW_PASSWORD = "Lvliang-zhaomu-2026!"
TEMPORARY = re.compile(r'<p class="temporary"><code>([^<]+)</code></p>')
DAY = re.compile(r"\b20\d\d-\d\d-\d\d \d\d:\d\d\b")
_names = itertools.count(1)


@pytest.fixture(scope="module", params=BACKENDS)
def service(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    with workflow_service(request.param, tmp_path_factory.mktemp(f"accounts-{request.param}")) as settings:
        yield settings


@pytest.fixture()
def database(service: Settings) -> Iterator[Database]:
    db = Database(service.database)
    yield db
    with db.begin() as connection:  # every test starts with a clean rate limit (all log in from 127.0.0.1)
        connection.execute(delete(login_attempts))
    db.dispose()


def new_account(database: Database, role: str = "recruiter") -> User:
    """A fresh account of its own for a test that changes it."""
    return AccountStore(database).create(f"staff{next(_names):03d}", role, STAFF_PASSWORD)


def audit_of(database: Database, action: str, target: str) -> List[AuditEntry]:
    return [e for e in AuditLog(database).recent(500) if e.action == action and e.target == target]


def account(database: Database, name: str) -> Optional[User]:
    return next((u for u in AccountStore(database).list() if u.name == name), None)


def change(client: PortalClient, current: str, new: str, again: Optional[str] = None):  # noqa: ANN201
    return client.submit(
        "/account/password",
        {"current": current, "new": new, "again": new if again is None else again},
        page="/account/password",
    )


# --- own password ---------------------------------------------------------------------------------


def test_a_staff_member_changes_their_password_and_their_other_sessions_end(
    service: Settings, database: Database
) -> None:
    user = new_account(database)
    here, elsewhere = client_of(service, user.name, STAFF_PASSWORD), client_of(service, user.name, STAFF_PASSWORD)
    page = here.get("/account/password")
    assert page.status_code == 200 and "当前密码" in page.text and "修改密码" in page.text
    reply = change(here, STAFF_PASSWORD, NEW_PASSWORD)
    assert reply.status_code == 303 and reply.headers["Location"] == "/portal/account/password?saved=1"
    assert "密码已修改" in here.get("/account/password?saved=1").text
    assert here.get("/leads").status_code == 200  # this session goes on
    assert elsewhere.get("/leads").status_code == 303  # the other one has ended
    accounts = AccountStore(database)
    assert accounts.verify(user.name, NEW_PASSWORD) is not None and accounts.verify(user.name, STAFF_PASSWORD) is None
    entry = audit_of(database, "password_change", f"user:{user.name}")[0]
    assert entry.actor == user.name and entry.detail == "其他会话已结束：1个"
    assert NEW_PASSWORD not in (entry.detail or "") and STAFF_PASSWORD not in (entry.detail or "")


def test_a_wrong_current_password_is_refused_audited_and_rate_limited(service: Settings, database: Database) -> None:
    user = new_account(database, "editor")
    client = client_of(service, user.name, STAFF_PASSWORD)
    reply = change(client, "Not-my-password-1", NEW_PASSWORD)
    assert reply.status_code == 400 and "当前密码不正确" in reply.text
    assert AccountStore(database).verify(user.name, STAFF_PASSWORD) is not None
    assert [e.actor for e in audit_of(database, "password_change_failed", f"user:{user.name}")] == [user.name]
    assert LoginLimiter(database, LoginLimits(5, 20)).failures(user.name) == 1
    for _ in range(service.login_failures_per_user - 1):
        change(client, "Not-my-password-1", NEW_PASSWORD)
    blocked = change(client, STAFF_PASSWORD, NEW_PASSWORD)  # even the right one now waits
    assert blocked.status_code == 429 and "分钟后再试" in blocked.text
    assert AccountStore(database).verify(user.name, STAFF_PASSWORD) is not None


@pytest.mark.parametrize(
    "new, again, message",
    [
        ("short1!", None, "密码太短"),
        ("1234567890", None, "太常见"),
        ("password123", None, "太常见"),
        ("abcdefghijk1", None, "太容易被猜到"),
        ("{name}-2026-abc!", None, "不能包含用户名"),
        (STAFF_PASSWORD, None, "不能与当前密码相同"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "两次输入的新密码不一致"),
        ("", None, "请填写当前密码和新密码"),
        ("长" * 257, None, "密码太长"),
    ],
)
def test_weak_or_mistyped_new_passwords_are_refused_in_chinese(
    service: Settings, database: Database, new: str, again: Optional[str], message: str
) -> None:
    user = new_account(database)
    client = client_of(service, user.name, STAFF_PASSWORD)
    reply = change(client, STAFF_PASSWORD, new.format(name=user.name), again)
    assert reply.status_code == 400 and message in reply.text, reply.text[-600:]
    assert AccountStore(database).verify(user.name, STAFF_PASSWORD) is not None
    assert audit_of(database, "password_change", f"user:{user.name}") == []


def test_a_password_change_without_the_csrf_token_is_refused(service: Settings, database: Database) -> None:
    user = new_account(database)
    client = client_of(service, user.name, STAFF_PASSWORD)
    for token in (None, "forged"):
        data = {"current": STAFF_PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD}
        reply = client.post("/account/password", data if token is None else {"csrf_token": token, **data})
        assert reply.status_code == 403 and "表单已过期或来源不明" in reply.text
    assert AccountStore(database).verify(user.name, STAFF_PASSWORD) is not None
    assert PortalClient(service).post("/account/password", {}).status_code == 303  # no session: to the login page


# --- the admin's accounts page ---------------------------------------------------------------------


def test_an_admin_adds_an_account_whose_temporary_password_must_be_changed(
    service: Settings, database: Database
) -> None:
    admin = client_of(service, "admin1", STAFF_PASSWORD)
    page = admin.get("/admin/users")
    assert page.status_code == 200 and "添加账号" in page.text and "recruiter1" in page.text and "已停用" in page.text
    assert DAY.search(page.text), "times are shown as 2026-12-01 08:30"
    name = f"new{next(_names):03d}"
    reply = admin.submit("/admin/users", {"name": name, "role": "editor", "password": ""}, page="/admin/users")
    assert reply.status_code == 200 and f"已添加账号 {name}（内容编辑）" in reply.text and "只显示这一次" in reply.text
    temporary = TEMPORARY.search(reply.text).group(1)
    assert temporary not in admin.get("/admin/users").text  # shown once
    created = account(database, name)
    assert created.role == "editor" and created.must_change_password and not created.disabled
    entry = audit_of(database, "user_add", f"user:{name}")[0]
    assert entry.actor == "admin1" and entry.detail == "role=editor; 临时密码"
    assert all(temporary not in (e.detail or "") for e in AuditLog(database).recent(50))
    assert temporary not in (service.var_dir / "bot.log").read_text(encoding="utf-8", errors="replace")

    user = client_of(service, name, temporary)
    for path in ("", "/review", "/faq"):  # nothing opens before the change
        blocked = user.get(path)
        assert blocked.status_code == 303 and blocked.headers["Location"] == "/portal/account/password"
    assert "请先设置自己的新密码" in user.get("/account/password").text
    assert change(user, temporary, NEW_PASSWORD).status_code == 303
    assert user.get("/review").status_code == 200 and not account(database, name).must_change_password


def test_an_admin_sets_a_typed_password_for_a_new_account(service: Settings, database: Database) -> None:
    admin = client_of(service, "admin1", STAFF_PASSWORD)
    name = f"typed{next(_names):03d}"
    reply = admin.submit(
        "/admin/users", {"name": name, "role": "recruiter", "password": NEW_PASSWORD}, page="/admin/users"
    )
    assert reply.status_code == 200 and "已使用您输入的密码" in reply.text and NEW_PASSWORD not in reply.text
    assert audit_of(database, "user_add", f"user:{name}")[0].detail == "role=recruiter; 管理员设置的密码"
    first = client_of(service, name, NEW_PASSWORD).get("/leads")
    assert first.status_code == 303 and first.headers["Location"] == "/portal/account/password"


@pytest.mark.parametrize(
    "form, message",
    [
        ({"name": "recruiter1", "role": "recruiter"}, "已存在"),
        ({"name": "<script>", "role": "admin"}, "用户名需为2到40个字符"),
        ({"name": "", "role": "admin"}, "用户名需为2到40个字符"),
        ({"name": "okname", "role": "root"}, "未知角色"),
        ({"name": "okname", "role": "recruiter", "password": "abc"}, "密码太短"),
        ({"name": "okname", "role": "recruiter", "password": "okname-2026-zhaomu"}, "不能包含用户名"),
    ],
)
def test_bad_new_accounts_are_refused_in_chinese(service: Settings, database: Database, form, message: str) -> None:
    admin = client_of(service, "admin1", STAFF_PASSWORD)
    before = len(AccountStore(database).list())
    reply = admin.submit("/admin/users", form, page="/admin/users")
    assert reply.status_code == 400 and message in reply.text
    assert len(AccountStore(database).list()) == before
    assert "&lt;script&gt;" in reply.text or "<script>" not in form["name"]


def test_an_admin_disables_and_enables_an_account(service: Settings, database: Database) -> None:
    user = new_account(database)
    session = client_of(service, user.name, STAFF_PASSWORD)
    admin = client_of(service, "admin1", STAFF_PASSWORD)
    reply = admin.submit(f"/admin/users/{user.id}/disable", {}, page="/admin/users")
    assert reply.status_code == 303 and reply.headers["Location"] == f"/portal/admin/users?done=disabled&user={user.id}"
    assert f"已停用账号 {user.name}" in admin.get(reply.headers["Location"].removeprefix("/portal")).text
    assert account(database, user.name).disabled
    assert session.get("/leads").status_code == 303  # ended at once
    assert PortalClient(service).login(user.name, STAFF_PASSWORD).status_code == 401
    assert admin.submit(f"/admin/users/{user.id}/enable", {}, page="/admin/users").status_code == 303
    assert not account(database, user.name).disabled
    assert PortalClient(service).login(user.name, STAFF_PASSWORD).status_code == 303
    assert [e.actor for e in audit_of(database, "user_disable", f"user:{user.name}")] == ["admin1"]
    assert [e.actor for e in audit_of(database, "user_enable", f"user:{user.name}")] == ["admin1"]


def test_an_admin_resets_a_password_temporary_or_typed(service: Settings, database: Database) -> None:
    user = new_account(database)
    session = client_of(service, user.name, STAFF_PASSWORD)
    admin = client_of(service, "admin1", STAFF_PASSWORD)
    reply = admin.submit(f"/admin/users/{user.id}/reset", {"password": ""}, page="/admin/users")
    assert reply.status_code == 200 and f"已重置 {user.name} 的密码" in reply.text
    temporary = TEMPORARY.search(reply.text).group(1)
    assert session.get("/leads").status_code == 303  # the user's sessions ended
    accounts = AccountStore(database)
    assert accounts.verify(user.name, STAFF_PASSWORD) is None and accounts.verify(user.name, temporary) is not None
    assert account(database, user.name).must_change_password
    weak = admin.submit(f"/admin/users/{user.id}/reset", {"password": "1234567890"}, page="/admin/users")
    assert weak.status_code == 400 and "太常见" in weak.text and accounts.verify(user.name, temporary) is not None
    typed = admin.submit(f"/admin/users/{user.id}/reset", {"password": NEW_PASSWORD}, page="/admin/users")
    assert typed.status_code == 200 and "已使用您输入的密码" in typed.text and TEMPORARY.search(typed.text) is None
    assert accounts.verify(user.name, NEW_PASSWORD) is not None
    assert [e.detail for e in audit_of(database, "user_reset", f"user:{user.name}")] == ["管理员设置的密码", "临时密码"]


def test_an_admin_cannot_disable_or_reset_their_own_account_here(service: Settings, database: Database) -> None:
    admin = client_of(service, "admin1", STAFF_PASSWORD)
    own = account(database, "admin1")
    assert "（您自己：请用“修改密码”页）" in admin.get("/admin/users").text
    disable = admin.submit(f"/admin/users/{own.id}/disable", {}, page="/admin/users")
    assert disable.status_code == 400 and "不能停用或启用自己的账号" in disable.text
    reset = admin.submit(f"/admin/users/{own.id}/reset", {"password": NEW_PASSWORD}, page="/admin/users")
    assert reset.status_code == 400 and "修改密码" in reset.text
    assert not account(database, "admin1").disabled and AccountStore(database).verify("admin1", STAFF_PASSWORD)
    for action in ("disable", "enable", "reset"):
        assert admin.submit(f"/admin/users/999999/{action}", {}, page="/admin/users").status_code == 404


@pytest.mark.parametrize("name", ["recruiter1", "editor1"])
def test_other_roles_get_403_in_chinese_and_change_nothing(service: Settings, database: Database, name: str) -> None:
    user = new_account(database)
    client = client_of(service, name, STAFF_PASSWORD)
    page = client.get("/admin/users")
    assert page.status_code == 403 and "没有访问此页面的权限" in page.text
    assert "账号管理" not in client.get("/account/password").text  # not in the navigation either
    token = client.csrf_token("/account/password")
    for path, data in (
        ("/admin/users", {"name": "sneaky", "role": "admin"}),
        (f"/admin/users/{user.id}/disable", {}),
        (f"/admin/users/{user.id}/reset", {"password": NEW_PASSWORD}),
    ):
        reply = client.post(path, {"csrf_token": token, **data})
        assert reply.status_code == 403 and "没有访问此页面的权限" in reply.text
    assert account(database, "sneaky") is None and not account(database, user.name).disabled
    assert AccountStore(database).verify(user.name, STAFF_PASSWORD) is not None


def test_admin_forms_without_the_csrf_token_are_refused(service: Settings, database: Database) -> None:
    user = new_account(database)
    admin = client_of(service, "admin1", STAFF_PASSWORD)
    for path, data in (
        ("/admin/users", {"name": "nocsrf", "role": "admin"}),
        (f"/admin/users/{user.id}/disable", {}),
        (f"/admin/users/{user.id}/reset", {"password": NEW_PASSWORD}),
    ):
        for extra in ({}, {"csrf_token": "forged"}):
            reply = admin.post(path, {**data, **extra})
            assert reply.status_code == 403 and "表单已过期或来源不明" in reply.text
    assert account(database, "nocsrf") is None and not account(database, user.name).disabled
    assert AccountStore(database).verify(user.name, STAFF_PASSWORD) is not None


def test_the_login_page_tells_no_command_and_pages_link_to_the_password_page(service: Settings) -> None:
    login = PortalClient(service).get("/login").text
    assert "enlist" not in login and "<code>" not in login and "联系管理员" in login
    recruiter = client_of(service, "recruiter1", STAFF_PASSWORD)
    assert 'href="/portal/account/password">修改密码</a>' in recruiter.get("/leads").text
    audit = client_of(service, "admin1", STAFF_PASSWORD).get("/admin/audit").text
    assert "enlist user" not in audit and 'href="/portal/admin/users">账号管理</a>' in audit
