"""The portal over HTTP on a real bot service (private, on a free port, own SQLite DB):
login and logout, wrong passwords and the rate limit, the idle timeout, CSRF, roles,
filters/search/pagination, status and notes with their audit trail, the CSV export,
escaping of student input, bad input, security headers, and no personal data in logs."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import delete, update

from bot.config import Settings
from bot.lang.timefmt import utcnow
from bot.leads.records import CONSENT_VERSION
from bot.leads.store import LeadStore
from bot.staff.accounts import AccountStore
from bot.staff.audit import AuditLog
from bot.staff.sessions import COOKIE
from bot.storage.database import Database
from bot.storage.schema import login_attempts, sessions
from tests.conftest import bot_service
from tests.portal.client import PortalClient
from tests.portal.leads_seed import XSS_NAME, add_lead

PASSWORD = "Zhaomu-2023!"
STUDENT_PHONE = "13912345678"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    var_dir = tmp_path_factory.mktemp("portal-var")
    with bot_service(var_dir, ENLIST_LOGIN_FAILURES_PER_USER="3", ENLIST_LOGIN_FAILURES_PER_CLIENT="6") as settings:
        database = Database(settings.database)
        database.migrate()
        accounts = AccountStore(database)
        for name, role in (
            ("recruiter1", "recruiter"),
            ("editor1", "editor"),
            ("admin1", "admin"),
            ("gone", "recruiter"),
        ):
            accounts.create(name, role, PASSWORD)
        accounts.disable("gone")
        store = LeadStore(database)
        now = utcnow()
        for i in range(23):
            add_lead(
                store,
                f"学生{i:02d}",
                f"1390000{i:04d}",
                school="吕梁学院" if i % 2 else "山西大学",
                student_status="往届毕业生" if i % 4 == 0 else "在校生",
                created_at=now - dt.timedelta(days=i),
            )
        add_lead(
            store, XSS_NAME, STUDENT_PHONE, school="<img src=x onerror=alert(2)>", concern='=HYPERLINK("http://evil")'
        )
        database.dispose()
        yield settings


@pytest.fixture()
def database(service: Settings) -> Iterator[Database]:
    db = Database(service.database)
    yield db
    db.dispose()


@pytest.fixture(autouse=True)
def forget_login_attempts(database: Database) -> Iterator[None]:
    """Every test starts with a clean rate limit (all tests log in from 127.0.0.1)."""
    yield
    with database.begin() as connection:
        connection.execute(delete(login_attempts))


def logged_in(service: Settings, name: str = "recruiter1") -> PortalClient:
    client = PortalClient(service)
    reply = client.login(name, PASSWORD)
    assert reply.status_code == 303, reply.text[:500]
    return client


def lead_id_of(database: Database, phone: str) -> int:
    return LeadStore(database).find_by_phone(phone).id


# --- login, logout, sessions ----------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "/leads", "/leads/1", "/admin/audit", "/leads?status=new"])
def test_every_page_without_a_session_redirects_to_login(service: Settings, path: str) -> None:
    reply = PortalClient(service).get(path)
    assert reply.status_code == 303 and reply.headers["Location"].startswith("/portal/login?next=")


@pytest.mark.parametrize("path", ["/logout", "/leads/1/status", "/leads/1/notes", "/leads/export"])
def test_every_form_without_a_session_redirects_to_login(service: Settings, path: str) -> None:
    reply = PortalClient(service).post(path, {"status": "contacted", "text": "x"})
    assert reply.status_code == 303 and reply.headers["Location"].startswith("/portal/login")


def test_login_sets_a_hardened_cookie_and_logout_ends_the_session(service: Settings, database: Database) -> None:
    client = PortalClient(service)
    reply = client.login("recruiter1", PASSWORD, next_path="/portal/leads?status=new")
    assert reply.status_code == 303 and reply.headers["Location"] == "/portal/leads?status=new"
    cookie = next(c for c in reply.raw.headers.getlist("Set-Cookie") if c.startswith(COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/portal" in cookie
    token = client.http.cookies[COOKIE]
    page = client.get("/leads")
    assert page.status_code == 200 and "recruiter1" in page.text and "学生00" in page.text
    logout = client.submit("/logout", {})
    assert logout.status_code == 303 and logout.headers["Location"] == "/portal/login"
    stale = PortalClient(service)
    stale.http.cookies.set(COOKIE, token)
    assert stale.get("/leads").status_code == 303  # the old cookie is worthless after logout
    actions = [(e.actor, e.action) for e in AuditLog(database).recent(10)]
    assert ("recruiter1", "logout") in actions and ("recruiter1", "login") in actions


def test_login_only_follows_portal_paths(service: Settings) -> None:
    for target in ("https://evil.example/", "//evil.example/portal", "/widget.js"):
        reply = PortalClient(service).login("recruiter1", PASSWORD, next_path=target)
        assert reply.status_code == 303 and reply.headers["Location"] == "/portal"


def test_wrong_password_unknown_and_disabled_users_get_the_same_answer(service: Settings, database: Database) -> None:
    for name, password in (("recruiter1", "Wrong-pass-99"), ("nobody", PASSWORD), ("gone", PASSWORD)):
        reply = PortalClient(service).login(name, password)
        assert reply.status_code == 401 and "用户名或密码错误" in reply.text and COOKIE not in reply.cookies
    assert ("nobody", "login_failed") in [(e.actor, e.action) for e in AuditLog(database).recent(5)]


def test_too_many_failures_lock_the_user_name_with_a_chinese_message(service: Settings) -> None:
    for _ in range(3):
        assert PortalClient(service).login("admin1", "Wrong-pass-99").status_code == 401
    blocked = PortalClient(service).login("admin1", PASSWORD)  # even the right password now waits
    assert blocked.status_code == 429 and "登录失败次数过多" in blocked.text and "分钟后再试" in blocked.text
    assert COOKIE not in blocked.cookies
    assert PortalClient(service).login("recruiter1", PASSWORD).status_code == 303  # other names still work


def test_too_many_failures_from_one_address_block_it(service: Settings) -> None:
    for i in range(6):
        assert PortalClient(service).login(f"guess{i}", "Wrong-pass-99").status_code == 401
    assert PortalClient(service).login("recruiter1", PASSWORD).status_code == 429


def test_login_form_without_its_csrf_token_is_refused(service: Settings) -> None:
    client = PortalClient(service)
    client.get("/login")
    reply = client.post("/login", {"name": "recruiter1", "password": PASSWORD})
    assert reply.status_code == 403 and "刷新页面" in reply.text
    assert (
        client.post("/login", {"csrf_token": "forged", "name": "recruiter1", "password": PASSWORD}).status_code == 403
    )


def test_an_idle_session_is_sent_back_to_login(service: Settings, database: Database) -> None:
    client = logged_in(service)
    assert client.get("/leads").status_code == 200
    with database.begin() as connection:
        connection.execute(
            update(sessions).values(last_seen_at=utcnow() - dt.timedelta(minutes=service.session_idle_minutes + 1))
        )
    reply = client.get("/leads")
    assert reply.status_code == 303 and "expired=1" in reply.headers["Location"]
    assert "登录已超时" in client.http.get(f"{service.bot_url}{reply.headers['Location']}", timeout=30).text


# --- CSRF and roles ---------------------------------------------------------------------------


def test_forms_without_the_session_csrf_token_are_refused_and_change_nothing(
    service: Settings, database: Database
) -> None:
    client = logged_in(service)
    lead_id = lead_id_of(database, "13900000001")
    for token in (None, "", "forged-token"):
        data = {"status": "enlisted"} if token is None else {"csrf_token": token, "status": "enlisted"}
        reply = client.post(f"/leads/{lead_id}/status", data)
        assert reply.status_code == 403 and "表单已过期或来源不明" in reply.text
    other = logged_in(service, "admin1")
    assert (
        client.post(f"/leads/{lead_id}/status", {"csrf_token": other.csrf_token(), "status": "enlisted"}).status_code
        == 403
    )
    assert LeadStore(database).get(lead_id).status == "new"


def test_roles_decide_which_pages_open(service: Settings) -> None:
    recruiter, editor, admin = (
        logged_in(service, "recruiter1"),
        logged_in(service, "editor1"),
        logged_in(service, "admin1"),
    )
    assert recruiter.get("/admin/audit").status_code == 403
    assert "没有访问此页面的权限" in recruiter.get("/admin/audit").text
    assert "审计日志" not in recruiter.get("/leads").text  # not offered in the navigation either
    assert editor.get("/leads").status_code == 403 and editor.get("/leads/1").status_code == 403
    assert editor.submit("/leads/1/status", {"status": "enlisted"}, page="/review").status_code == 403
    assert editor.get("").headers["Location"] == "/portal/review"  # editors start at the review queue
    assert recruiter.get("").headers["Location"] == "/portal/leads"
    page = admin.get("/admin/audit")
    assert page.status_code == 200 and "recruiter1" in page.text
    accounts = admin.get("/admin/users")
    assert accounts.status_code == 200 and "recruiter1" in accounts.text and "已停用" in accounts.text
    assert admin.get("/leads").status_code == 200


# --- lead list --------------------------------------------------------------------------------


def test_list_is_newest_first_with_counts_filters_and_pages(service: Settings) -> None:
    client = logged_in(service)
    first = client.get("/leads").text
    assert "共 24 条，第 1/2 页" in first and first.index("&lt;script&gt;") < first.index("学生00") < first.index(
        "学生01"
    )
    assert "新线索 <b>" in first and 'rel="next"' in first
    second = client.get("/leads", params={"page": "2"}).text
    assert "学生22" in second and "学生00" not in second
    lvliang = client.get("/leads", params={"school": "吕梁", "student_status": "在校生"}).text
    assert "共 11 条" in lvliang and "学生01" in lvliang and "学生00" not in lvliang
    # The filter survives in every status link and the pager.
    assert (
        "/portal/leads?status=contacted&amp;school=%E5%90%95%E6%A2%81&amp;student_status=%E5%9C%A8%E6%A0%A1%E7%94%9F"
        in lvliang
    )
    found = client.get("/leads", params={"q": "13900000007"}).text
    assert "共 1 条" in found and "学生07" in found
    dated = client.get("/leads", params={"from": (utcnow() - dt.timedelta(days=2)).date().isoformat()}).text
    assert "学生01" in dated and "学生05" not in dated


@pytest.mark.parametrize("field", ["q", "school"])
@pytest.mark.parametrize(
    "value", ["' OR '1'='1", "'; DROP TABLE leads;--", "%", "_", "学生%' UNION SELECT * FROM users--"]
)
def test_sql_injection_strings_in_text_filters_are_only_text(service: Settings, field: str, value: str) -> None:
    client = logged_in(service)
    reply = client.get("/leads", params={field: value})
    assert reply.status_code == 200 and "共 0 条" in reply.text
    assert "共 24 条" in client.get("/leads").text


@pytest.mark.parametrize(
    "params, message",
    [
        ({"status": "' OR 1=1--"}, "状态"),
        ({"student_status": "x' OR 'a'='a"}, "身份"),
        ({"enlist_place": "1; DROP TABLE leads"}, "拟应征地"),
        ({"from": "2023-01-01' OR 1=1"}, "日期格式"),
        ({"to": "yesterday"}, "日期格式"),
        ({"page": "2 OR 1=1"}, "页码"),
        ({"q": "x" * 500}, "太长"),
    ],
)
def test_malformed_filters_get_400_in_chinese(service: Settings, params, message: str) -> None:
    reply = logged_in(service).get("/leads", params=params)
    assert reply.status_code == 400 and message in reply.text


# --- lead detail, status, notes -----------------------------------------------------------------


def test_student_input_is_escaped_everywhere(service: Settings, database: Database) -> None:
    client = logged_in(service)
    lead_id = lead_id_of(database, STUDENT_PHONE)
    for page in (client.get("/leads").text, client.get(f"/leads/{lead_id}").text):
        assert XSS_NAME not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    detail = client.get(f"/leads/{lead_id}").text
    assert "&lt;img src=x onerror=alert(2)&gt;" in detail
    client.submit(f"/leads/{lead_id}/notes", {"text": "<b>粗体</b><script>x()</script>"})
    detail = client.get(f"/leads/{lead_id}").text
    assert "<script>x()" not in detail and "&lt;b&gt;粗体&lt;/b&gt;" in detail


def test_detail_shows_every_field_and_the_consent_record(service: Settings, database: Database) -> None:
    client = logged_in(service)
    lead = LeadStore(database).find_by_phone("13900000003")
    page = client.get(f"/leads/{lead.id}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    for text in (
        lead.reference,
        "学生03",
        "13900000003",
        "吕梁学院",
        "在校生",
        "本科",
        "山西省吕梁市离石区",
        "学校所在地",
        "学费补偿",
        f"同意书版本 <b>{CONSENT_VERSION}</b>",
        "对话记录",
        "seed-13900000003",
    ):
        assert text in page.text, text
    assert "对话记录库不存在" in page.text  # no Rasa ran for this service: said plainly


def test_status_change_and_note_are_saved_shown_and_audited(service: Settings, database: Database) -> None:
    client = logged_in(service)
    lead_id = lead_id_of(database, "13900000005")
    reply = client.submit(f"/leads/{lead_id}/status", {"status": "contacted"})
    assert reply.status_code == 303 and reply.headers["Location"] == f"/portal/leads/{lead_id}?saved=status"
    reply = client.submit(f"/leads/{lead_id}/notes", {"text": "已电话联系，周五来人武部。\n第二行"})
    assert reply.status_code == 303
    page = client.get(f"/leads/{lead_id}?saved=note").text
    assert "备注已保存" in page and "已电话联系，周五来人武部。\n第二行" in page and "recruiter1 · " in page
    assert LeadStore(database).get(lead_id).status == "contacted"
    assert [n.author for n in LeadStore(database).notes(lead_id)] == ["recruiter1"]
    entries = AuditLog(database).recent(10)
    status = next(e for e in entries if e.action == "status_change" and e.target == f"lead:{lead_id}")
    assert status.actor == "recruiter1" and status.detail == "新线索 → 已联系"
    assert any(e.action == "note" and e.target == f"lead:{lead_id}" for e in entries)
    assert "已联系 <b>1</b>" in client.get("/leads").text


@pytest.mark.parametrize(
    "path, data, status, message",
    [
        ("/status", {"status": "vip"}, 400, "状态取值无效"),
        ("/status", {"status": ""}, 400, "缺少必填项"),
        ("/notes", {"text": "   "}, 400, "缺少必填项"),
        ("/notes", {"text": "长" * 2001}, 400, "输入太长"),
        ("/notes", {"text": "a\x00b"}, 400, "无法识别"),
    ],
)
def test_bad_form_input_gets_400_in_chinese_and_changes_nothing(
    service: Settings, database: Database, path: str, data, status: int, message: str
) -> None:
    client = logged_in(service)
    lead_id = lead_id_of(database, "13900000009")
    reply = client.submit(f"/leads/{lead_id}{path}", data)
    assert reply.status_code == status and message in reply.text
    assert LeadStore(database).get(lead_id).status == "new" and LeadStore(database).notes(lead_id) == []


def test_binary_and_malformed_bodies_are_refused(service: Settings, database: Database) -> None:
    client = logged_in(service)
    lead_id = lead_id_of(database, "13900000009")
    for body, content_type in (
        (b"\xff\xfe\x00\x01", "application/x-www-form-urlencoded"),
        (b'{"status": 1', "application/json"),
        (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
    ):
        reply = client.post(f"/leads/{lead_id}/status", data=body, headers={"Content-Type": content_type})
        assert reply.status_code in (400, 403), reply.status_code
    assert LeadStore(database).get(lead_id).status == "new"


def test_unknown_lead_ids_get_404(service: Settings) -> None:
    client = logged_in(service)
    assert client.get("/leads/999999").status_code == 404 and "没有这条线索" in client.get("/leads/999999").text
    assert client.submit("/leads/999999/status", {"status": "contacted"}).status_code == 404
    assert client.submit("/leads/999999/notes", {"text": "x"}).status_code == 404
    assert client.get("/leads/abc").status_code == 404
    assert client.get("/leads/1%20OR%201=1").status_code == 404


# --- export ---------------------------------------------------------------------------------


def test_export_of_the_current_filter_is_excel_ready_csv_and_audited(service: Settings, database: Database) -> None:
    client = logged_in(service)
    reply = client.submit("/leads/export", {"school": "吕梁", "student_status": "在校生"})
    assert reply.status_code == 200 and reply.headers["Content-Type"].startswith("text/csv")
    assert reply.headers["Content-Disposition"].startswith('attachment; filename="leads-')
    assert reply.headers["Cache-Control"] == "no-store"
    assert reply.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["编号", "姓名", "手机号"] and len(rows) == 1 + 11
    assert all(row[3] == "吕梁学院" and row[4] == "在校生" for row in rows[1:])
    everything = client.submit("/leads/export", {}).content.decode("utf-8-sig")
    assert XSS_NAME in everything and "'=HYPERLINK" in everything  # formula defused, text intact
    entry = next(e for e in AuditLog(database).recent(5) if e.action == "export")
    assert entry.actor == "recruiter1" and entry.detail.startswith("24 条")


def test_export_with_a_bad_filter_is_400(service: Settings) -> None:
    reply = logged_in(service).submit("/leads/export", {"status": "everything"})
    assert reply.status_code == 400 and "状态" in reply.text


# --- headers, static files, logs -------------------------------------------------------------------


def test_pages_carry_security_headers(service: Settings) -> None:
    client = logged_in(service)
    for reply in (client.get("/leads"), PortalClient(service).get("/login"), client.get("/leads/999999")):
        assert "default-src 'self'" in reply.headers["Content-Security-Policy"]
        assert reply.headers["X-Frame-Options"] == "DENY" and reply.headers["Referrer-Policy"] == "same-origin"
        assert reply.headers["X-Content-Type-Options"] == "nosniff" and reply.headers["Cache-Control"] == "no-store"
    css = client.get("/static/portal.css")
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")


def test_personal_data_and_passwords_never_reach_the_log(service: Settings) -> None:
    client = logged_in(service)
    client.get("/leads", params={"q": STUDENT_PHONE})
    client.submit("/leads/export", {"q": STUDENT_PHONE})
    PortalClient(service).login("recruiter1", "Wrong-pass-99")
    log = Path(service.var_dir / "bot.log").read_text(encoding="utf-8", errors="replace")
    for secret in (STUDENT_PHONE, "学生0", PASSWORD, "Wrong-pass-99", "alert(1)"):
        assert secret not in log
