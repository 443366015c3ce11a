"""The HTML the tool writes is valid HTML5 for the Nu HTML checker (vnu): the built
draft.html, the redline and the correlation table, on the bundled project and on
fixtures. Skipped where vnu is absent (`.ci/run` installs it: npm vnu-jar, on java)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, copy_project


def _vnu_command() -> list[str] | None:
    jar = os.environ.get("VNU_JAR")
    if jar and Path(jar).is_file() and shutil.which("java"):
        return ["java", "-jar", jar]
    if shutil.which("vnu"):
        return ["vnu"]
    return None


VNU = _vnu_command()
# .ci/run installs vnu and sets TREATYDRAFT_REQUIRE_VNU=1: there a missing vnu is a failure
needs_vnu = pytest.mark.skipif(
    VNU is None and os.environ.get("TREATYDRAFT_REQUIRE_VNU") != "1",
    reason="vnu not installed (set VNU_JAR)",
)


def vnu_messages(files: list[Path]) -> list[str]:
    proc = subprocess.run(
        [*VNU, "--format", "json", "--also-check-css", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(proc.stderr or proc.stdout)
    return [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m['type']}: {m['message']}"
        for m in report["messages"]
        if m["type"] != "info" or m.get("subType") == "warning"
    ]


@pytest.fixture(scope="module")
def html_outputs(tmp_path_factory) -> list[Path]:
    from typer.testing import CliRunner

    from treatydraft.cli import app

    runner = CliRunner()
    base = tmp_path_factory.mktemp("html")
    files = []
    for name, src in (
        ("bundled", REPO),
        ("build-small", FIXTURES / "build-small"),
        ("build-awkward", FIXTURES / "build-awkward"),
    ):
        project = copy_project(src, base / name)
        result = runner.invoke(app, ["build", "--format", "html", "-C", str(project)])
        assert result.exit_code == 0, result.output
        files.append(project / "build" / "draft.html")
    small = copy_project(FIXTURES / "redline-small", base / "redline-small")
    for args, out in (
        (["redline", "--format", "html"], "redline.html"),
        (["table", "--format", "html"], "table.html"),
    ):
        target = base / f"{small.name}-{out}"
        result = runner.invoke(app, [*args, "--out", str(target), "-C", str(small)])
        assert result.exit_code in (0, 1), result.output
        assert target.is_file(), result.output
        files.append(target)
    bundled_table = base / "bundled-table.html"
    result = runner.invoke(
        app, ["table", "--format", "html", "--out", str(bundled_table), "-C", str(base / "bundled")]
    )
    assert bundled_table.is_file(), result.output
    files.append(bundled_table)
    return files


def test_ids_are_unique_in_every_html_output(html_outputs):
    """Without vnu too: before, ``preamble`` and ``testimonium`` were each used twice."""
    import re

    for path in html_outputs:
        ids = re.findall(r'\sid="([^"]*)"', path.read_text(encoding="utf-8"))
        assert ids or path.name != "draft.html", path
        assert len(ids) == len(set(ids)), (path, sorted(i for i in ids if ids.count(i) > 1))


@needs_vnu
def test_built_redline_and_table_html_are_valid(html_outputs):
    assert VNU is not None, "TREATYDRAFT_REQUIRE_VNU=1 but vnu is not installed (VNU_JAR)"
    messages = vnu_messages(html_outputs)
    assert messages == [], "\n".join(messages)
