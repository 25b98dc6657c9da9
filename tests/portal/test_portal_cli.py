"""`enlist user add/list/disable/enable/password` and `enlist leads export` as an operator runs them: what they
say is Chinese (argparse's own messages too), the command names and options English."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict

import pytest

from bot.leads.store import LeadStore
from bot.staff.accounts import AccountStore
from bot.staff.audit import AuditLog
from bot.storage.database import Database
from tests.conftest import PROJECT_HOME
from tests.portal.leads_seed import add_lead


def enlist(var_dir: Path, *argv: str, stdin: str = "") -> subprocess.CompletedProcess:
    env: Dict[str, str] = {**os.environ, "ENLIST_HOME": str(PROJECT_HOME), "ENLIST_VAR_DIR": str(var_dir)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *argv],
        input=stdin.encode("utf-8"),
        capture_output=True,
        env=env,
        cwd=PROJECT_HOME,
        timeout=120,
    )


@pytest.fixture()
def database(tmp_path: Path):  # noqa: ANN201
    db = Database(f"sqlite:///{tmp_path / 'enlist.db'}")
    db.migrate()
    yield db
    db.dispose()


def test_user_add_list_disable(tmp_path: Path, database: Database) -> None:
    added = enlist(
        tmp_path, "user", "add", "zhangwei", "--role", "recruiter", "--password-stdin", stdin="Zhaomu-2023!\n"
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.decode().strip() == "已添加用户 zhangwei，角色：招募人员（recruiter）"
    assert AccountStore(database).verify("zhangwei", "Zhaomu-2023!") is not None
    listed = enlist(tmp_path, "user", "list")
    assert listed.returncode == 0
    assert re.search(r"^zhangwei\trecruiter\t正常\t最近登录：20\d\d-\d\d-\d\d \d\d:\d\d$", listed.stdout.decode(), re.M)
    disabled = enlist(tmp_path, "user", "disable", "zhangwei")
    assert disabled.returncode == 0 and "已停用用户 zhangwei，其登录会话已全部结束" in disabled.stdout.decode()
    assert "zhangwei\trecruiter\t已停用" in enlist(tmp_path, "user", "list").stdout.decode()
    assert AccountStore(database).verify("zhangwei", "Zhaomu-2023!") is None
    enabled = enlist(tmp_path, "user", "enable", "zhangwei")
    assert enabled.returncode == 0 and "已启用用户 zhangwei" in enabled.stdout.decode()
    assert AccountStore(database).verify("zhangwei", "Zhaomu-2023!") is not None
    reset = enlist(tmp_path, "user", "password", "zhangwei", "--password-stdin", stdin="Lvliang-zhaomu-2026!\n")
    assert reset.returncode == 0 and "已重置 zhangwei 的密码" in reset.stdout.decode(), reset.stderr
    assert AccountStore(database).verify("zhangwei", "Lvliang-zhaomu-2026!").must_change_password
    assert "zhangwei\trecruiter\t待改密码" in enlist(tmp_path, "user", "list").stdout.decode()
    weak = enlist(tmp_path, "user", "password", "zhangwei", "--password-stdin", stdin="1234567890\n")
    assert weak.returncode == 1 and "太常见" in weak.stderr.decode()
    assert [e.action for e in AuditLog(database).recent()] == ["user_reset", "user_enable", "user_disable", "user_add"]
    missing = enlist(tmp_path, "user", "disable", "nobody")
    assert missing.returncode == 1 and "没有用户" in missing.stderr.decode()


@pytest.mark.parametrize(
    "argv, stdin, message",
    [
        (("weakling", "--role", "recruiter"), "short\n", "密码太短"),
        (("weakling", "--role", "recruiter"), "1234567890\n", "太常见"),
        (("weakling", "--role", "recruiter"), "\n", "密码太短"),
        (("<script>", "--role", "admin"), "Zhaomu-2023!\n", "用户名"),
    ],
)
def test_user_add_refuses_weak_passwords_and_bad_names_in_chinese(
    tmp_path: Path, database: Database, argv, stdin: str, message: str
) -> None:
    result = enlist(tmp_path, "user", "add", *argv, "--password-stdin", stdin=stdin)
    assert result.returncode == 1 and message in result.stderr.decode() and "Traceback" not in result.stderr.decode()
    assert AccountStore(database).list() == []


def test_user_add_refuses_an_unknown_role(tmp_path: Path) -> None:
    result = enlist(tmp_path, "user", "add", "x1", "--role", "root", "--password-stdin", stdin="Zhaomu-2023!\n")
    stderr = result.stderr.decode()
    assert result.returncode == 2 and "用法：enlist user add" in stderr and "参数 --role 的取值 'root' 无效" in stderr
    assert "invalid choice" not in stderr and "error:" not in stderr


def test_help_and_argparse_errors_are_chinese_with_english_command_names(tmp_path: Path) -> None:
    helped = enlist(tmp_path, "user", "add", "--help").stdout.decode()
    assert "用法：enlist user add" in helped and "显示本帮助并退出" in helped and "--password-stdin" in helped
    assert "show this help" not in helped and "usage:" not in helped
    missing = enlist(tmp_path, "user", "add").stderr.decode()
    assert "缺少必需的参数：name, --role" in missing
    unknown = enlist(tmp_path, "user", "list", "--bogus").stderr.decode()
    assert "无法识别的参数：--bogus" in unknown


def test_leads_export_writes_the_filtered_csv(tmp_path: Path, database: Database) -> None:
    store = LeadStore(database)
    add_lead(store, "王芳", "13900000001", school="吕梁学院")
    add_lead(store, "李雷", "13900000002", school="山西大学", student_status="往届毕业生")
    output = tmp_path / "out.csv"
    result = enlist(tmp_path, "leads", "export", "--output", str(output), "--school", "吕梁")
    assert result.returncode == 0, result.stderr
    assert f"已导出 1 条线索到 {output}" in result.stderr.decode()
    data = output.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["王芳"]
    to_stdout = enlist(tmp_path, "leads", "export", "-o", "-", "--student-status", "往届毕业生")
    assert "李雷" in to_stdout.stdout.decode("utf-8-sig") and "王芳" not in to_stdout.stdout.decode("utf-8-sig")
    bad = enlist(tmp_path, "leads", "export", "-o", str(output), "--from", "2023-99-01")
    assert bad.returncode == 1 and "日期格式" in bad.stderr.decode()
    assert [e.action for e in AuditLog(database).recent()] == ["export", "export"]
