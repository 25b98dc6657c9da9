"""The FAQ selector component: trains, persists without pickle, loads, predicts."""

from __future__ import annotations

from pathlib import Path

import jieba
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.faq.answering import faq_ranking
from bot.nlu.faq_selector import FaqSelector

PHRASINGS = {
    "faq/tuition_compensation": ["学费补偿是什么", "当兵学费能补偿吗", "入伍后交的学费能退吗", "参军学费返还"],
    "faq/postgrad_bonus": ["考研加几分", "退役后考研加分", "当过兵考研有照顾吗", "服兵役考研初试加分"],
    "faq/vision": ["视力要求多少", "近视能当兵吗", "裸眼视力4.5够吗", "眼睛度数高能参军吗"],
}


def message(text: str, key: str = "") -> Message:
    data = {TEXT: text}
    if key:
        data.update({INTENT: "faq", INTENT_RESPONSE_KEY: key})
    result = Message(data=data)
    result.set(TOKENS_NAMES[TEXT], [Token(word, start) for word, start, _ in jieba.tokenize(text)])
    return result


def test_train_persist_load_predict(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("faq_selector")
    context = ExecutionContext(GraphSchema({}), "test")
    config = {**FaqSelector.get_default_config()}
    examples = [message(text, key) for key, texts in PHRASINGS.items() for text in texts]
    examples.append(message("你好"))  # other intents are ignored
    training_data = TrainingData(examples, responses={"utter_faq/vision": [{"text": "视力标准……"}]})

    FaqSelector.create(config, storage, resource, context).train(training_data)
    assert not list(tmp_path.rglob("*.pkl"))
    loaded = FaqSelector.load(config, storage, resource, context)

    (parsed,) = loaded.process([message("请问近视眼可以当兵吗")])
    selector = parsed.get("response_selector")
    assert selector["all_retrieval_intents"] == ["faq"]
    assert selector["faq"]["response"]["intent_response_key"] == "faq/vision"
    assert selector["faq"]["response"]["responses"] == [{"text": "视力标准……"}]
    ranking = faq_ranking({"response_selector": selector})
    assert [r["id"] for r in ranking][:1] == ["vision"]
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-5

    (other,) = loaded.process([message("考研能加分吗")])
    assert other.get("response_selector")["faq"]["response"]["intent_response_key"] == "faq/postgrad_bonus"
