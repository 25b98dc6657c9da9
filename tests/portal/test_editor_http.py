"""The editor pages (issue 5) over HTTP on a real bot service with its own SQLite database
and a TEMPORARY copy of faq/ (ENLIST_FAQ_DIR; the real faq/ is checked to stay untouched):
roles, CSRF, review decisions and their audit trail, writing accepted phrasings into faq/
(and nothing on validation errors), answer edits (valid and invalid), the reload lock
shared by workers, rollback, analytics JSON/CSV figures, the vendored chart library."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
import shutil
from typing import Dict, Iterator, List

import pytest
import yaml

from bot.config import Settings
from bot.lang.timefmt import china_today
from bot.models.control import ModelControl
from bot.review.store import ReviewStore
from bot.staff.accounts import AccountStore
from bot.staff.audit import AuditLog
from bot.storage.database import Database
from tests.conftest import PROJECT_HOME, bot_service
from tests.portal.client import PortalClient
from tests.portal.editor_seed import faq_digest, seed_analytics, seed_queue

PASSWORD = "Bianji-2023!"
REAL_FAQ_DIGEST = faq_digest(PROJECT_HOME / "faq")
VENDOR = PROJECT_HOME / "bot" / "portal" / "static" / "vendor"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    root = tmp_path_factory.mktemp("editor-http")
    faq_dir = root / "faq"
    shutil.copytree(PROJECT_HOME / "faq", faq_dir)
    with bot_service(root / "var", ENLIST_FAQ_DIR=str(faq_dir), ENLIST_MODELS_DIR=str(root / "models")) as settings:
        database = Database(settings.database)
        database.migrate()
        accounts = AccountStore(database)
        for name, role in (("recruiter1", "recruiter"), ("editor1", "editor"), ("admin1", "admin")):
            accounts.create(name, role, PASSWORD)
        seed_queue(ReviewStore(database))
        seed_analytics(database)
        database.dispose()
        yield settings
    assert faq_digest(PROJECT_HOME / "faq") == REAL_FAQ_DIGEST, "a test changed the real faq/"


@pytest.fixture()
def database(service: Settings) -> Iterator[Database]:
    db = Database(service.database)
    yield db
    db.dispose()


def logged_in(service: Settings, name: str = "editor1") -> PortalClient:
    client = PortalClient(service)
    reply = client.login(name, PASSWORD)
    assert reply.status_code == 303, reply.text[:500]
    return client


def items_by_text(database: Database) -> Dict[str, List]:
    result: Dict[str, List] = {}
    for item in ReviewStore(database).items(states=("open", "accepted", "new_faq_needed", "ignored", "applied")):
        result.setdefault(item.text, []).append(item)
    return result


def group_form(page: str, text_fragment: str) -> Dict[str, str]:
    """The hidden fields of the decide form of the group whose heading contains the text."""
    sections = page.split('<section class="card group"')[1:]
    section = next(s for s in sections if text_fragment in s.split("</h2>")[0])
    return {
        "items": re.search(r'name="items" value="([^"]+)"', section).group(1),
        "state": re.search(r'name="state" value="([^"]+)"', section).group(1),
        "selected": (re.search(r'<option value="([^"]+)" selected>', section) or [None, ""])[1],
    }


# --- roles, navigation, CSRF ------------------------------------------------------------------

EDITOR_GETS = [
    "/review",
    "/faq",
    "/faq/tuition_compensation",
    "/model",
    "/model/status.json",
    "/analytics",
    "/analytics.json",
    "/analytics.csv",
]
EDITOR_POSTS = ["/review/decide", "/review/apply", "/faq/tuition_compensation", "/model/reload", "/model/rollback"]


@pytest.mark.parametrize("path", EDITOR_GETS)
def test_recruiters_get_403_on_editor_pages(service: Settings, path: str) -> None:
    reply = logged_in(service, "recruiter1").get(path)
    assert reply.status_code == 403 and "没有访问此页面的权限" in reply.text


@pytest.mark.parametrize("path", EDITOR_POSTS)
def test_recruiters_get_403_on_editor_forms(service: Settings, path: str, database: Database) -> None:
    client = logged_in(service, "recruiter1")
    before = faq_digest(service.faq_dir)
    reply = client.submit(path, {"items": "1", "decision": "ignored", "answer": "x", "confirm": "yes"})
    assert reply.status_code == 403
    assert faq_digest(service.faq_dir) == before
    assert all(i.state == "open" for i in ReviewStore(database).items(ids=[1]))


@pytest.mark.parametrize("name", ["editor1", "admin1"])
def test_editors_and_admins_see_the_pages_in_the_navigation(service: Settings, name: str) -> None:
    client = logged_in(service, name)
    home = client.get("")
    assert home.status_code == 303
    page = client.get("/review")
    assert page.status_code == 200
    for label in ("待处理问题", "FAQ编辑", "更新模型", "数据统计"):
        assert f">{label}</a>" in page.text
    assert (">线索</a>" in page.text) == (name == "admin1")
    recruiter_page = logged_in(service, "recruiter1").get("/leads").text
    assert ">待处理问题</a>" not in recruiter_page and ">数据统计</a>" not in recruiter_page


@pytest.mark.parametrize("path", EDITOR_POSTS)
def test_editor_forms_without_the_csrf_token_are_refused(service: Settings, path: str, database: Database) -> None:
    client = logged_in(service)
    before = faq_digest(service.faq_dir)
    for token in (None, "forged"):
        data = {"items": "1", "decision": "ignored", "answer": "新的答案", "confirm": "yes"}
        if token:
            data["csrf_token"] = token
        reply = client.post(path, data)
        assert reply.status_code == 403 and "表单已过期或来源不明" in reply.text
    assert faq_digest(service.faq_dir) == before
    assert all(i.state == "open" for i in ReviewStore(database).items(ids=[1]))


# --- review queue ---------------------------------------------------------------------------


def test_queue_groups_similar_questions_most_frequent_first_and_escapes_text(service: Settings) -> None:
    page = logged_in(service).get("/review").text
    headings = re.findall(r'<h2 class="group-text">(.*?)</h2>', page)
    assert headings[0] == "当兵了学费能退多少钱"  # 4 similar questions: first
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    first = page.split('<section class="card group"')[1]
    assert "<b>4</b> 次" in first and "没把握 3" in first and "学生点了👎 1" in first
    assert "当兵学费能退多少钱啊" in first  # the second wording is listed as an example
    assert re.search(r"学费补偿（41%）", first)  # best guess with its title and confidence
    assert group_form(page, "当兵了学费能退多少钱")["selected"] == ""  # nothing preselected (issue 16 §2)
    assert '<option value="tuition_compensation">学费补偿</option>' in first  # chosen by its Chinese title


def test_decisions_change_state_and_are_audited(service: Settings, database: Database) -> None:
    client = logged_in(service)
    page = client.get("/review").text
    form = group_form(page, "食堂几点开饭")
    reply = client.submit(
        "/review/decide", {"items": form["items"], "state": "open", "decision": "ignored"}, page="/review"
    )
    assert reply.status_code == 303 and reply.headers["Location"] == "/portal/review?state=open&done=decided"
    item = items_by_text(database)["食堂几点开饭"][0]
    assert item.state == "ignored" and item.decided_by == "editor1"
    assert "食堂几点开饭" not in client.get("/review").text
    assert "食堂几点开饭" in client.get("/review?state=ignored").text
    # Reopen from the ignored list, then mark "new FAQ needed".
    form = group_form(client.get("/review?state=ignored").text, "食堂几点开饭")
    client.submit("/review/decide", {"items": form["items"], "state": "ignored", "decision": "open"}, page="/review")
    assert items_by_text(database)["食堂几点开饭"][0].state == "open"
    client.submit(
        "/review/decide", {"items": form["items"], "state": "open", "decision": "new_faq_needed"}, page="/review"
    )
    assert items_by_text(database)["食堂几点开饭"][0].state == "new_faq_needed"
    audit = [(e.actor, e.action, e.detail) for e in AuditLog(database).recent(10)]
    assert ("editor1", "review_decide", "忽略 1条") in audit and ("editor1", "review_decide", "需要新FAQ 1条") in audit


def test_bad_decisions_are_refused_in_chinese_and_change_nothing(service: Settings, database: Database) -> None:
    client = logged_in(service)
    form = group_form(client.get("/review").text, "入伍体检要空腹吗")
    cases = [
        ({"items": form["items"], "decision": "accepted", "faq_id": "no_such_entry"}, "FAQ条目“no_such_entry”不存在"),
        ({"items": form["items"], "decision": "delete"}, "未知的处理方式"),
        ({"items": "1;DROP TABLE review_items", "decision": "ignored"}, "问题编号无效"),
        ({"items": "999999", "decision": "ignored"}, "选中的问题不存在"),
        ({"decision": "ignored"}, "表单缺少必填项"),
        ({"items": form["items"], "decision": "ignored", "state": "bogus"}, "状态筛选无效"),
    ]
    for data, message in cases:
        reply = client.submit("/review/decide", {"state": "open", **data}, page="/review")
        assert reply.status_code == 400 and message in reply.text, (data, reply.text[:300])
    assert items_by_text(database)["入伍体检要空腹吗" + "？" * 130][0].state == "open"


def test_accepted_phrasings_are_written_to_the_faq_copy_and_marked_applied(
    service: Settings, database: Database
) -> None:
    client = logged_in(service)
    form = group_form(client.get("/review").text, "当兵了学费能退多少钱")
    unchosen = client.submit(
        "/review/decide", {"items": form["items"], "state": "open", "decision": "accepted"}, page="/review"
    )
    assert unchosen.status_code == 400 and "“加为问法”需要选择一个FAQ条目" in unchosen.text
    reply = client.submit(
        "/review/decide",
        {"items": form["items"], "state": "open", "decision": "accepted", "faq_id": "tuition_compensation"},
        page="/review",
    )
    assert reply.status_code == 303
    accepted = client.get("/review?state=accepted").text
    assert "当兵了学费能退多少钱" in accepted and "预览将要加入的问法" in accepted
    assert "faq:" not in accepted and "phrasings:" not in accepted  # the preview is a table by title, no YAML
    reply = client.submit("/review/apply", {}, page="/review")
    assert reply.status_code == 303 and reply.headers["Location"] == "/portal/review?state=applied&done=applied"
    entries = yaml.safe_load((service.faq_dir / "economic.yml").read_text(encoding="utf-8"))
    questions = next(e for e in entries if e["id"] == "tuition_compensation")["questions"]
    assert "当兵了学费能退多少钱" in questions and "当兵学费能退多少钱啊" in questions
    states = {item.state for item in items_by_text(database)["当兵了学费能退多少钱"]}
    assert states == {"applied"}
    assert any(e.action == "review_apply" and "新增问法 2 条" in (e.detail or "") for e in AuditLog(database).recent(5))
    assert faq_digest(PROJECT_HOME / "faq") == REAL_FAQ_DIGEST


def test_apply_writes_nothing_when_the_result_does_not_validate(service: Settings, database: Database) -> None:
    client = logged_in(service)
    long_question = "入伍体检要空腹吗" + "？" * 130  # longer than a phrasing may be
    form = group_form(client.get("/review").text, "入伍体检要空腹吗")
    client.submit(
        "/review/decide",
        {"items": form["items"], "state": "open", "decision": "accepted", "faq_id": "age_limits"},
        page="/review",
    )
    before = faq_digest(service.faq_dir)
    reply = client.submit("/review/apply", {}, page="/review")
    assert reply.status_code == 400
    assert "未写入任何文件" in reply.text and "太长" in reply.text
    assert faq_digest(service.faq_dir) == before
    assert items_by_text(database)[long_question][0].state == "accepted"  # still waiting, nothing lost
    client.submit(
        "/review/decide", {"items": form["items"], "state": "accepted", "decision": "ignored"}, page="/review"
    )


# --- FAQ editor -----------------------------------------------------------------------------


def test_faq_list_shows_usage_and_sorts_and_filters(service: Settings) -> None:
    client = logged_in(service)
    page = client.get("/faq").text
    rows = re.findall(r'<td data-label="标题"><a href="/portal/faq/([a-z0-9_]+)">', page)
    assert rows[0] == "tuition_compensation" and len(rows) > 20  # most asked first (2 hits)
    first = page.split('<td data-label="标题">')[1].split("</tr>")[0]
    assert ">学费补偿</a> <small>tuition_compensation</small>" in first  # shown by its title, the id as a detail
    assert '<td data-label="提问次数">2</td>' in first and "2 / 1" in first and "67%" in first
    titles = re.findall(
        r'<td data-label="标题"><a href="/portal/faq/[a-z0-9_]+">([^<]+)</a>', client.get("/faq?sort=title").text
    )
    assert titles == sorted(titles)
    assert re.findall(
        r'<td data-label="标题"><a href="/portal/faq/([a-z0-9_]+)"', client.get("/faq?q=学费补偿").text
    ) == ["tuition_compensation"]
    assert client.get("/faq?sort=evil").status_code == 400


def test_an_answer_edit_is_saved_with_editor_and_date_and_audited(service: Settings, database: Database) -> None:
    client = logged_in(service)
    page = client.get("/faq/age_limits").text
    assert "政策年度" in page and "审核人" in page and "来源" in page
    answer = re.search(r'<textarea name="answer"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    new_answer = html.unescape(answer).strip() + "\n\n（本条已由门户测试补充。）"
    form = {"answer": new_answer, "questions": "多大年龄可以报名参军\n\n"}
    preview = client.submit("/faq/age_limits", form, page="/faq")  # first the diff, nothing written yet
    assert preview.status_code == 200 and "确认保存" in preview.text and "修改前" in preview.text
    assert "＋</span>（本条已由门户测试补充。）" in preview.text and "＋</span>多大年龄可以报名参军" in preview.text
    assert "（本条已由门户测试补充。）" not in (service.faq_dir / "eligibility.yml").read_text(encoding="utf-8")
    reply = client.submit("/faq/age_limits", {**form, "confirm": "yes"}, page="/faq")
    assert reply.status_code == 303 and reply.headers["Location"] == "/portal/faq/age_limits?saved=1"
    entry = next(
        e
        for e in yaml.safe_load((service.faq_dir / "eligibility.yml").read_text(encoding="utf-8"))
        if e["id"] == "age_limits"
    )
    assert entry["answer"].strip().endswith("（本条已由门户测试补充。）")
    assert "多大年龄可以报名参军" in entry["questions"]
    assert entry["reviewed_by"] == "editor1" and str(entry["reviewed"]) == china_today().isoformat()
    shown = client.get("/faq/age_limits?saved=1").text
    assert "已保存" in shown and "本条已由门户测试补充" in shown
    assert any(e.action == "faq_save" and e.target == "faq:age_limits" for e in AuditLog(database).recent(5))


@pytest.mark.parametrize(
    "answer, message",
    [
        ("<script>alert(1)</script>学费", "答案中不能包含HTML标签"),
        ("学费" * 800, "答案太长"),
        ("请拨打{phone}咨询", "占位符"),
        ("   ", "答案不能为空"),
    ],
)
def test_an_invalid_answer_is_refused_in_chinese_and_nothing_is_written(
    service: Settings, answer: str, message: str
) -> None:
    client = logged_in(service)
    before = faq_digest(service.faq_dir)
    reply = client.submit("/faq/tuition_compensation", {"answer": answer, "questions": "新问法一条"}, page="/faq")
    assert reply.status_code == 400, reply.text[:300]
    assert "未保存" in reply.text and message in reply.text
    assert "<script>alert(1)</script>" not in reply.text  # the rejected text is shown escaped
    assert faq_digest(service.faq_dir) == before


def test_unknown_entries_and_bad_ids_answer_404(service: Settings) -> None:
    client = logged_in(service)
    for path in ("/faq/no_such_entry", "/faq/..%2F..%2Fetc", "/faq/%3Cscript%3E"):
        reply = client.get(path)
        assert reply.status_code == 404 and "没有这个FAQ条目" in reply.text


# --- reload and rollback --------------------------------------------------------------------


def test_a_second_reload_is_refused_while_another_worker_holds_the_lock(service: Settings, database: Database) -> None:
    """The test process plays the worker that runs a reload: it holds var/reload.lock and
    has written the status file; the service must refuse to start and show that status."""
    client = logged_in(service)
    status_path = service.var_dir / "reload-status.json"
    with ModelControl(service).exclusive():
        status_path.write_text(
            json.dumps(
                {
                    "state": "running",
                    "started_by": "另一位编辑",
                    "steps": ["第2步：训练新模型（在当前模型基础上更新，约2分钟）…"],
                }
            ),
            encoding="utf-8",
        )
        reply = client.submit("/model/reload", {}, page="/model")
        assert reply.status_code == 409 and "另一个模型更新或回滚正在进行" in reply.text
        assert client.get("/model/status.json").json()["status"]["state"] == "running"
        page = client.get("/model").text
        assert (
            "正在更新" in page
            and "第2步：训练新模型（在当前模型基础上更新，约2分钟）…" in page
            and 'http-equiv="refresh"' in page
        )
        reply = client.submit("/model/rollback", {"confirm": "yes"}, page="/model")
        assert reply.status_code == 409 and "另一个模型更新或回滚正在进行" in reply.text
    # The holder is gone without finishing (a crashed worker): shown as interrupted, not running.
    status = client.get("/model/status.json").json()["status"]
    assert status["state"] == "failed" and "更新过程被中断" in status["error"]
    assert not any(e.action == "model_reload" for e in AuditLog(database).recent(20))
    status_path.unlink()


def test_rollback_needs_confirmation_and_says_when_there_is_no_previous_model(
    service: Settings, database: Database
) -> None:
    client = logged_in(service)
    reply = client.submit("/model/rollback", {}, page="/model")
    assert reply.status_code == 400 and "请先勾选" in reply.text
    reply = client.submit("/model/rollback", {"confirm": "yes"}, page="/model")
    assert reply.status_code == 409 and "没有可回退的上一个模型" in reply.text
    assert any(e.action == "model_rollback" for e in AuditLog(database).recent(5))


# --- analytics ------------------------------------------------------------------------------


def test_analytics_json_has_the_seeded_figures(service: Settings) -> None:
    data = logged_in(service).get("/analytics.json?from=2026-11-02&to=2026-11-03").json()
    assert data["days"] == ["2026-11-02", "2026-11-03"]
    assert data["questions"] == [3, 2] and data["answered"] == [2, 1] and data["fallbacks"] == [1, 1]
    assert data["fallback_rate"] == [0.3333, 0.5]
    assert data["leads"] == [1, 1] and data["up"] == [2, 0] and data["down"] == [0, 1]
    assert data["timestamps"][1] - data["timestamps"][0] == 86400
    assert data["top_faqs"] == [
        {"id": "tuition_compensation", "title": "学费补偿", "count": 2},
        {"id": "age_limits", "title": data["top_faqs"][1]["title"], "count": 1},
    ]
    totals = data["totals"]
    # One definition of a lead: "other" signed up without a question and counts as a conversation too
    assert (
        (totals["questions"], totals["conversations"], totals["converted"]) == (5, 4, 2) == (5, 4, sum(data["leads"]))
    )
    assert totals["fallback_rate"] == 0.4 and totals["helpful_ratio"] == 0.6667 and totals["conversion"] == 0.5


def test_analytics_page_and_csv_show_the_same_numbers(service: Settings, database: Database) -> None:
    client = logged_in(service)
    page = client.get("/analytics?from=2026-11-02&to=2026-11-03").text
    assert (
        '<dd id="total-questions">5</dd>' in page and "40.0%" in page and "转化率 50.0%（报名线索 2 ÷ 会话 4）" in page
    )
    assert 'data-src="/portal/analytics.json?from=2026-11-02&amp;to=2026-11-03"' in page
    assert '<script src="/portal/static/vendor/uPlot.iife.min.js"' in page and "<script>" not in page
    reply = client.get("/analytics.csv?from=2026-11-02&to=2026-11-03")
    assert reply.status_code == 200 and reply.headers["Content-Type"].startswith("text/csv")
    assert 'filename="analytics-20261102-20261103.csv"' in reply.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig"))))
    assert rows[1] == ["2026-11-02", "3", "2", "1", "3", "2", "0", "1"]
    assert rows[3][:2] == ["合计", "5"]
    assert any(
        e.action == "analytics_export" and e.detail == "2026-11-02 至 2026-11-03" for e in AuditLog(database).recent(5)
    )


def test_analytics_defaults_to_the_last_30_days_and_refuses_bad_ranges(service: Settings) -> None:
    client = logged_in(service)
    data = client.get("/analytics.json").json()
    assert len(data["days"]) == 30
    for query, message in [
        ("from=2026-13-01", "日期格式不对"),
        ("from=2026-11-03&to=2026-11-01", "结束日期不能早于开始日期"),
        ("from=2020-01-01&to=2026-01-01", "日期范围最多"),
        ("to=%00", "日期格式不对"),
    ]:
        reply = client.get(f"/analytics?{query}")
        assert reply.status_code == 400 and message in reply.text, query


# --- the vendored chart library -------------------------------------------------------------


def test_vendored_files_match_vendored_md_and_are_served(service: Settings) -> None:
    listed = dict(
        (name, digest)
        for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", (VENDOR / "VENDORED.md").read_text(), re.M)
    )
    assert set(listed) == {"uPlot.iife.min.js", "uPlot.min.css", "uPlot.LICENSE"}
    for name, digest in listed.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    client = PortalClient(service)
    script = client.get("/static/vendor/uPlot.iife.min.js")
    assert script.status_code == 200 and script.headers["Content-Type"].startswith("application/javascript")
    assert script.content == (VENDOR / "uPlot.iife.min.js").read_bytes()
    assert client.get("/static/analytics.js").status_code == 200
    assert (
        client.get("/static/../web.py").status_code == 404
        and client.get("/static/vendor/VENDORED.md").status_code == 404
    )
