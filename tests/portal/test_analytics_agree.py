"""Issue 16 §6 over HTTP, on SQLite and on PostgreSQL: from one seeded database the analytics
page, its JSON, its CSV and ``enlist analytics`` give the same figures under one definition
of a lead and of conversion; every 未能回答 figure links to the review queue filtered to
those questions (range and reasons), and the queue shows times in China time."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import os
import re
import subprocess
import sys
from typing import Iterator, Tuple

import pytest

from bot.config import Settings
from bot.review.store import ReviewStore
from bot.staff.accounts import AccountStore
from bot.storage.database import Database
from tests.conftest import PROJECT_HOME, bot_service
from tests.databases import BACKENDS, migrated_database
from tests.portal.client import logged_in
from tests.portal.editor_seed import DAY1, DAY2, TUITION_GUESSES, seed_analytics

PASSWORD = "Bianji-2023!"
RANGE = "from=2026-11-02&to=2026-11-03"
LATE_EVENING_UTC = dt.datetime(2026, 11, 2, 17, 30)  # 2026-11-03 01:30 in China: a day-2 item


def seed_queue(store: ReviewStore) -> None:
    """Queue items behind the 未能回答 figures (a suggestion on day 1, a decline on day 2),
    one answered-but-doubtful item and one item outside the range."""
    store.record("low_confidence", "b", "咕噜咕噜怎么报名", TUITION_GUESSES, now=DAY1)
    store.record("out_of_scope", "c", "食堂几点开饭", (), now=LATE_EVENING_UTC)
    store.record("low_margin", "a", "当兵学费怎么算", TUITION_GUESSES, "tuition_compensation", now=DAY2)
    store.record("low_confidence", "z", "范围以外的问题", (), now=DAY1 - dt.timedelta(days=5))


@pytest.fixture(scope="module", params=BACKENDS)
def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Tuple[Settings, Database]]:
    root = tmp_path_factory.mktemp(f"analytics-{request.param}")
    with migrated_database(request.param, root) as database:
        AccountStore(database).create("editor1", "editor", PASSWORD)
        seed_analytics(database)
        seed_queue(ReviewStore(database))
        url = database.engine.url.render_as_string(hide_password=False)
        with bot_service(root / "var", ENLIST_DATABASE_URL=url, ENLIST_MODELS_DIR=str(root / "models")) as settings:
            yield settings, database


def summary(page: str, name: str) -> str:
    match = re.search(rf'<dd id="{name}">(.*?)</dd>', page, re.S)
    assert match, name
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_page_json_csv_and_cli_agree(service: Tuple[Settings, Database]) -> None:
    settings, database = service
    client = logged_in(settings, "editor1", PASSWORD)
    page = client.get(f"/analytics?{RANGE}").text
    totals = client.get(f"/analytics.json?{RANGE}").json()["totals"]
    rows = list(csv.reader(io.StringIO(client.get(f"/analytics.csv?{RANGE}").content.decode("utf-8-sig"))))
    total_row = next(row for row in rows if row and row[0] == "合计")

    # The seed: 5 questions, 2 missed, 4 conversations (one signed up without asking), 2 leads.
    assert (
        totals["questions"],
        totals["fallbacks"],
        totals["conversations"],
        totals["leads"],
        totals["converted"],
    ) == (5, 2, 4, 2, 2)
    assert summary(page, "total-questions") == "5" == total_row[1]
    assert summary(page, "total-answered") == "3" == total_row[2]
    assert summary(page, "total-conversations") == "4" == total_row[4]
    assert summary(page, "total-leads") == "2" == total_row[7] == str(totals["converted"])
    assert "报名线索 2 ÷ 会话 4" in summary(page, "conversion") and "转化率 50.0%" in summary(page, "conversion")
    assert ["会话→报名线索转化率", "0.500", "2/4"] in rows
    assert "未能回答比例 40.0%" in summary(page, "fallback-rate") and "2 次" in summary(page, "fallback-rate")
    # The per-day table adds up to the totals.
    day_rows = re.findall(
        r"<tr><td>(2026-11-0[23])</td><td>(\d+)</td><td>(\d+)</td><td>(.*?)</td>.*?<td>(\d+)</td></tr>", page, re.S
    )
    assert len(day_rows) == 2
    assert sum(int(r[1]) for r in day_rows) == 5 and sum(int(r[4]) for r in day_rows) == 2
    assert "新线索" not in page  # the lead status name is not reused for a different count

    env = {
        **os.environ,
        "ENLIST_DATABASE_URL": database.engine.url.render_as_string(hide_password=False),
        "ENLIST_VAR_DIR": str(settings.var_dir),
    }
    cli = subprocess.run(
        [sys.executable, "-m", "bot.cli", "analytics", "--from", "2026-11-02", "--to", "2026-11-03"],
        cwd=PROJECT_HOME,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 0, cli.stderr[-2000:]
    assert (
        "4 段会话，5 个问题" in cli.stdout and "报名线索 2 条（提交了报名表的会话），转化率 50.0%（2/4）" in cli.stdout
    ), cli.stdout


def test_each_missed_figure_links_to_its_queue_items(service: Tuple[Settings, Database]) -> None:
    settings, _ = service
    client = logged_in(settings, "editor1", PASSWORD)
    page = client.get(f"/analytics?{RANGE}").text
    links = [html.unescape(href) for href in re.findall(r'href="(/portal/review\?[^"]+)"', page)]
    assert "/portal/review?kind=missed&from=2026-11-02&to=2026-11-03" in links
    assert "/portal/review?kind=missed&from=2026-11-02&to=2026-11-02" in links
    assert "/portal/review?kind=missed&from=2026-11-03&to=2026-11-03" in links

    whole = client.get("/review?kind=missed&from=2026-11-02&to=2026-11-03").text
    assert "咕噜咕噜怎么报名" in whole and "食堂几点开饭" in whole
    assert "当兵学费怎么算" not in whole  # answered (low margin): not a 未能回答 turn
    assert "范围以外的问题" not in whole  # outside the range
    assert "未能回答（没把握、超出范围、没听懂）" in whole and "2026-11-02 至 2026-11-03" in whole
    day2 = client.get("/review?kind=missed&from=2026-11-03&to=2026-11-03").text
    # 17:30 UTC on 11-02 is 01:30 on 11-03 in China: the item is a day-2 item, shown in China time.
    assert "食堂几点开饭" in day2 and "咕噜咕噜怎么报名" not in day2 and "2026-11-03 01:30" in day2
    reasons = client.get("/review?kind=low_margin").text
    assert "当兵学费怎么算" in reasons and "两个条目得分接近" in reasons
    for query, message in [
        ("kind=nope", "原因筛选无效"),
        ("from=2026-13-01", "日期格式不对"),
        ("from=2026-11-03&to=2026-11-02", "结束日期不能早于开始日期"),
    ]:
        reply = client.get(f"/review?{query}")
        assert reply.status_code == 400 and message in reply.text, query
