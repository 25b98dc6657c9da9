"""A Redis lock store whose ticket operations are atomic across processes.

Rasa Open Source 3.6's ``RedisLockStore`` changes a conversation's ticket lock with a
plain GET, a change in Python and a SET. Two Rasa workers or replicas that issue tickets
for the same conversation at the same moment can both read the empty lock, both write
ticket 0 and both process a turn concurrently; the SQL tracker store then keeps only one
of the two turns (it appends "events beyond the stored count"). tests/test_replicas.py
caught this with six concurrent turns of one conversation across two replicas. (Rasa
Pro's concurrent lock store fixes it; Open Source does not.)

This subclass keeps Rasa's ticket protocol and storage format but performs every
read-modify-write of a lock inside a Redis optimistic transaction (WATCH/MULTI/EXEC,
retried on conflict). Configure it in endpoints.yml as
``lock_store: {type: bot.rasa_ext.lock_store.AtomicRedisLockStore, url: ..., port: ..., db: ...}``;
bot/runner.py does so whenever ENLIST_REDIS_URL is set.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

#: (new lock or None to delete it, value to return)
Mutation = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Any]]
MAX_ATTEMPTS = 1000


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore with atomic ticket issue, update and release."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {**endpoint_config.kwargs, **kwargs}
            kwargs.setdefault("host", endpoint_config.url or "localhost")
        super().__init__(**kwargs)

    def _atomically(self, conversation_id: Text, mutate: Mutation) -> Any:
        """Apply ``mutate`` to the stored lock in one Redis transaction."""
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            for _ in range(MAX_ATTEMPTS):
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new_lock, result = mutate(lock)
                    pipe.multi()
                    if new_lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new_lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another process changed the lock first: read it again
        raise LockError(f"could not update the lock of conversation '{conversation_id}'")

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._atomically(conversation_id, issue)
        except LockError:
            raise
        except Exception as exc:  # same contract as the parent: any failure is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def update_lock(self, conversation_id: Text) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._atomically(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def remove(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._atomically(conversation_id, remove)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Remove our ticket; delete the lock if nobody else waits (in one transaction)."""

        def release(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._atomically(conversation_id, release)
