"""Mutation testing of the pure logic modules (``make mutation``), each against its own unit tests.

Every group below is run by mutmut in its own scratch directory (``build/mutation/<group>/``)
whose ``pyproject.toml`` names the modules to mutate and the unit tests that must catch
the mutants, so that a module's score says how well *its* tests pin it down (no test here
starts Rasa). One worker: the machine is shared. Mutants listed in
``tools/mutation_equivalent.txt`` (same behaviour as the original, with the reason) are left
out of the score. Prints one line per module: killed / counted, the score, the survivors.

    python tools/mutation.py [--group NAME ...] [--sample N] [--seed S] [--min-score 85]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / "build" / "mutation"
EQUIVALENT_FILE = ROOT / "tools" / "mutation_equivalent.txt"
#: What the unit tests read besides bot/ and tests/ (the policy tables live in faq/policy/).
LINKED = ("bot", "tests", "faq", "actions")


@dataclass(frozen=True)
class Group:
    name: str
    modules: Tuple[str, ...]
    tests: Tuple[str, ...]


GROUPS: Tuple[Group, ...] = (
    Group(
        "eligibility",
        ("bot/eligibility/age.py", "bot/eligibility/benefit.py", "bot/eligibility/physical.py"),
        ("tests/eligibility/test_rules.py", "tests/eligibility/test_rule_edges.py"),
    ),
    Group(
        "fields", ("bot/leads/fields.py",), ("tests/leads/test_lead_fields.py", "tests/leads/test_lead_field_edges.py")
    ),
    Group(
        "extract",
        ("bot/lang/extract.py", "bot/lang/numbers.py"),
        ("tests/eligibility/test_extract.py", "tests/eligibility/test_extract_edges.py"),
    ),
    Group("validator", ("bot/faq/validator.py",), ("tests/faq/test_validator.py", "tests/faq/test_validator_edges.py")),
    Group("text", ("bot/lang/text.py",), ("tests/lang/test_text.py", "tests/lang/test_text_edges.py")),
)

KILLED = {"killed", "timeout", "segfault", "caught by type check"}


def _pyproject(group: Group) -> str:
    def toml_list(items: Sequence[str]) -> str:
        return "[" + ", ".join(json.dumps(item) for item in items) + "]"

    return "\n".join(
        [
            "[tool.mutmut]",
            'source_paths = ["bot"]',
            f"only_mutate = {toml_list(group.modules)}",
            f"also_copy = {toml_list(LINKED[2:])}",
            f"pytest_add_cli_args_test_selection = {toml_list(group.tests)}",
            'pytest_add_cli_args = ["-p", "no:cacheprovider", "-m", "not stack"]',
            "use_git_change_detection = false",
            "",
            "[tool.pytest.ini_options]",
            'asyncio_mode = "strict"',
            'markers = ["stack: needs the running stack"]',
            'filterwarnings = ["ignore::DeprecationWarning", "ignore::PendingDeprecationWarning"]',
            "",
        ]
    )


def _prepare(group: Group) -> Path:
    """A fresh scratch directory: links to the sources and tests, this group's config."""
    work = SCRATCH / group.name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name in LINKED:
        (work / name).symlink_to(ROOT / name)
    (work / "pyproject.toml").write_text(_pyproject(group), encoding="utf-8")
    return work


def _mutmut(work: Path, *args: str, quiet: bool = True) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "mutmut", *args]
    return subprocess.run(
        command, cwd=work, text=True, capture_output=quiet, env={**os.environ, "PYTHONWARNINGS": "ignore"}
    )


def _mutant_names(work: Path, module: str) -> List[str]:
    """Names of the mutants mutmut generated for ``module`` (from its trampolined copy)."""
    source = (work / "mutants" / module).read_text(encoding="utf-8")
    return sorted(set(re.findall(r"^def (x.+?__mutmut_\d+)\(", source, re.MULTILINE)))


