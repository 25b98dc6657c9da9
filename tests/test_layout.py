"""The layout of bot/ (see bot/__init__.py): packages import only packages below them.

The import graph between the top-level parts of bot/ (a sub-package or a loose module)
must have no cycle. ``bot.runtime``, the service locator that the actions and two
background paths still use, is left out until settings and stores come from the app only.
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Set, Tuple

from tests.conftest import PROJECT_HOME

BOT = PROJECT_HOME / "bot"
NOT_YET_LAYERED = {"bot.runtime"}


def _part(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _imports(path: Path) -> List[str]:
    names: List[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "bot":
                names += [f"bot.{alias.name}" for alias in node.names]
            elif node.module.startswith("bot."):
                names.append(node.module)
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names if alias.name.startswith("bot.")]
    return names


def bot_modules() -> List[Tuple[str, Path]]:
    """(dotted name, file) of every module of bot/, migrations left out."""
    return [
        (".".join(path.relative_to(PROJECT_HOME).with_suffix("").parts).removesuffix(".__init__"), path)
        for path in sorted(BOT.rglob("*.py"))
        if "migrations" not in path.parts
    ]


def part_graph() -> Dict[str, Set[Tuple[str, str]]]:
    """part -> {(importing module, imported module)} for every import between two parts."""
    graph: Dict[str, Set[Tuple[str, str]]] = defaultdict(set)
    for module, path in bot_modules():
        for target in _imports(path):
            source_part, target_part = _part(module), _part(target)
            if source_part != target_part and not {source_part, target_part} & NOT_YET_LAYERED:
                graph[source_part].add((module, target))
    return graph


def cycle_in(graph: Dict[str, Set[Tuple[str, str]]]) -> List[str]:
    """One cycle of parts (first part repeated at the end), or [] when there is none."""
    edges = {part: {_part(target) for _, target in imports} for part, imports in graph.items()}
    state: Dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: List[str] = []

    def visit(part: str) -> List[str]:
        state[part] = 1
        path.append(part)
        for nxt in sorted(edges.get(part, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[part] = 2
        return []

    for part in sorted(edges):
        if part not in state and (found := visit(part)):
            return found
    return []


def test_no_import_runs_back_up_between_the_parts_of_bot() -> None:
    graph = part_graph()
    cycle = cycle_in(graph)
    where = [
        f"{a} -> {b}: " + ", ".join(sorted(f"{s} imports {t}" for s, t in graph[a] if _part(t) == b))
        for a, b in itertools.pairwise(cycle)
    ]
    assert not cycle, "import cycle between parts of bot/:\n" + "\n".join(where)


def test_the_cycle_finder_sees_a_cycle() -> None:
    graph = {"bot.a": {("bot.a.x", "bot.b.y")}, "bot.b": {("bot.b.y", "bot.a.z")}}
    assert cycle_in(graph) == ["bot.a", "bot.b", "bot.a"]
    assert cycle_in({"bot.a": {("bot.a.x", "bot.b.y")}}) == []


def test_the_layout_map_names_every_package() -> None:
    doc = (BOT / "__init__.py").read_text(encoding="utf-8")
    packages = sorted(p.name for p in BOT.iterdir() if (p / "__init__.py").exists())
    assert [p for p in packages if f"``{p}/``" not in doc] == []
