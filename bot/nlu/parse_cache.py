"""A cache of NLU parse results for repeated messages, inside the Rasa server.

Button payloads and the most common questions ("你好", "学费补偿", "/affirm") repeat a
lot; parsing one costs a DIET forward pass. The result of parsing depends only on the
model and the normalised text, because every component of our pipeline (config.yml)
reads only the message text: no NLU component here reads the tracker. So results are
cached per (model id, normalised text) in a bounded LRU, per worker process; a different
model means different keys (and the old entries are dropped).

Rasa 3.6 offers no extension point for this, so :func:`install` wraps
``MessageProcessor._parse_message_with_graph``. It is installed with the other speed-ups
(bot/rasa_ext/speedups.py) when Rasa loads our REST channel. ENLIST_PARSE_CACHE_SIZE=0 turns
it off.
"""

from __future__ import annotations

import copy
import functools
import logging
import threading
from collections import OrderedDict
from typing import Any, Callable, Dict, Optional, Tuple

from bot.lang.text import normalize_for_nlu

logger = logging.getLogger(__name__)
DEFAULT_SIZE = 4096


class ParseCache:
    """A thread-safe LRU of parse results with hit/miss counters."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._model_id: Optional[str] = None
        self._entries: "OrderedDict[Tuple[str, bool], Dict[str, Any]]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, model_id: str, key: Tuple[str, bool]) -> Optional[Dict[str, Any]]:
        with self._lock:
            if model_id != self._model_id:
                self._entries.clear()
                self._model_id = model_id
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return copy.deepcopy(found)

    def put(self, model_id: str, key: Tuple[str, bool], parse_data: Dict[str, Any]) -> None:
        with self._lock:
            if model_id != self._model_id:
                return
            self._entries[key] = copy.deepcopy(parse_data)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def cached_parse(original: Callable[..., Dict[str, Any]], cache: ParseCache) -> Callable[..., Dict[str, Any]]:
    """Wrap a ``_parse_message_with_graph``-shaped method with ``cache``."""

    @functools.wraps(original)
    def parse(self: Any, message: Any, tracker: Any, only_output_properties: bool = True) -> Dict[str, Any]:
        text = getattr(message, "text", None)
        if not isinstance(text, str):
            return original(self, message, tracker, only_output_properties)
        model_id = str(getattr(self.model_metadata, "model_id", ""))
        key = (normalize_for_nlu(text), bool(only_output_properties))
        found = cache.get(model_id, key)
        if found is not None:
            return found
        parse_data = original(self, message, tracker, only_output_properties)
        cache.put(model_id, key, parse_data)
        return parse_data

    parse.enlist_parse_cache = cache  # type: ignore[attr-defined]
    return parse


def install(size: Optional[int] = None) -> Optional[ParseCache]:
    """Install the cache into Rasa's MessageProcessor (idempotent); returns it."""
    from rasa.core.processor import MessageProcessor

    if size is None:
        size = DEFAULT_SIZE
    current = MessageProcessor._parse_message_with_graph
    if hasattr(current, "enlist_parse_cache"):
        return current.enlist_parse_cache
    if size <= 0:
        return None
    cache = ParseCache(size)
    MessageProcessor._parse_message_with_graph = cached_parse(current, cache)
    logger.info("NLU parse cache installed (%d entries)", size)
    return cache
