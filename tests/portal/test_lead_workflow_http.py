"""The lead workflow over HTTP on a real bot service, on SQLite and on PostgreSQL: owner
(分配给我 / a colleague), follow-up day with 今日待回访 and the overdue marker, status history
on the lead page, sorting, bulk status and owner changes, duplicate hints and the merge.
Every write is checked in the database and in the audit log, and refused without CSRF."""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterator, List

import pytest

from bot.config import Settings
from bot.lang.timefmt import utcnow
from bot.leads.records import CONSENT_VERSION, LeadSubmission
from bot.leads.store import LeadStore
from bot.leads.workflow import LeadWorkflow
from bot.staff.audit import AuditLog
from bot.storage.database import Database
from tests.databases import BACKENDS
from tests.portal.client import PortalClient
from tests.portal.client import logged_in as client_of
from tests.portal.leads_seed import STAFF_PASSWORD, XSS_NAME, workflow_service

TODAY = dt.date(2023, 1, 10)  # tests/conftest.py TESTS_TODAY: the portal's "today" (China time)


@pytest.fixture(scope="module", params=BACKENDS)
def service(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    with workflow_service(request.param, tmp_path_factory.mktemp(f"workflow-{request.param}")) as settings:
        yield settings


@pytest.fixture()
def database(service: Settings) -> Iterator[Database]:
    db = Database(service.database)
    yield db
    db.dispose()


def logged_in(service: Settings, name: str = "recruiter1") -> PortalClient:
    return client_of(service, name, STAFF_PASSWORD)


def lead_id(database: Database, phone: str) -> int:
    return LeadStore(database).find_by_phone(phone).id


def audit_of(database: Database, action: str, target: str) -> List[str]:
    return [e.detail or "" for e in AuditLog(database).recent(500) if e.action == action and e.target == target]


def names_in_order(page: str) -> List[str]:
    return re.findall(r'<a href="/portal/leads/\d+">([^<]+)</a> <small>ZB-', page)


def test_assign_to_me_and_to_a_colleague_is_audited(service: Settings, database: Database) -> None:
    client, target = logged_in(service), lead_id(database, "13900000003")
    page = client.get(f"/leads/{target}").text
    assert "分配给我" in page and "未分配" in page
    assert client.submit(f"/leads/{target}/owner", {"owner": "recruiter1"}).status_code == 303
    assert LeadStore(database).get(target).owner == "recruiter1"
    assert "分配给我" not in client.get(f"/leads/{target}").text  # already mine
    assert client.submit(f"/leads/{target}/owner", {"owner": "recruiter2"}).status_code == 303
    assert LeadStore(database).get(target).owner == "recruiter2"
    assert audit_of(database, "lead_assign", f"lead:{target}")[:2] == ["recruiter1 → recruiter2", "无 → recruiter1"]
    for refused in ("gone", "editor1", "nobody"):  # disabled, not a lead role, unknown
        reply = client.submit(f"/leads/{target}/owner", {"owner": refused})
        assert reply.status_code == 400 and "负责人无效" in reply.text
    assert client.post(f"/leads/{target}/owner", {"owner": "recruiter1"}).status_code == 403  # no CSRF token
    assert LeadStore(database).get(target).owner == "recruiter2"
    mine = logged_in(service, "recruiter2").get("/leads", params={"owner": "recruiter2"}).text
    assert names_in_order(mine) == ["李雷"]


def test_follow_up_day_today_view_and_overdue_marker(service: Settings, database: Database) -> None:
    client = logged_in(service)
    days = {
        "13900000004": TODAY - dt.timedelta(days=2),
        "13900000005": TODAY,
        "13900000001": TODAY + dt.timedelta(days=3),
    }
    for phone, day in days.items():
        assert (
            client.submit(f"/leads/{lead_id(database, phone)}/follow-up", {"day": day.isoformat()}).status_code == 303
        )
    overdue = lead_id(database, "13900000004")
    assert LeadStore(database).get(overdue).follow_up_on == TODAY - dt.timedelta(days=2)
    assert audit_of(database, "follow_up", f"lead:{overdue}") == ["无 → 2023-01-08"]
    due = client.get("/leads", params={"due": "today", "sort": "follow_up"}).text
    assert names_in_order(due) == ["张伟", "赵敏"]  # overdue first, the later day not yet
    assert due.count("已逾期") == 1 and "2023-01-08" in due and 'class="overdue"' in due
    assert "已逾期" in client.get(f"/leads/{overdue}").text
    assert client.submit(f"/leads/{overdue}/follow-up", {"day": "2023-13-01"}).status_code == 400
    assert client.get("/leads", params={"due": "yesterday"}).status_code == 400
    assert client.submit(f"/leads/{overdue}/follow-up", {"day": ""}).status_code == 303  # cleared
    assert LeadStore(database).get(overdue).follow_up_on is None
    assert names_in_order(client.get("/leads", params={"due": "today"}).text) == ["赵敏"]


def test_status_history_shows_who_when_and_from_to(service: Settings, database: Database) -> None:
    client, target = logged_in(service), lead_id(database, "13900000005")
    for status in ("contacted", "registered"):
        assert client.submit(f"/leads/{target}/status", {"status": status}).status_code == 303
    history = LeadWorkflow(database).history(target)
    assert [(c.actor, c.from_status, c.to_status) for c in history] == [
        ("recruiter1", "new", "contacted"),
        ("recruiter1", "contacted", "registered"),
    ]
    page = client.get(f"/leads/{target}").text
    section = page[page.index("状态记录") :]
    assert re.search(r"新线索 → <span[^>]*>已联系</span> · recruiter1 · \d{4}-\d{2}-\d{2} \d{2}:\d{2}", section)
    assert re.search(r"已联系 → <span[^>]*>已报名</span> · recruiter1", section)


def test_columns_sort_both_ways(service: Settings) -> None:
    client = logged_in(service)
    by_school = names_in_order(client.get("/leads", params={"sort": "school"}).text)
    by_school_desc = names_in_order(client.get("/leads", params={"sort": "-school"}).text)
    assert by_school[0] == "赵敏" and by_school_desc[-1] == "赵敏"  # 中北大学 sorts first (code points)
    newest = names_in_order(client.get("/leads").text)
    assert newest[0] == XSS_NAME.replace("<", "&lt;").replace(">", "&gt;")
    assert names_in_order(client.get("/leads", params={"sort": "-created"}).text) == newest
    assert names_in_order(client.get("/leads", params={"sort": "created"}).text) == newest[::-1]
    page = client.get("/leads", params={"sort": "name"}).text
    assert "姓名 ▲" in page and 'href="/portal/leads?sort=-name"' in page
    assert client.get("/leads", params={"sort": "phone; DROP TABLE leads"}).status_code == 400


def test_bulk_status_and_owner_change_each_lead_with_its_own_audit_record(
    service: Settings, database: Database
) -> None:
    client = logged_in(service)
    targets = [lead_id(database, phone) for phone in ("13900000001", "13900000002", "13900000006")]
    data = {
        "ids": [str(i) for i in targets],
        "status": "contacted",
        "owner": "recruiter2",
        "back": "/portal/leads?sort=name",
    }
    assert client.post("/leads/bulk", data).status_code == 403  # no CSRF token
    assert {LeadStore(database).get(i).status for i in targets} == {"new"}
    reply = client.submit("/leads/bulk", data)
    assert reply.status_code == 303 and reply.headers["Location"] == "/portal/leads?sort=name&saved=bulk&changed=3"
    for target in targets:
        lead = LeadStore(database).get(target)
        assert (lead.status, lead.owner) == ("contacted", "recruiter2")
        assert audit_of(database, "status_change", f"lead:{target}") == ["新线索 → 已联系（批量）"]
        assert audit_of(database, "lead_assign", f"lead:{target}") == ["无 → recruiter2（批量）"]
        assert LeadWorkflow(database).history(target)[-1].actor == "recruiter1"
    assert "已批量修改 3 条线索" in client.get("/leads?saved=bulk&changed=3").text
    assert client.submit("/leads/bulk", {"ids": [str(targets[0])], "owner": "-"}).status_code == 303
    assert LeadStore(database).get(targets[0]).owner is None
    for bad in (
        {"status": "contacted"},
        {"ids": "x", "status": "contacted"},
        {"ids": str(targets[0])},
        {"ids": str(targets[0]), "status": "withdrawn"},
        {"ids": str(targets[0]), "owner": "gone"},
    ):
        assert client.submit("/leads/bulk", bad).status_code == 400, bad
    assert logged_in(service, "editor1").get("/leads").status_code == 403


def test_duplicate_hint_and_a_merge_that_keeps_both_records(service: Settings, database: Database) -> None:
    client = logged_in(service)
    kept, duplicate = lead_id(database, "13900000001"), lead_id(database, "13900000002")
    assert client.submit(f"/leads/{duplicate}/notes", {"text": "第二个号码是家长的"}).status_code == 303
    assert "可能重复" in client.get("/leads").text
    page = client.get(f"/leads/{kept}").text
    assert "可能重复" in page and "13900000002" in page and "合并到这条线索" in page
    assert "13900000001" not in client.get(f"/leads/{lead_id(database, '13900000003')}").text  # no hint for 李雷
    reply = client.submit(f"/leads/{kept}/merge", {"duplicate": str(duplicate)})
    assert reply.status_code == 303 and reply.headers["Location"].endswith("saved=merged")
    store = LeadStore(database)
    assert len(store.submissions(kept)) == 2 and [n.text for n in store.notes(kept)] == ["第二个号码是家长的"]
    assert store.get(duplicate).merged_into == kept and store.get(duplicate).phone == "13900000002"  # kept as it was
    assert len(audit_of(database, "lead_merge", f"lead:{kept}")) == 1
    merged_page = client.get(f"/leads/{kept}").text
    assert "已合并进来的线索" in merged_page and "13900000002" in merged_page and "第二个号码是家长的" in merged_page
    assert "已合并" in client.get(f"/leads/{duplicate}").text
    listed = client.get("/leads").text
    assert "13900000002" not in listed and "可能重复" not in listed  # hidden, and no pair left
    # A new sign-up with the merged number lands on the lead kept.
    again = store.save(
        LeadSubmission(
            name="王芳",
            phone="13900000002",
            school="吕梁学院",
            student_status="在校生",
            education_level="本科",
            hukou_place=None,
            enlist_place=None,
            main_concern=None,
            consent_version=CONSENT_VERSION,
            consent_at=utcnow(),
            sender_id="again",
            source_channel="rest",
        )
    )
    assert again.lead_id == kept and len(store.submissions(kept)) == 3
    assert client.submit(f"/leads/{kept}/merge", {"duplicate": str(duplicate)}).status_code == 404  # already merged
    assert client.submit(f"/leads/{kept}/merge", {"duplicate": str(kept)}).status_code == 400
    assert client.post(f"/leads/{kept}/merge", {"duplicate": str(duplicate)}).status_code == 403