def _results(work: Path, module: str) -> Dict[str, str]:
    from mutmut.stats import status_by_exit_code  # noqa: PLC0415 (mutmut is an optional dependency)

    meta = json.loads((work / "mutants" / (module + ".meta")).read_text(encoding="utf-8"))
    return {name: status_by_exit_code[code] for name, code in meta["exit_code_by_key"].items()}


def _diff(work: Path, name: str) -> str:
    return _mutmut(work, "show", name).stdout


def load_equivalent() -> List[Tuple[str, str, str]]:
    """(module, the mutated line as the diff shows it, reason) from the equivalents file."""
    rows = []
    for line in EQUIVALENT_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        module, mutated, reason = (part.strip() for part in line.split(" | ", 2))
        rows.append((module, mutated, reason))
    return rows


def _is_equivalent(module: str, diff: str, equivalent: List[Tuple[str, str, str]]) -> bool:
    """``mutated`` is the line the mutant adds, or "original ⇒ mutated" where the added line alone is ambiguous."""
    lines = diff.splitlines()
    added = [line[1:].strip() for line in lines if line.startswith("+") and not line.startswith("+++")]
    removed = [line[1:].strip() for line in lines if line.startswith("-") and not line.startswith("---")]
    for m, mutated, _ in equivalent:
        original, _, new = mutated.rpartition(" ⇒ ")
        if module == m and new in added and (not original or original in removed):
            return True
    return False


def run_group(
    group: Group, sample: int, seed: int, equivalent: List[Tuple[str, str, str]], show: bool
) -> Dict[str, Tuple[int, int, List[str]]]:
    work = _prepare(group)
    # mutmut generates every mutant before running any; "run" with a name that matches
    # nothing generates them and collects the test stats, so a sample can be drawn.
    names: List[str] = []
    if sample:
        _mutmut(work, "run", "--max-children", "1", "x_nothing__mutmut_0")
        for module in group.modules:
            found = _mutant_names(work, module)
            names += random.Random(f"{seed}:{module}").sample(found, min(sample, len(found)))
    started = time.monotonic()
    done = _mutmut(work, "run", "--max-children", "1", *names)
    if done.returncode != 0 and not any((work / "mutants" / (m + ".meta")).exists() for m in group.modules):
        print(done.stdout[-3000:], done.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"mutmut failed for {group.name}")
    scores: Dict[str, Tuple[int, int, List[str]]] = {}
    for module in group.modules:
        results = _results(work, module)
        if names:
            results = {name: status for name, status in results.items() if name in names}
        killed = sum(1 for status in results.values() if status in KILLED)
        survivors = [name for name, status in results.items() if status not in KILLED and status != "skipped"]
        alive, equivalents = [], 0
        for name in survivors:
            diff = _diff(work, name)
            if _is_equivalent(module, diff, equivalent):
                equivalents += 1
            else:
                alive.append(name)
                if show:
                    print(diff)
        scores[module] = (killed, killed + len(alive), alive)
        print(
            f"{module}: {killed}/{killed + len(alive)} killed ({_percent(killed, killed + len(alive))}), "
            f"{equivalents} equivalent, {len(alive)} survived",
            flush=True,
        )
    print(f"  [{group.name}: {time.monotonic() - started:.0f} s]", flush=True)
    return scores


def _percent(killed: int, counted: int) -> str:
    return f"{100 * killed / counted:.1f}%" if counted else "n/a"


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--group", action="append", choices=[g.name for g in GROUPS], help="only these groups")
    parser.add_argument("--sample", type=int, default=0, help="mutants drawn per module (0: all)")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--min-score", type=float, default=85.0, help="exit 1 when a module scores below")
    parser.add_argument("--show", action="store_true", help="print the diff of every survivor")
    args = parser.parse_args(list(argv) or None)
    equivalent = load_equivalent()
    failing = []
    for group in GROUPS:
        if args.group and group.name not in args.group:
            continue
        for module, (killed, counted, _) in run_group(group, args.sample, args.seed, equivalent, args.show).items():
            if counted and 100 * killed / counted < args.min_score:
                failing.append(module)
    if failing:
        print(f"below {args.min_score:g}%: {', '.join(failing)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
