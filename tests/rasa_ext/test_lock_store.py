"""The atomic Redis lock store against a real Redis server (skipped only when none answers)."""

from __future__ import annotations

import asyncio
import secrets
import socket
import threading
from collections import Counter
from typing import List

import pytest
from rasa.core.lock_store import RedisLockStore

from bot.rasa_ext.lock_store import AtomicRedisLockStore

THREADS, TICKETS = 8, 40


@pytest.fixture(scope="module", autouse=True)
def redis_server() -> None:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            assert connection.recv(16).startswith(b"+PONG")
    except (OSError, AssertionError):
        pytest.skip("no Redis server answers on 127.0.0.1:6379")


def issue_concurrently(store_class, conversation: str) -> List[int]:
    numbers: List[int] = []
    guard = threading.Lock()
    start = threading.Barrier(THREADS)

    def worker() -> None:
        store = store_class(host="127.0.0.1", port=6379, db=14, key_prefix="enlisttest")
        start.wait()
        for _ in range(TICKETS):
            number = store.issue_ticket(conversation, 60)
            with guard:
                numbers.append(number)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store_class(host="127.0.0.1", port=6379, db=14, key_prefix="enlisttest").delete_lock(conversation)
    return numbers


def test_tickets_are_unique_under_concurrency() -> None:
    atomic = issue_concurrently(AtomicRedisLockStore, f"c-{secrets.token_hex(4)}")
    assert len(atomic) == THREADS * TICKETS and len(set(atomic)) == len(atomic)
    stock = issue_concurrently(RedisLockStore, f"c-{secrets.token_hex(4)}")
    duplicates = sum(count - 1 for count in Counter(stock).values() if count > 1)
    print(f"\nRasa's RedisLockStore issued {duplicates} duplicate tickets out of {len(stock)}; ours: 0")


def test_lock_gives_mutual_exclusion_across_connections() -> None:
    conversation = f"c-{secrets.token_hex(4)}"
    shared = {"value": 0, "inside": 0, "overlaps": 0}

    def worker() -> None:
        store = AtomicRedisLockStore(host="127.0.0.1", port=6379, db=14, key_prefix="enlisttest")

        async def turns() -> None:
            for _ in range(5):
                async with store.lock(conversation, lock_lifetime=30, wait_time_in_seconds=0.01):
                    shared["inside"] += 1
                    shared["overlaps"] += shared["inside"] > 1
                    value = shared["value"]
                    await asyncio.sleep(0.005)  # a turn's work; another holder would interleave here
                    shared["value"] = value + 1
                    shared["inside"] -= 1

        asyncio.run(turns())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert shared == {"value": 20, "inside": 0, "overlaps": 0}
    assert (
        AtomicRedisLockStore(host="127.0.0.1", port=6379, db=14, key_prefix="enlisttest").get_lock(conversation) is None
    )


def test_created_from_an_endpoint_config() -> None:
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    store = LockStore.create(
        EndpointConfig(
            url="127.0.0.1",
            type="bot.rasa_ext.lock_store.AtomicRedisLockStore",
            port=6379,
            db=14,
            key_prefix="enlisttest",
        )
    )
    assert isinstance(store, AtomicRedisLockStore) and store.key_prefix == "enlisttest:lock:"
