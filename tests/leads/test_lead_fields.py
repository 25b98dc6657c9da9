"""Lead form field checks, prefill from earlier messages, and the outbox (unit level)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actions.leads import prefill_values
from bot.lang.timefmt import utcnow
from bot.leads.fields import (
    check_concern,
    check_education,
    check_enlist_place,
    check_hukou,
    check_name,
    check_phone,
    check_school,
    check_student_status,
    display_phone,
    find_phone,
    looks_like_question,
    normalize_phone,
)
from bot.leads.outbox import Outbox
from bot.leads.records import LeadSubmission
from bot.leads.service import submit_lead


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "0086-13800138000",
        "１３８００１３８０００",
        "(138)0013.8000",
    ],
)
def test_phone_formats_are_tolerated(typed: str) -> None:
    assert normalize_phone(typed) == "13800138000"
    assert check_phone(typed).value == "13800138000"


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("12345", "5位"),
        ("138001380001", "12位"),
        ("12800138000", "不是大陆手机号"),
        ("没有手机", "请输入11位手机号码"),
        ("0358-1234567", "11位"),
    ],
)
def test_wrong_phone_numbers_are_explained(typed: str, problem: str) -> None:
    checked = check_phone(typed)
    assert not checked.ok and problem in checked.problem


def test_phone_inside_a_sentence() -> None:
    assert find_phone("我的手机是 139-1234-5678，谢谢") == "13912345678"
    assert find_phone("学号20230123456") is None
    assert display_phone("13912345678") == "139 1234 5678"


@pytest.mark.parametrize(
    "typed, value",
    [("李雷", "李雷"), ("我叫 王小明", "王小明"), ("买买提·艾力", "买买提·艾力"), ("Anna Li", "Anna Li")],
)
def test_good_names(typed: str, value: str) -> None:
    assert check_name(typed).value == value


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("李", "2–20个字"),
        ("李雷123", "数字"),
        ("<script>alert(1)</script>", "特殊符号"),
        ("www.example.com", "网址"),
        ("李雷😀", "只能包含汉字"),
        ("一" * 21, "2–20个字"),
    ],
)
def test_bad_names(typed: str, problem: str) -> None:
    checked = check_name(typed)
    assert not checked.ok and problem in checked.problem


def test_school_abbreviations_are_kept_as_typed() -> None:
    assert check_school("吕院").value == "吕院"
    assert check_school("我在太理上学").value == "太理"
    assert not check_school("<b>x</b>").ok


def test_places_and_concerns() -> None:
    assert check_hukou("户口在山西省吕梁市离石区").value == "山西省吕梁市离石区"
    assert check_concern("没有").value == "无"
    assert not check_concern("x" * 201).ok


@pytest.mark.parametrize(
    "check, typed, value",
    [
        (check_student_status, "在校生", "在校生"),
        (check_student_status, "我大三", "在校生"),
        (check_student_status, "今年毕业", "应届毕业生"),
        (check_student_status, "已经毕业两年了", "往届毕业生"),
        (check_education, "大专", "专科"),
        (check_education, "硕士", "研究生"),
        (check_education, "本科", "本科"),
        (check_enlist_place, "回老家", "户籍所在地"),
        (check_enlist_place, "还没想好", "未定"),
    ],
)
def test_choices_from_words(check, typed: str, value: str) -> None:
    assert check(typed).value == value


def test_questions_are_recognised() -> None:
    assert looks_like_question("当过兵回来考研能加几分")
    assert looks_like_question("学费怎么补")
    assert not looks_like_question("吕梁学院")


def test_prefill_from_earlier_messages() -> None:
    found = prefill_values(["你好", "我叫赵子龙，手机13698765432，我在山西大学读大三", "户口在离石区"])
    assert found == {
        "lead_name": "赵子龙",
        "lead_phone": "13698765432",
        "school": "山西大学",
        "hukou_place": "离石区",
        "student_status": "在校生",
    }
    assert prefill_values(["大学生参军有什么好处"]) == {}


def submission(reference: str = "ZB-TEST22") -> LeadSubmission:
    return LeadSubmission(
        name="李雷",
        phone="13800138000",
        school="吕院",
        student_status="在校生",
        education_level="本科",
        hukou_place="离石",
        enlist_place="未定",
        main_concern="无",
        consent_version="2023-1",
        consent_at=utcnow(),
        sender_id="s",
        source_channel="rest",
        reference=reference,
    )


class BrokenStore:
    def save(self, submission, via_outbox=False):
        from sqlalchemy.exc import OperationalError

        raise OperationalError("INSERT", {}, Exception("connection refused"))


def test_outbox_keeps_what_the_database_refused_and_flushes_later(tmp_path: Path) -> None:
    from bot.leads.store import LeadStore
    from bot.storage.database import Database

    outbox = Outbox(tmp_path / "outbox")
    outcome = submit_lead(submission(), BrokenStore(), outbox)
    assert not outcome.committed and outcome.reference == "ZB-TEST22"
    (path,) = outbox.pending()
    assert json.loads(path.read_text(encoding="utf-8"))["phone"] == "13800138000"
    assert outbox.flush(BrokenStore()).remaining == 1  # still down: nothing lost

    store = LeadStore(Database(f"sqlite:///{tmp_path / 'leads.db'}"))
    store.database.migrate()
    assert outbox.flush(store).saved == 1 and not outbox.pending()
    assert store.find_by_phone("13800138000").reference == "ZB-TEST22"
    # The same file again (a crash between commit and delete) does not duplicate.
    outbox.put(submission())
    assert outbox.flush(store).saved == 1 and store.count() == 1


def test_unreadable_outbox_file_is_quarantined(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox")
    outbox.directory.mkdir()
    (outbox.directory / "broken.json").write_text("{not json", encoding="utf-8")
    assert outbox.flush(BrokenStore()).saved == 0
    assert (outbox.directory / "unreadable" / "broken.json").exists() and not outbox.pending()
