"""A Rasa NLU component that normalises message text before tokenisation.

It is registered as a message featurizer because Rasa's default recipe only runs
tokenizers and featurizers on both training data and incoming messages, in pipeline
order; it must therefore be the first entry of the pipeline in ``config.yml``.

It is trainable because it learns the domain's vocabulary (bot/nlu/spelling.py) from the
training phrasings, to map sound-alike typos and pinyin back to the words of the model.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.lang.text import normalize, normalize_for_nlu, split_questions
from bot.nlu.faq_selector import QUESTIONS
from bot.nlu.spelling import Lexicon

LEXICON_FILE = "lexicon.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class ChineseTextNormalizer(GraphComponent):
    """繁體 → simplified, full-width → half-width, filler and preamble off, typos fixed."""

    @staticmethod
    def supported_languages() -> List[str]:
        return ["zh"]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"correct_spelling": True}

    def __init__(
        self, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource, lexicon: Optional[Lexicon] = None
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._lexicon = lexicon if config.get("correct_spelling", True) else None

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ChineseTextNormalizer":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        texts = [
            normalize_for_nlu(m.get(TEXT)) for m in training_data.training_examples if isinstance(m.get(TEXT), str)
        ]
        self._lexicon = Lexicon.learn(texts)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / LEXICON_FILE).write_text(
                json.dumps(self._lexicon.to_dict(), ensure_ascii=False), encoding="utf-8"
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "ChineseTextNormalizer":
        try:
            with model_storage.read_from(resource) as directory:
                data = json.loads((directory / LEXICON_FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):  # a model trained before the lexicon existed
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, Lexicon.from_dict(data))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str):
                questions = split_questions(normalize(text))
                if len(questions) > 1:  # for the FAQ selector: the other questions become buttons
                    message.set(QUESTIONS, [self._correct(q) for q in questions])
                message.set(TEXT, self.normalize(text))
        return messages

    def normalize(self, text: str) -> str:
        return self._correct(normalize_for_nlu(text))

    def _correct(self, text: str) -> str:
        return self._lexicon.correct(text) if self._lexicon is not None else text
