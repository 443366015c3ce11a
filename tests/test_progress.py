"""Long work shows a progress bar on a terminal, and nothing when piped (§5)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import corpus  # noqa: E402  (the benchmark's seeded corpus generator)

SPAWN = "import pty, sys; pty.spawn(sys.argv[1:])"


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("big") / "p"
    corpus.make_project(root, 210)
    return root


@pytest.mark.parametrize(
    "command,label",
    [(["redline", "--format", "md"], "comparing"), (["build", "--format", "md"], "rendering")],
)
def test_progress_bar_on_a_terminal_only(big, tmp_path, command, label):
    args = [
        sys.executable,
        "-m",
        "treatydraft",
        *command,
        "--out",
        str(tmp_path / "out"),
        "-C",
        str(big),
    ]
    on_tty = subprocess.run(
        [sys.executable, "-c", SPAWN, *args], capture_output=True, text=True, timeout=120
    )
    assert on_tty.returncode == 0, on_tty.stdout
    assert f"{label}  [" in on_tty.stdout and "100%" in on_tty.stdout
    piped = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0, piped.stderr
    assert label not in piped.stdout + piped.stderr
