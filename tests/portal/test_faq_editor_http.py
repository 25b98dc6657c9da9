"""The FAQ editor's write paths of issue 16 over HTTP, on the real bot service of
test_editor_http (SQLite, a TEMPORARY faq/ copy): every field of an entry saved after a diff
preview, the student's view beside the source, invalid fields refused in Chinese with nothing
written, the per-entry history with its diff, one-click revert, moving a phrasing, creating
an entry from a queue group, retiring and restoring one; each write with its audit record."""

from __future__ import annotations

import re
from typing import Dict, List

import pytest
import yaml

from bot.config import Settings
from bot.lang.timefmt import china_today
from bot.review.store import ReviewStore
from bot.staff.audit import AuditLog
from bot.storage.database import Database
from tests.portal.editor_seed import TUITION_GUESSES, faq_digest
from tests.portal.test_editor_http import database, logged_in, service  # noqa: F401 - the shared fixtures

NEW_POSTS = ["/faq/new", "/faq/tattoo/move", "/faq/tattoo/retire", "/faq/changes/1/revert"]


def entry(settings: Settings, file: str, entry_id: str) -> Dict:
    entries = yaml.safe_load((settings.faq_dir / file).read_text(encoding="utf-8"))
    return next((e for e in entries if e["id"] == entry_id), {})


def last_audit(database: Database, action: str):  # noqa: F811 - the fixture
    return next(e for e in AuditLog(database).recent(20) if e.action == action)


def change_ids(page: str) -> List[int]:
    return [int(n) for n in re.findall(r'href="/portal/faq/changes/(\d+)">第\d+号', page)]


@pytest.mark.parametrize("path", NEW_POSTS)
def test_recruiters_and_forged_forms_cannot_write(service: Settings, path: str) -> None:  # noqa: F811
    before = faq_digest(service.faq_dir)
    data = {"id": "x_new", "question": "x", "target": "vision", "confirm": "yes", "answer": "x"}
    assert logged_in(service, "recruiter1").submit(path, data).status_code == 403
    assert logged_in(service).post(path, {**data, "csrf_token": "forged"}).status_code == 403
    assert faq_digest(service.faq_dir) == before


def test_the_entry_page_shows_the_students_view_next_to_the_source(service: Settings) -> None:  # noqa: F811
    page = logged_in(service).get("/faq/tuition_compensation").text
    assert "<h1>学费补偿 <small>编号 tuition_compensation</small></h1>" in page
    view = page.split('<div class="bubble">')[1].split("</div>")[0]
    assert "<strong>能补：" in view and "<li>" in view and "仅供参考，以征兵办审核为准" in view
    assert '<span class="chip">助学贷款代偿</span>' in page  # follow-up buttons by their titles
    assert '<textarea name="answer"' in page and "**能补：" in page  # the Markdown source beside it


def test_every_field_is_saved_after_a_diff_and_can_be_reverted_in_one_click(
    service: Settings, database: Database
) -> None:  # noqa: F811
    client = logged_in(service)
    before = entry(service, "eligibility.yml", "tattoo")
    removed = before["questions"][0]
    form = {
        "title": "文身和疤痕",
        "sources": "\n".join(before["sources"] + ["《应征公民体格检查标准》第八条"]),
        "buttons": ["height_weight", "vision"],
        "tags": "条件、体检、文身",
        "policy_year": "2023",
        "valid_until": "2027-08-31",
        "reviewed_by": "李审核",
        "remove": removed,
        "questions": "纹身能当兵吗？我手臂上有一个",
    }
    preview = client.submit("/faq/tattoo", form, page="/faq")
    assert preview.status_code == 200, preview.text[:500]
    for label in ("标题", "来源", "后续问题按钮", "标签", "有效期至", "审核人", "问法", "修改前", "修改后"):
        assert f"{label}" in preview.text
    assert f"−</span>{removed}" in preview.text and "＋</span>文身和疤痕" in preview.text
    assert entry(service, "eligibility.yml", "tattoo") == before  # nothing written before the confirmation
    reply = client.submit("/faq/tattoo", {**form, "confirm": "yes"}, page="/faq")
    assert reply.status_code == 303 and reply.headers["Location"] == "/portal/faq/tattoo?saved=1"
    saved = entry(service, "eligibility.yml", "tattoo")
    assert saved["title"] == "文身和疤痕" and saved["buttons"] == ["height_weight", "vision"]
    assert saved["tags"] == ["条件", "体检", "文身"] and str(saved["valid_until"]) == "2027-08-31"
    assert saved["reviewed_by"] == "李审核" and saved["sources"][-1] == "《应征公民体格检查标准》第八条"
    assert removed not in saved["questions"] and saved["questions"][-1] == "纹身能当兵吗？我手臂上有一个"
    audit = last_audit(database, "faq_save")
    assert audit.actor == "editor1" and audit.target == "faq:tattoo" and "新增 1 条，删除 1 条" in audit.detail

    history = client.get("/faq/tattoo/history").text
    number = change_ids(history)[0]
    assert "修改“文身与瘢痕”" in history and "editor1" in history
    change = client.get(f"/faq/changes/{number}").text
    assert "撤销这次修改" in change and "＋</span>文身和疤痕" in change and "−</span>文身与瘢痕" in change
    reply = client.submit(f"/faq/changes/{number}/revert", {}, page="/faq")
    assert reply.status_code == 303
    assert entry(service, "eligibility.yml", "tattoo") == before  # every field as it was
    audit = last_audit(database, "faq_revert")
    assert audit.target == "faq:tattoo" and f"撤销第{number}号修改" in audit.detail
    history = client.get("/faq/tattoo/history").text
    assert change_ids(history)[:2] == [int(reply.headers["Location"].split("/")[-1].split("?")[0]), number]
    assert "撤销修改" in history


