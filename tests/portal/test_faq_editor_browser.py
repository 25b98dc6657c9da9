"""Issue 16's walk-through in headless Chromium (Debian's, via Playwright), all in Chinese, on
a private bot service with its own copy of the training inputs (faq/, data/, domain; the
checkout is never touched) and models/: create an entry from a queue group (preview, then
confirm), edit an answer (the student's view beside the source, then the diff, then
confirm), revert that edit in one click, move a phrasing to another entry, and update the
model (desktop only: one real training). Phone and desktop sizes, no console errors, no
sideways scroll; screenshots of each editor page in var/screenshots/."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator, List

import pytest
import yaml
from playwright.sync_api import expect, sync_playwright

from bot.config import Settings
from bot.models.registry import remember
from bot.models.training import fingerprint
from bot.review.store import ReviewStore
from bot.staff.accounts import AccountStore
from bot.storage.database import Database
from tests.browser import CHROMIUM, VIEWPORTS, launch_chromium, portal_login, watched_page
from tests.conftest import PROJECT_HOME, bot_service
from tests.portal.editor_seed import TUITION_GUESSES
from tests.portal.test_faq_editor_http import NEW_QUESTIONS
from tests.review.test_reload import private_home

PASSWORD = "Bianji-2023!"
WAIT_MS = 20_000
TRAINING_MS = 900_000
SCREENSHOTS = PROJECT_HOME / "var" / "screenshots"
NO_HORIZONTAL_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
NEW_ID = {"phone": "phone_rules_a", "desktop": "phone_rules_b"}
#: One question per viewport (the two groups must not merge), then 7 more phrasings each.
GROUP = {"phone": NEW_QUESTIONS[0], "desktop": "部队里面允许带手机吗"}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[Settings]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    root = tmp_path_factory.mktemp("faq-editor-browser")
    home = private_home(root)
    models = root / "models"
    models.mkdir()
    shutil.copy2(trained_model, models / trained_model.name)
    with bot_service(root / "var", ENLIST_HOME=str(home), ENLIST_MODELS_DIR=str(models)) as settings:
        remember(settings, models / trained_model.name, structure=fingerprint(settings, phrasings=False))
        database = Database(settings.database)
        database.migrate()
        AccountStore(database).create("editor1", "editor", PASSWORD)
        store = ReviewStore(database)
        for viewport in VIEWPORTS:
            for sender in ("a", "b"):
                store.record("out_of_scope", f"{viewport}-{sender}", GROUP[viewport], TUITION_GUESSES)
        database.dispose()
        yield settings


def faq_entry(settings: Settings, file: str, entry_id: str) -> dict:
    entries = yaml.safe_load((settings.faq_dir / file).read_text(encoding="utf-8"))
    return next((e for e in entries if e["id"] == entry_id), {})


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_an_editor_creates_edits_reverts_moves_and_updates_the_model(service: Settings, viewport: str) -> None:
    errors: List[str] = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        assert page.evaluate(NO_HORIZONTAL_SCROLL), f"{name} scrolls sideways"
        page.screenshot(path=str(SCREENSHOTS / f"portal-{name}-{viewport}.png"), full_page=True)

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = watched_page(browser, viewport, errors)
            portal_login(page, service.bot_url, "editor1", PASSWORD)

            # 1. A new entry from a queue group: the group's question is carried over.
            group = page.locator("section.group").filter(
                has=page.get_by_role("heading", name=GROUP[viewport], exact=True)
            )
            expect(group.get_by_label("加为哪个FAQ的问法")).to_have_value("")
            group.get_by_role("link", name="新建条目").click()
            expect(page.get_by_role("heading", name="新建FAQ条目")).to_be_visible(timeout=WAIT_MS)
            questions = page.get_by_label("添加问法（每行一条）")
            expect(questions).to_have_value(GROUP[viewport])
            questions.fill(
                "\n".join(
                    [GROUP[viewport]]
                    + [
                        f"{q}（{'手机端' if viewport == 'phone' else '电脑端'}）"
                        for q in NEW_QUESTIONS[1:] + ["新兵连能用手机吗"]
                    ]
                )
            )
            page.get_by_label("编号").fill(NEW_ID[viewport])
            page.get_by_label("放在哪个话题里").select_option("basics.yml")
            page.get_by_label("标题").fill("服役期间用手机" if viewport == "phone" else "部队手机规定")
            page.get_by_label("答案", exact=False).fill(
                "**新兵连期间手机统一保管**，下连后按规定时间使用。\n- 以所在部队规定为准。"
            )
            page.get_by_label("来源", exact=False).fill("《内务条令》第一百三十条")
            page.get_by_role("button", name="预览新条目").click()
            expect(page.get_by_role("button", name="确认保存")).to_be_visible(timeout=WAIT_MS)
            expect(page.locator(".student-view strong")).to_have_text("新兵连期间手机统一保管")
            shot("faq-new-preview")
            page.get_by_role("button", name="确认保存").click()
            expect(page.get_by_text("已新建条目。")).to_be_visible(timeout=WAIT_MS)
            assert faq_entry(service, "basics.yml", NEW_ID[viewport])["questions"][0] == GROUP[viewport]

            # 2. Edit an answer: the student's view beside the source, then the diff, then confirm.
            page.get_by_role("link", name="FAQ编辑", exact=True).click()
            page.get_by_role("link", name="年龄条件", exact=True).click()
            expect(page.locator(".preview-pane .bubble")).to_contain_text("仅供参考", timeout=WAIT_MS)
            shot("faq-entry")
            answer = page.get_by_label("答案", exact=False)
            original = answer.input_value()
            answer.fill(original + f"\n\n**{viewport}补充：**报名前请先查看本地公告。")
            page.get_by_role("button", name="保存", exact=True).click()
            expect(page.locator(".diff .ins").filter(has_text=f"{viewport}补充")).to_be_visible(timeout=WAIT_MS)
            expect(page.locator(".student-view strong").filter(has_text=f"{viewport}补充：")).to_be_visible()
            shot("faq-diff")
            page.get_by_role("button", name="确认保存").click()
            expect(page.get_by_text("已保存。")).to_be_visible(timeout=WAIT_MS)
            assert f"{viewport}补充" in faq_entry(service, "eligibility.yml", "age_limits")["answer"]

            # 3. Revert it in one click from the entry's history.
            page.get_by_role("link", name="修改记录").first.click()
            page.get_by_role("link", name="第", exact=False).first.click()
            expect(page.locator(".diff .ins").filter(has_text=f"{viewport}补充")).to_be_visible(timeout=WAIT_MS)
            shot("faq-change")
            page.get_by_role("button", name="撤销这次修改").click()
            expect(page.get_by_text("已撤销这次修改")).to_be_visible(timeout=WAIT_MS)
            assert faq_entry(service, "eligibility.yml", "age_limits")["answer"].strip() == original.strip()

            # 4. Move a phrasing of the new entry to 联系区人武部, chosen by its title.
            page.goto(f"{service.bot_url}/portal/faq/{NEW_ID[viewport]}")
            moved = faq_entry(service, "basics.yml", NEW_ID[viewport])["questions"][-1]
            page.get_by_label("要移动的问法").select_option(moved)
            page.get_by_label("移到哪个条目").select_option(label="联系区人武部")
            page.get_by_role("button", name="移动问法").click()
            expect(page.get_by_text("已移动问法。")).to_be_visible(timeout=WAIT_MS)
            assert moved in faq_entry(service, "contact.yml", "contact_office")["questions"]
            shot("faq-moved")

            # 5. Update the model (one real training, on the desktop run).
            page.get_by_role("link", name="更新模型", exact=True).click()
            if viewport == "desktop":
                page.get_by_role("button", name="更新模型", exact=True).click()
                expect(page.locator(".job-state")).to_have_text("完成", timeout=TRAINING_MS)
                expect(page.locator(".steps")).to_contain_text("第2步：训练新模型")
                expect(page.locator(".fields").last).to_contain_text("准确率")
            shot("model")
        finally:
            browser.close()
    assert errors == [], errors
