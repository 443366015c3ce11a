"""Hostile files for `sources import` (tests/hostile/import/MANIFEST.toml), case by case.

Each refused case: its exit code, exactly one `file:line:col: error[code]:` line, no
traceback, within its time and memory budget, nothing written, the secret file's text in
no output. Accepted cases import without reading what the file points at.
"""

from __future__ import annotations

import time
import tomllib
import tracemalloc
from pathlib import Path

import pytest

HOSTILE = Path(__file__).resolve().parent / "hostile" / "import"
MANIFEST = tomllib.loads((HOSTILE / "MANIFEST.toml").read_text(encoding="utf-8"))
SECRET = "TOP-SECRET-DELEGATION-TEXT"


def billion_laughs() -> bytes:
    ents = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE ACT [' + "".join(ents) + "]>\n"
        "<ACT><ENACTING.TERMS><ARTICLE><TI.ART>Article 1</TI.ART><ALINEA>&lol9;</ALINEA>"
        "</ARTICLE></ENACTING.TERMS></ACT>\n"
    ).encode()


def huge() -> bytes:
    return b"<ACT>" + b"<P>x</P>" * (3 * 1024 * 1024) + b"</ACT>"  # 24 MiB


def deep() -> bytes:
    return b"<ACT>" + b"<P>" * 100_000 + b"</P>" * 100_000 + b"</ACT>"


GENERATORS = {"billion_laughs": billion_laughs, "huge": huge, "deep": deep}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    from typer.testing import CliRunner

    from treatydraft.cli import app

    root = tmp_path_factory.mktemp("hostile-import") / "p"
    assert CliRunner().invoke(app, ["init", str(root)]).exit_code == 0
    return root


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_case(name, base, tmp_path, cli):
    import shutil

    case = MANIFEST[name]
    project = tmp_path / "p"
    shutil.copytree(base, project)
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    if "generate" in case:
        data, fname = GENERATORS[case["generate"]](), f"{case['generate']}.xml"
    else:
        data = (HOSTILE / case["file"]).read_bytes().replace(b"@SECRET@", str(secret).encode())
        fname = case["file"]
    target = tmp_path / fname
    target.write_bytes(data)
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    if "memory_mb" in case:
        tracemalloc.start()
    start = time.perf_counter()
    result = cli("sources", "import", target, "--id", "hostile", "-C", project)
    elapsed = time.perf_counter() - start
    if "memory_mb" in case:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert "Traceback" not in result.output
    assert SECRET not in result.output
    assert result.exit_code == case["exit"], result.output
    assert elapsed < case.get("budget_s", 1.0), f"{name} took {elapsed:.2f}s"
    if "memory_mb" in case:
        assert peak < case["memory_mb"] * 1024 * 1024, f"{name} allocated {peak / 2**20:.1f} MB"
    if case.get("accept"):
        written = (project / "sources" / "hostile.md").read_text(encoding="utf-8")
        assert SECRET not in written
        assert "Text." in written
        return
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{target}:{case['line']}:"), lines[0]
    assert f": error[{case['code']}]: " in lines[0], lines[0]
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before, (
        "a refused file must write nothing"
    )


def test_every_case_has_its_file():
    for name, case in MANIFEST.items():
        assert "generate" in case or (HOSTILE / case["file"]).is_file(), name