@pytest.mark.parametrize(
    "form, message",
    [
        ({"policy_year": "明年"}, "政策年度应是四位数的年份"),
        ({"valid_until": "2027年8月"}, "有效期应写成 2024-08-31 这样的日期"),
        ({"valid_until": "2020-01-01"}, "过期"),
        ({"title": "一个特别特别特别特别特别长的条目标题超过十六个字"}, "标题"),
        ({"buttons": ["tattoo"]}, "按钮不能指向条目自己"),
        ({"sources": ""}, "来源"),
        ({"remove": ["x"]}, "没有需要保存的修改"),
    ],
)
def test_invalid_fields_are_refused_in_chinese_and_nothing_is_written(
    service: Settings, form: Dict, message: str
) -> None:  # noqa: F811
    before = faq_digest(service.faq_dir)
    reply = logged_in(service).submit("/faq/tattoo", {**form, "confirm": "yes"}, page="/faq")
    assert reply.status_code == 400 and "未保存" in reply.text and message in reply.text, reply.text[-1500:]
    # No command or file format to learn (entry ids such as where_to_enlist are option values, not commands).
    assert not re.search(r"\benlist\b", reply.text) and "YAML" not in reply.text
    assert faq_digest(service.faq_dir) == before


def test_a_phrasing_moves_to_another_entry_and_back(service: Settings, database: Database) -> None:  # noqa: F811
    client = logged_in(service)
    question = entry(service, "eligibility.yml", "height_weight")["questions"][-1]
    reply = client.submit("/faq/height_weight/move", {"question": question, "target": "vision"}, page="/faq")
    assert reply.status_code == 303 and reply.headers["Location"] == "/portal/faq/height_weight?saved=moved"
    assert question not in entry(service, "eligibility.yml", "height_weight")["questions"]
    assert question in entry(service, "eligibility.yml", "vision")["questions"]
    audit = last_audit(database, "faq_move")
    assert audit.target == "faq:height_weight" and "vision" in audit.detail
    number = change_ids(client.get("/faq/vision/history").text)[0]
    assert "移动问法" in client.get(f"/faq/changes/{number}").text
    refused = client.submit("/faq/height_weight/move", {"question": "没有这条问法", "target": "vision"}, page="/faq")
    assert refused.status_code == 400 and "这条问法不在这个条目里" in refused.text
    client.submit(f"/faq/changes/{number}/revert", {}, page="/faq")
    assert question in entry(service, "eligibility.yml", "height_weight")["questions"]
    assert question not in entry(service, "eligibility.yml", "vision")["questions"]


NEW_QUESTIONS = [
    "部队里可以用手机吗",
    "当兵以后还能玩手机吗",
    "新兵连让不让带手机",
    "服役期间手机怎么管理",
    "义务兵每天能用多长时间手机",
    "当兵了能给家里打电话吗",
    "在部队能不能上网",
    "新兵能用智能手机吗",
]


