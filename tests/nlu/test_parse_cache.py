"""The NLU parse cache: same normalised text and model → one parse; other model → new parse."""

from types import SimpleNamespace

from bot.nlu.parse_cache import ParseCache, cached_parse


class Processor:
    def __init__(self, model_id: str) -> None:
        self.model_metadata = SimpleNamespace(model_id=model_id)
        self.calls = 0

    def parse(self, message, tracker, only_output_properties=True):
        self.calls += 1
        return {"text": message.text, "intent": {"name": "faq", "confidence": 0.9}, "entities": []}


def test_repeated_messages_are_parsed_once_and_results_are_copies() -> None:
    cache = ParseCache(size=2)
    processor = Processor("m1")
    parse = cached_parse(Processor.parse, cache)
    first = parse(processor, SimpleNamespace(text="學費補償"), None)
    first["intent"]["name"] = "mutated by a caller"
    second = parse(processor, SimpleNamespace(text="学费补偿"), None)  # same after normalisation
    assert processor.calls == 1 and second["intent"]["name"] == "faq"
    assert (cache.hits, cache.misses) == (1, 1)


def test_a_new_model_invalidates_and_the_size_is_bounded() -> None:
    cache = ParseCache(size=2)
    parse = cached_parse(Processor.parse, cache)
    old, new = Processor("m1"), Processor("m2")
    parse(old, SimpleNamespace(text="a"), None)
    parse(new, SimpleNamespace(text="a"), None)
    assert new.calls == 1  # not answered from the old model's entry
    for text in ("b", "c", "d"):
        parse(new, SimpleNamespace(text=text), None)
    parse(new, SimpleNamespace(text="a"), None)
    assert new.calls == 5  # "a" was evicted (LRU of 2)
