"""CI-facing conventions: check reports for GitHub and GitLab on a project in a subfolder,
the check JSON's schema tag, `--out -`, and colour control (FORCE_COLOR, NO_COLOR, TERM)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_project

from treatydraft import cli as cli_module


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with the project in the subfolder treaty/."""
    copy_project(FIXTURES / "mini", tmp_path / "repo" / "treaty")
    return tmp_path / "repo"


def test_gitlab_code_quality_paths_are_relative_to_the_repository(cli, repo, monkeypatch):
    monkeypatch.chdir(repo / "treaty")  # the job may run anywhere; the checkout folder counts
    monkeypatch.setenv("CI_PROJECT_DIR", str(repo))
    result = cli("check", "--format", "gitlab")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report, "the fixture has unpinned warnings"
    first = report[0]
    assert set(first) == {"description", "check_name", "fingerprint", "severity", "location"}
    assert first["location"] == {"path": "treaty/clauses/protection.yaml", "lines": {"begin": 6}}
    assert first["check_name"] == "unpinned" and first["severity"] == "minor"
    assert len({e["fingerprint"] for e in report}) == len(report)
    for entry in report:
        assert (repo / entry["location"]["path"]).is_file()


def test_gitlab_fingerprint_survives_moved_lines(cli, repo, monkeypatch):
    monkeypatch.chdir(repo)
    monkeypatch.delenv("CI_PROJECT_DIR", raising=False)
    before = json.loads(cli("check", "-C", "treaty", "--format", "gitlab").stdout)
    clause = repo / "treaty" / "clauses" / "protection.yaml"
    clause.write_text("# a comment moves every line\n" + clause.read_text("utf-8"), "utf-8")
    after = json.loads(cli("check", "-C", "treaty", "--format", "gitlab").stdout)
    lines_before = {e["fingerprint"]: e["location"]["lines"]["begin"] for e in before}
    lines_after = {e["fingerprint"]: e["location"]["lines"]["begin"] for e in after}
    assert lines_before.keys() == lines_after.keys()
    moved = [e["fingerprint"] for e in before if e["location"]["path"].endswith("protection.yaml")]
    assert moved and all(lines_after[f] == lines_before[f] + 1 for f in moved)


def test_github_annotations_name_files_from_the_repository_root(cli, repo, monkeypatch):
    monkeypatch.chdir(repo)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo))
    result = cli("check", "-C", "treaty", "--format", "github")
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("::warning file=treaty/clauses/") for line in lines)
    # text output keeps project-relative paths (compiler style, as the developer runs it)
    text = cli("check", "-C", "treaty")
    assert text.stdout.startswith("clauses/")


def test_project_outside_the_workspace_keeps_its_paths(cli, repo, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(repo)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(elsewhere))
    lines = cli("check", "-C", "treaty", "--format", "github").stdout.splitlines()
    assert lines and all(line.startswith("::warning file=clauses/") for line in lines)


def test_check_json_names_its_schema(cli, repo):
    report = json.loads(cli("check", "-C", repo / "treaty", "--format", "json").stdout)
    assert (report["schema"], report["version"]) == ("treatydraft-check", 1)
    assert list(report) == ["schema", "version", "diagnostics", "errors", "warnings"]
    assert set(report["diagnostics"][0]) == {"path", "line", "col", "severity", "code", "message"}


def test_check_format_choices_in_help_and_errors(cli):
    assert "text, json (docs/check-json.md), github" in cli("check", "--help").stdout
    bad = cli("check", "--format", "xml")
    assert bad.exit_code == 2
    assert bad.stderr == (
        "treatydraft: error: --format must be text, json, github or gitlab, not 'xml'\n"
    )


# --------------------------------------------------------------------------- --out -


SMALL = FIXTURES / "redline-small"


@pytest.mark.parametrize(
    "args, start",
    [
        (["redline", "--format", "md"], "# Redline of"),
        (["redline", "--format", "json"], "{"),
        (["table", "--format", "html"], "<!DOCTYPE html>"),
        (["table", "--format", "csv"], ""),
        (["export", "--format", "akn"], "<?xml"),
    ],
)
def test_out_dash_writes_text_formats_to_stdout(cli, tmp_path, monkeypatch, args, start):
    project = copy_project(SMALL, tmp_path / "p")
    monkeypatch.chdir(project)
    result = cli(*args, "--out", "-")
    assert result.exit_code in (0, 1), result.output
    assert result.stdout.startswith(start) and len(result.stdout) > 100
    assert not (project / "-").exists()
    assert "wrote" not in result.stdout


@pytest.mark.parametrize("command", ["redline", "table"])
def test_out_dash_refuses_docx(cli, tmp_path, monkeypatch, command):
    project = copy_project(SMALL, tmp_path / "p")
    monkeypatch.chdir(project)
    result = cli(command, "--format", "docx", "--out", "-")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "treatydraft: error: --format docx is binary; give --out FILE.docx, not -\n"
    )
    assert not (project / "-").exists()


# --------------------------------------------------------------------------- colour


class _Stream(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.mark.parametrize(
    "env, tty, expected",
    [
        ({}, True, True),
        ({}, False, False),
        ({"TERM": "dumb"}, True, False),
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": "1", "TERM": "dumb"}, False, True),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
        ({"FORCE_COLOR": ""}, False, False),
    ],
)
def test_colour_decision(monkeypatch, env, tty, expected):
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli_module._color(_Stream(tty)) is expected


def test_force_color_colours_the_terminal_redline_when_piped(cli, tmp_path, monkeypatch):
    project = copy_project(SMALL, tmp_path / "p")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = cli("redline", "cooperation", "-C", project).stdout
    assert "\x1b[31;9mCommission\x1b[0m" in coloured
    monkeypatch.delenv("FORCE_COLOR")
    assert "\x1b[" not in cli("redline", "cooperation", "-C", project).stdout


@pytest.mark.parametrize(
    "command, formats",
    [
        (["check"], ["text", "json", "github", "gitlab"]),
        (["build"], ["md", "html", "docx"]),
        (["redline"], ["term", "md", "html", "docx", "json"]),
        (["table"], ["md", "csv", "html", "docx"]),
        (["export"], ["akn"]),
    ],
)
def test_format_choices_are_listed_in_help(cli, command, formats):
    import re

    text = cli(*command, "--help").stdout
    section = text[text.index("--format") :]
    for fmt in formats:
        assert re.search(rf"\b{fmt}\b", section), (command, fmt)