def test_a_new_entry_from_a_queue_group_then_retired_and_restored(service: Settings, database: Database) -> None:  # noqa: F811
    store = ReviewStore(database)
    for sender in ("p1", "p2"):
        store.record("out_of_scope", sender, NEW_QUESTIONS[0], TUITION_GUESSES)
    client = logged_in(service)
    queue = client.get("/review").text
    section = next(s for s in queue.split('<section class="card group"')[1:] if NEW_QUESTIONS[0] in s.split("</h2>")[0])
    link = re.search(r'href="(/portal/faq/new\?items=[0-9,]+)"', section).group(1)
    form_page = client.get(link[len("/portal") :]).text
    assert (
        "新建FAQ条目" in form_page
        and NEW_QUESTIONS[0] in form_page.split('name="questions"')[1].split("</textarea>")[0]
    )
    items = re.search(r'name="items" value="([0-9,]+)"', form_page).group(1)
    form = {
        "items": items,
        "id": "phone_in_service",
        "file": "basics.yml",
        "title": "服役期间用手机",
        "questions": "\n".join(NEW_QUESTIONS),
        "answer": "**新兵连期间手机统一保管**，下连后按部队规定时间使用。\n- 具体以所在部队规定为准。",
        "sources": "《内务条令》第一百三十条",
        "policy_year": "2023",
        "tags": "部队生活",
        "buttons": ["contact_office"],
        "valid_until": "",
        "reviewed_by": "editor1",
    }
    short = client.submit("/faq/new", {**form, "questions": NEW_QUESTIONS[0], "confirm": "yes"}, page="/faq")
    assert short.status_code == 400 and "未新建" in short.text and "至少" in short.text
    taken = client.submit("/faq/new", {**form, "id": "vision"}, page="/faq")
    assert taken.status_code == 400 and "已被其他条目使用" in taken.text
    preview = client.submit("/faq/new", form, page="/faq")
    assert preview.status_code == 200 and "确认新建条目" in preview.text and "新条目" in preview.text
    assert "<strong>新兵连期间手机统一保管</strong>" in preview.text
    assert entry(service, "basics.yml", "phone_in_service") == {}
    reply = client.submit("/faq/new", {**form, "confirm": "yes"}, page="/faq")
    assert reply.status_code == 303 and reply.headers["Location"] == "/portal/faq/phone_in_service?saved=created"
    created = entry(service, "basics.yml", "phone_in_service")
    assert created["questions"] == NEW_QUESTIONS and created["title"] == "服役期间用手机"
    assert created["reviewed_by"] == "editor1" and str(created["reviewed"]) == china_today().isoformat()
    decided = store.items(ids=[int(i) for i in items.split(",")])
    assert {(i.state, i.faq_id) for i in decided} == {("applied", "phone_in_service")}
    assert "来自待处理问题 2 条" in last_audit(database, "faq_create").detail

    refused = client.submit("/faq/phone_in_service/retire", {}, page="/faq")
    assert refused.status_code == 400 and "请先勾选" in refused.text
    reply = client.submit("/faq/phone_in_service/retire", {"confirm": "yes"}, page="/faq")
    assert reply.status_code == 303 and entry(service, "basics.yml", "phone_in_service") == {}
    assert last_audit(database, "faq_retire").target == "faq:phone_in_service"
    retired = client.get(reply.headers["Location"][len("/portal") :]).text
    assert "已停用这个条目" in retired and "停用（从FAQ中移除）" in retired
    number = int(reply.headers["Location"].split("/")[-1].split("?")[0])
    client.submit(f"/faq/changes/{number}/revert", {}, page="/faq")
    assert entry(service, "basics.yml", "phone_in_service") == created  # restored as it was
    referenced = client.submit("/faq/contact_office/retire", {"confirm": "yes"}, page="/faq")
    assert referenced.status_code == 400 and "按钮指向不存在的条目" in referenced.text  # others still point to it


def test_a_new_entry_needs_no_typed_id(service: Settings, database: Database) -> None:  # noqa: F811
    """Issue 16 §3: staff never have to invent an ASCII id; one is given when the field is empty."""
    client = logged_in(service)
    assert 'name="id" maxlength="64" pattern' in client.get("/faq/new").text  # not required
    form = {
        "id": "",
        "file": "basics.yml",
        "title": "入伍前要不要先体检牙齿",
        "questions": "\n".join(f"当兵前牙齿要先看吗{n}" for n in range(1, 9)),
        "answer": "**请以区人武部通知为准。**\n- 体检标准见“体检标准”。",
        "sources": "区人武部通知",
        "policy_year": "2023",
        "tags": "体检",
        "valid_until": "",
        "reviewed_by": "editor1",
    }
    preview = client.submit("/faq/new", form, page="/faq")
    assert preview.status_code == 200 and "确认新建条目" in preview.text
    reply = client.submit("/faq/new", {**form, "confirm": "yes"}, page="/faq")
    today = china_today().strftime("%Y%m%d")
    assert reply.status_code == 303 and reply.headers["Location"] == f"/portal/faq/entry_{today}?saved=created"
    assert entry(service, "basics.yml", f"entry_{today}")["title"] == "入伍前要不要先体检牙齿"
    second = client.submit(
        "/faq/new",
        {
            **form,
            "title": "另一个新条目",
            "questions": "\n".join(f"另一个问题{n}" for n in range(1, 9)),
            "confirm": "yes",
        },
        page="/faq",
    )
    assert second.headers["Location"] == f"/portal/faq/entry_{today}_2?saved=created"
