"""A Rasa NLU component that normalises message text before tokenisation.

It is registered as a (non-trainable) message featurizer because Rasa's default recipe
only runs tokenizers and featurizers on both training data and incoming messages, in
pipeline order; it must therefore be the first entry of the pipeline in ``config.yml``.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.text import normalize_for_nlu


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class ChineseTextNormalizer(GraphComponent):
    """Maps 繁體 to simplified, full-width to half-width, strips control characters."""

    @staticmethod
    def supported_languages() -> List[str]:
        return ["zh"]

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ChineseTextNormalizer":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str):
                message.set(TEXT, normalize_for_nlu(text))
        return messages
