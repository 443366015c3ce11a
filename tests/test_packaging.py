"""Packaging a user can trust (§14): one version, --version, -h, py.typed, LICENSE."""

from __future__ import annotations

import importlib.metadata
import tomllib
from importlib import resources
from pathlib import Path

import pytest

import treatydraft

REPO = Path(__file__).resolve().parents[1]


def test_version_is_single_sourced_and_printed(cli):
    assert importlib.metadata.version("treatydraft") == treatydraft.__version__
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"treatydraft {treatydraft.__version__}\n"


def test_pyproject_takes_the_version_from_the_package():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "treatydraft.__version__"
    }


@pytest.mark.parametrize("args", [[], ["build"], ["sources", "list"]])
def test_dash_h_is_help(cli, args):
    short, long = cli(*args, "-h"), cli(*args, "--help")
    assert short.exit_code == long.exit_code == 0
    assert short.stdout == long.stdout
    assert "-h, --help" in short.stdout


def test_package_is_typed_and_licensed():
    assert resources.files("treatydraft").joinpath("py.typed").is_file()
    dist = importlib.metadata.distribution("treatydraft")
    assert dist.metadata["License-Expression"] == "MIT"
    assert any(str(f).endswith("LICENSE") for f in dist.files or []), "LICENSE not installed"
