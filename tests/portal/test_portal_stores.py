"""Portal building blocks against real databases (SQLite file and PostgreSQL): accounts,
sessions and their idle timeout, CSRF tokens, the login rate limit, the audit log, and the
lead queries the portal runs."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from bot.errors import RequestRejected
from bot.lang.timefmt import utcnow
from bot.leads.query import parse_query
from bot.leads.records import LeadFilter
from bot.leads.store import LeadStore
from bot.portal import csrf
from bot.staff.accounts import AccountError, AccountStore, check_password_strength, hash_password, password_matches
from bot.staff.audit import AuditLog
from bot.staff.login_limit import WINDOW, LoginLimiter, LoginLimits
from bot.staff.sessions import MAX_AGE, SessionStore
from bot.storage.database import Database
from bot.storage.schema import login_attempts, sessions, users
from tests.portal.leads_seed import XSS_NAME, add_lead, backdate

PASSWORD = "Zhaomu-2023!"
IDLE = dt.timedelta(minutes=30)


@pytest.fixture()
def accounts(database: Database) -> AccountStore:
    return AccountStore(database)


# --- passwords and accounts ---------------------------------------------------------------


def test_password_hash_is_salted_scrypt_with_sound_parameters() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second  # salted
    scheme, n, r, p, _salt, _digest = first.split("$")
    assert scheme == "scrypt" and int(n) >= 2**15 and int(r) >= 8 and int(p) >= 1
    assert PASSWORD not in first
    assert password_matches(PASSWORD, first) and not password_matches(PASSWORD + "x", first)
    assert not password_matches(PASSWORD, "garbage") and not password_matches(PASSWORD, "md5$1$2$3$4$5")


@pytest.mark.parametrize(
    "password, reason",
    [
        ("Ab1!", "太短"),
        ("aaaaaaaaaaaa", "太容易被猜到"),
        ("password123", "太常见"),
        ("wangfang-2023", "用户名"),
        ("abcdefghijkl", "太容易被猜到"),
        (" Zhaomu-2023", "空格"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(password: str, reason: str) -> None:
    with pytest.raises(AccountError) as caught:
        check_password_strength(password, "wangfang")
    assert reason in str(caught.value)


def test_accounts_are_created_verified_listed_and_disabled(accounts: AccountStore, database: Database) -> None:
    user = accounts.create("wangfang", "recruiter", PASSWORD)
    assert accounts.verify("wangfang", PASSWORD) == accounts.get(user.id)
    assert accounts.get(user.id).last_login_at is not None
    assert accounts.verify("wangfang", "Wrong-pass-1") is None
    assert accounts.verify("nobody", PASSWORD) is None
    with database.begin() as connection:
        stored = connection.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("scrypt$") and PASSWORD not in stored
    with pytest.raises(AccountError, match="已存在"):
        accounts.create("wangfang", "admin", PASSWORD)
    accounts.create("李主任", "admin", PASSWORD)
    assert [(u.name, u.role) for u in accounts.list()] == [("wangfang", "recruiter"), ("李主任", "admin")]
    accounts.disable("wangfang")
    assert accounts.verify("wangfang", PASSWORD) is None
    with pytest.raises(AccountError, match="没有用户"):
        accounts.disable("nobody")


@pytest.mark.parametrize(
    "name, role",
    [
        ("a", "recruiter"),
        ("<b>x</b>", "recruiter"),
        ("x" * 41, "admin"),
        ("ok_name", "root"),
        ("robert'); DROP TABLE users;--", "admin"),
    ],
)
def test_bad_names_and_roles_are_refused(accounts: AccountStore, name: str, role: str) -> None:
    with pytest.raises(AccountError):
        accounts.create(name, role, PASSWORD)
    assert accounts.list() == []


# --- sessions -----------------------------------------------------------------------------


def _sessions(database: Database, idle: dt.timedelta = IDLE) -> SessionStore:
    return SessionStore(database, b"test-key", idle)


def test_a_session_is_found_by_its_token_and_only_the_keyed_hash_is_stored(
    accounts: AccountStore, database: Database
) -> None:
    user = accounts.create("wangfang", "recruiter", PASSWORD)
    store = _sessions(database)
    token, session = store.create(user)
    found = store.lookup(token)
    assert found is not None and found.user.name == "wangfang" and found.csrf_token == session.csrf_token
    with database.begin() as connection:
        stored = connection.execute(select(sessions.c.token_hash)).scalar_one()
    assert stored != token and len(stored) == 64 and token not in stored
    assert store.lookup(token + "x") is None and store.lookup("") is None and store.lookup(None) is None
    assert _sessions(database).lookup(token) is not None
    assert SessionStore(database, b"another-key", IDLE).lookup(token) is None  # a new key ends every session
    store.end(token)
    assert store.lookup(token) is None


def _age(database: Database, field: str, by: dt.timedelta) -> None:
    with database.begin() as connection:
        connection.execute(update(sessions).values({field: utcnow() - by}))


def test_an_idle_session_ends(accounts: AccountStore, database: Database) -> None:
    token, _ = _sessions(database).create(accounts.create("wangfang", "recruiter", PASSWORD))
    _age(database, "last_seen_at", IDLE - dt.timedelta(minutes=1))
    assert _sessions(database).lookup(token) is not None  # used: the idle clock restarts
    _age(database, "last_seen_at", IDLE + dt.timedelta(seconds=5))
    assert _sessions(database).lookup(token) is None
    with database.begin() as connection:
        assert connection.execute(select(sessions)).first() is None


def test_a_session_ends_after_the_maximum_age_even_when_active(accounts: AccountStore, database: Database) -> None:
    token, _ = _sessions(database).create(accounts.create("wangfang", "recruiter", PASSWORD))
    _age(database, "created_at", MAX_AGE + dt.timedelta(minutes=1))
    assert _sessions(database).lookup(token) is None


def test_disabling_a_user_ends_their_sessions(accounts: AccountStore, database: Database) -> None:
    token, _ = _sessions(database).create(accounts.create("wangfang", "recruiter", PASSWORD))
    accounts.disable("wangfang")
    assert _sessions(database).lookup(token) is None


# --- CSRF ---------------------------------------------------------------------------------


def test_csrf_tokens_must_match_exactly() -> None:
    csrf.check("abc", "abc")
    for expected, given in (("abc", "abd"), ("abc", None), ("abc", ""), (None, None), ("", ""), ("abc", "abc ")):
        assert not csrf.token_matches(expected, given)
        with pytest.raises(RequestRejected) as caught:
            csrf.check(expected, given)
        assert caught.value.status == 403 and "刷新" in caught.value.message


# --- login rate limit ---------------------------------------------------------------------


def test_failures_per_user_name_lock_that_name_for_the_window(database: Database) -> None:
    limiter = LoginLimiter(database, LoginLimits(per_user=3, per_client=100))
    for client in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        assert limiter.wait_seconds("wangfang", client) == 0
        limiter.record("wangfang", client, success=False)
    wait = limiter.wait_seconds("wangfang", "10.0.0.9")
    assert 0 < wait <= WINDOW.total_seconds() + 1
    assert limiter.wait_seconds("lihua", "10.0.0.9") == 0  # other names are not affected
    assert limiter.wait_seconds("wangfang", "10.0.0.9", now=utcnow() + WINDOW + dt.timedelta(seconds=2)) == 0


def test_failures_per_client_address_block_that_address(database: Database) -> None:
    limiter = LoginLimiter(database, LoginLimits(per_user=100, per_client=4))
    for i in range(4):
        limiter.record(f"user{i}", "192.0.2.7", success=False)
    limiter.record("ok", "192.0.2.7", success=True)  # successes are not failures
    assert limiter.wait_seconds("someone", "192.0.2.7") > 0
    assert limiter.wait_seconds("someone", "192.0.2.8") == 0


def test_old_attempts_are_forgotten(database: Database) -> None:
    limiter = LoginLimiter(database, LoginLimits(per_user=3, per_client=3))
    with database.begin() as connection:
        connection.execute(
            login_attempts.insert().values(
                at=utcnow() - dt.timedelta(days=40), user_name="x", client="c", success=False
            )
        )
    limiter.record("y", "c", success=True)
    with database.begin() as connection:
        assert [r.user_name for r in connection.execute(select(login_attempts))] == ["y"]


# --- audit log ----------------------------------------------------------------------------


def test_audit_entries_are_kept_newest_first_with_phone_numbers_masked(database: Database) -> None:
    audit = AuditLog(database)
    audit.record("wangfang", "login", detail="client=127.0.0.1")
    audit.record("wangfang", "export", None, "3 条; 筛选: q=13800138000")
    entries = audit.recent()
    assert [e.action for e in entries] == ["export", "login"] and audit.count() == 2
    assert entries[0].detail == "3 条; 筛选: q=138****8000" and entries[0].action_label == "导出CSV"
    with pytest.raises(ValueError):
        audit.record("x", "no_such_action")


# --- the lead queries the portal runs -------------------------------------------------------


def test_lead_filters_search_and_pages_as_the_portal_asks(database: Database) -> None:
    store = LeadStore(database)
    today = utcnow()
    for i in range(25):
        add_lead(
            store,
            f"学生{i:02d}",
            f"1390000{i:04d}",
            school="吕梁学院" if i % 2 else "山西大学",
            student_status="应届毕业生" if i % 5 == 0 else "在校生",
            created_at=today - dt.timedelta(days=i),
        )
    xss = add_lead(store, XSS_NAME, "13700000001", school="100%_学院", enlist_place="未定")
    store.set_status(xss.lead_id, "contacted")

    first = store.search(parse_query({}).criteria, 1, 20)
    assert first.total == 26 and first.pages == 2 and first.leads[0].name == XSS_NAME  # newest first
    assert [lead.name for lead in store.search(LeadFilter(), 2, 20).leads][-1] == "学生24"
    assert store.search(parse_query({"school": "吕梁"}).criteria).total == 12
    assert store.search(parse_query({"school": "100%_"}).criteria).total == 1  # LIKE wildcards are literal
    assert store.search(parse_query({"school": "%"}).criteria).total == 1
    assert store.search(parse_query({"student_status": "应届毕业生"}).criteria).total == 5
    assert store.search(parse_query({"enlist_place": "未定", "status": "contacted"}).criteria).total == 1
    assert store.search(parse_query({"q": "学生07"}).criteria).leads[0].phone == "13900000007"
    assert store.search(parse_query({"q": "3700000001"}).criteria).total == 1  # phone substring
    window = {"from": china_date(today - dt.timedelta(days=3)).isoformat(), "to": china_date(today).isoformat()}
    assert store.search(parse_query(window).criteria).total == 5  # days 0..3 and the XSS lead
    counts = store.counts_by_status(parse_query({"school": "吕梁"}).criteria)
    assert counts["new"] == 12 and counts["contacted"] == 0
    assert store.counts_by_status()["contacted"] == 1
    for injection in ("' OR '1'='1", "'; DROP TABLE leads;--", "\\", "学生%' --"):
        assert store.search(parse_query({"q": injection, "school": injection}).criteria).total == 0
    assert store.count() == 26
    backdate(database, xss.lead_id, today - dt.timedelta(days=400))
    assert (
        store.search(
            parse_query({"from": "2000-01-01", "to": china_date(today - dt.timedelta(days=300)).isoformat()}).criteria
        ).total
        == 1
    )


def china_date(utc: dt.datetime) -> dt.date:
    return (utc + dt.timedelta(hours=8)).date()


def test_date_filters_are_china_calendar_days(database: Database) -> None:
    """Staff pick days in China time: 17:30 UTC on 1 September is already 2 September."""
    store = LeadStore(database)
    late = add_lead(store, "夜里报名", "13900001111", created_at=dt.datetime(2023, 9, 1, 17, 30))
    early = add_lead(store, "早上报名", "13900002222", created_at=dt.datetime(2023, 9, 1, 15, 59))
    on_second = store.search(parse_query({"from": "2023-09-02", "to": "2023-09-02"}).criteria).leads
    on_first = store.search(parse_query({"from": "2023-09-01", "to": "2023-09-01"}).criteria).leads
    assert [lead.id for lead in on_second] == [late.lead_id]
    assert [lead.id for lead in on_first] == [early.lead_id]


@pytest.mark.parametrize(
    "args, message",
    [
        ({"status": "vip"}, "状态"),
        ({"student_status": "' OR 1=1"}, "身份"),
        ({"enlist_place": "北京"}, "拟应征地"),
        ({"from": "2023-02-30"}, "日期格式"),
        ({"from": "2023-09-02", "to": "2023-09-01"}, "不能晚于"),
        ({"page": "0"}, "页码"),
        ({"page": "-1"}, "页码"),
        ({"page": "1e9"}, "页码"),
        ({"q": "长" * 101}, "太长"),
        ({"school": "a\x00b"}, "无法识别"),
    ],
)
def test_malformed_filters_are_refused_in_chinese(args, message: str) -> None:
    with pytest.raises(RequestRejected) as caught:
        parse_query(args)
    assert caught.value.status == 400 and message in caught.value.message


def test_a_query_turns_back_into_a_link_that_keeps_it() -> None:
    query = parse_query({"status": "new", "q": "李 雷&x=1", "from": "2023-09-01", "page": "3"})
    assert query.page == 3
    assert query.link("/portal/leads") == "/portal/leads?status=new&from=2023-09-01&q=%E6%9D%8E+%E9%9B%B7%26x%3D1"
    assert parse_query(dict(p.split("=") for p in query.link("/x", page="2").split("?")[1].split("&"))).page == 2
