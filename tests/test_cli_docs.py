"""Every command shows an example in its --help and is documented in the README
(the sqlite-utils rule), and `python -m treatydraft` is the same program."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer

from treatydraft.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def commands() -> list[tuple[str, ...]]:
    group = typer.main.get_command(app)
    out = []
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):  # a group: its sub-commands
            out.extend((name, sub) for sub in cmd.commands)
        else:
            out.append((name,))
    return sorted(out)


def test_the_commands_are_the_designed_ones():
    assert commands() == [
        ("amend", "apply"),
        ("build",),
        ("check",),
        ("export",),
        ("init",),
        ("new",),
        ("pin",),
        ("redline",),
        ("sources", "import"),
        ("sources", "list"),
        ("sources", "show"),
        ("status",),
        ("table",),
    ]


@pytest.mark.parametrize("command", commands(), ids=" ".join)
def test_help_shows_an_example_and_the_readme_documents_it(cli, command):
    result = cli(*command, "--help")
    assert result.exit_code == 0
    assert "Example: treatydraft " + " ".join(command) in " ".join(result.output.split())
    assert f"treatydraft {' '.join(command)}" in README


def test_amend_itself_shows_an_example_and_the_readme_documents_it(cli):
    result = cli("amend", "--help")
    assert result.exit_code == 0
    assert "Example: treatydraft amend --against" in " ".join(result.output.split())
    assert "treatydraft amend --against" in README


def test_python_dash_m_runs_the_same_cli():
    out = subprocess.run(
        [sys.executable, "-m", "treatydraft", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "Usage: python -m treatydraft" in out or "Usage: treatydraft" in out
    for name, *_rest in commands():
        assert name in out


def test_the_cli_annotations_are_objects_not_strings():
    # typer evaluates string annotations on every run (~35 ms of each command's start-up);
    # the CLI module keeps its annotations evaluated once, at import
    import treatydraft.cli as cli_module

    assert "annotations" not in vars(cli_module)
    hints = cli_module.check.__annotations__ if hasattr(cli_module, "check") else {}
    assert hints and not any(isinstance(v, str) for v in hints.values())
