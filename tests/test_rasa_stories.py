"""`rasa test core` on tests/test_stories.yml with the trained model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.models.training import subprocess_env


def test_rasa_test_stories_pass(project_home: Path, trained_model: Path, tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "test",
            "core",
            "--model",
            str(trained_model),
            "--stories",
            "tests/test_stories.yml",
            "--endpoints",
            "endpoints.yml",
            "--out",
            str(tmp_path),
            "--fail-on-prediction-errors",
            "--no-plot",
        ],
        cwd=project_home,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert (
        not (tmp_path / "failed_test_stories.yml")
        .read_text(encoding="utf-8")
        .strip()
        .replace("# None of the test stories failed - all good!", "")
    )
