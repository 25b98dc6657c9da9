"""Issue 13 item 7: lead ids beyond any integer column (2**63 and up) in a portal URL are a
Chinese 404, not an OverflowError (500) from the database driver. These are all the portal
routes with an int id."""

from __future__ import annotations

from typing import Iterator

import pytest

from bot.staff.accounts import AccountStore
from bot.storage.database import Database
from tests.conftest import bot_service
from tests.portal.client import PortalClient

PASSWORD = "Zhaomu-2023!"
HUGE_IDS = ("9223372036854775808", "2147483648", "99999999999999999999999999", "0")


@pytest.fixture(scope="module")
def recruiter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalClient]:
    with bot_service(tmp_path_factory.mktemp("overflow-var")) as settings:
        database = Database(settings.database)
        database.migrate()
        AccountStore(database).create("recruiter1", "recruiter", PASSWORD)
        database.dispose()
        client = PortalClient(settings)
        assert client.login("recruiter1", PASSWORD).status_code == 303
        yield client


@pytest.mark.parametrize("lead_id", HUGE_IDS)
def test_huge_lead_ids_are_404_in_chinese(recruiter: PortalClient, lead_id: str) -> None:
    for reply in (
        recruiter.get(f"/leads/{lead_id}"),
        recruiter.submit(f"/leads/{lead_id}/status", {"status": "contacted"}),
        recruiter.submit(f"/leads/{lead_id}/notes", {"text": "备注"}),
    ):
        assert reply.status_code == 404, (reply.status_code, reply.text[:300])
        assert "没有这条线索" in reply.text
