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
            ".treatydraft_cache",
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


# --------------------------------------------------------------------------- golden files


def pytest_addoption(parser):
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite the golden files from the current output (also TREATYDRAFT_UPDATE_GOLDEN=1)",
    )


def assert_golden(path: Path, got: str | bytes, *, update: bool) -> None:
    """Compare ``got`` with the golden file at ``path`` (text: line ends as checked out; bytes:
    exactly). With ``update``, write it instead (and create a missing one)."""
    data = got.encode("utf-8") if isinstance(got, str) else got
    rel = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        return
    if not path.exists():
        pytest.fail(f"{rel} is missing; run pytest --update-goldens to create it", pytrace=False)
    if isinstance(got, str):
        want: str | bytes = path.read_text(encoding="utf-8")
    else:
        want = path.read_bytes()
    if got != want:
        import difflib

        def lines(x: str | bytes) -> list[str]:
            text = x if isinstance(x, str) else x.decode("utf-8", "backslashreplace")
            return text.splitlines(keepends=True)

        diff = "".join(list(difflib.unified_diff(lines(want), lines(got), f"{rel}", "output"))[:60])
        pytest.fail(
            f"{rel} differs from the output (rerun with --update-goldens if the change is "
            f"intended):\n{diff}",
            pytrace=False,
        )


@pytest.fixture
def golden(request):
    """``golden(path, output)``: :func:`assert_golden` with the run's update flag."""
    update = bool(request.config.getoption("--update-goldens")) or (
        os.environ.get("TREATYDRAFT_UPDATE_GOLDEN") == "1"
    )

    def check(path: Path, got: str | bytes) -> None:
        assert_golden(path, got, update=update)

    return check
