from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from treatydraft.cli import app

# Hypothesis: 200 examples per property in CI (default), many more in the slow profile.
settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile("slow", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def copy_project(src: Path, dst: Path) -> Path:
    """Copy a project (the repo's own treaty or a fixture) without build outputs or the venv."""
    shutil.copytree(
        src,
        dst,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "build",
            "tests",
            "bench",
            "src",
            "docs",
            "*.egg-info",
            "__pycache__",
            ".hypothesis",
            ".pytest_cache",
        ),
    )
    return dst


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a project file, failing loudly when it is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def treaty(tmp_path: Path) -> Path:
    """A copy of the bundled UN treaty project."""
    return copy_project(REPO, tmp_path / "treaty")


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A copy of the small fixture project (unpinned, with comments and odd quoting)."""
    return copy_project(FIXTURES / "mini", tmp_path / "mini")


@pytest.fixture
def cli():
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)

    return run


def pytest_terminal_summary(terminalreporter):
    """One line: how many hostile-input cases passed, of how many."""
    stats = terminalreporter.stats
    passed = sum(1 for r in stats.get("passed", []) if "test_hostile.py::" in r.nodeid)
    failed = sum(1 for r in stats.get("failed", []) if "test_hostile.py::" in r.nodeid)
    if passed or failed:
        scenarios = sum(
            1
            for key in ("passed", "failed")
            for r in stats.get(key, [])
            if "test_hostile.py::test_scenario[" in r.nodeid
        )
        terminalreporter.write_line(
            f"hostile cases: {passed} passed / {passed + failed} total"
            + (f" (issue-12 scenarios: {scenarios})" if scenarios else "")
        )
