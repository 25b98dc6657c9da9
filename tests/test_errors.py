"""One exception tree: every public exception class defined in bot/ derives from EnlistError."""

from __future__ import annotations

import importlib
import inspect

from bot.errors import EnlistError
from tests.test_layout import bot_modules


def _bot_modules() -> list:
    return [name for name, _ in bot_modules()]


def test_every_public_exception_of_bot_is_an_enlist_error() -> None:
    outside = []
    for name in _bot_modules():
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == name
                and not attr.startswith("_")
                and not issubclass(value, EnlistError)
            ):
                outside.append(f"{name}.{attr}")
    assert outside == []


def test_every_exception_defined_outside_errors_py_is_named_in_its_docstring() -> None:
    import bot.errors

    for name in _bot_modules():
        for attr, value in vars(importlib.import_module(name)).items():
            if inspect.isclass(value) and issubclass(value, EnlistError) and value.__module__ == name != "bot.errors":
                assert f"``{attr}``" in (bot.errors.__doc__ or ""), attr
