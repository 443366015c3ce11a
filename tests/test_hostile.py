"""The hostile-input corpus (tests/hostile/MANIFEST.toml), run case by case.

Every case must end with its exit code and exactly one `path:line:col: severity[code]:`
line naming the case file, no traceback, within its time and memory budget.
"""

from __future__ import annotations

import time
import tomllib
import tracemalloc
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_project

HOSTILE = Path(__file__).resolve().parent / "hostile"
MANIFEST = tomllib.loads((HOSTILE / "MANIFEST.toml").read_text(encoding="utf-8"))


def billion_laughs() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghi"
    for prev, name in zip(names, names[1:]):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def deep_nesting() -> bytes:
    return b"id: deep\nparagraphs: " + b"[" * 10_000 + b"\n"


def huge_line() -> bytes:
    return b"id: huge\nnotes: " + b"x" * (20 * 1024 * 1024) + b"\n"


GENERATORS = {"billion_laughs": billion_laughs, "deep_nesting": deep_nesting, "huge_line": huge_line}


@pytest.fixture
def hostile_project(tmp_path):
    root = copy_project(FIXTURES / "mini", tmp_path / "p")
    cfg = root / "treatydraft.yml"
    cfg.write_text(cfg.read_text() + "checks:\n  unpinned: ignore\n  unused-clause: ignore\n")
    return root


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_case(name, hostile_project, cli):
    case = MANIFEST[name]
    data = GENERATORS[case["generate"]]() if "generate" in case else (HOSTILE / case["file"]).read_bytes()
    stem = Path(case["file"]).stem if "file" in case else case["generate"]
    target = hostile_project / "clauses" / f"{stem}.yaml"
    target.write_bytes(data)
    before = sorted(p.name for p in hostile_project.rglob("*"))
    tracemalloc.start()
    start = time.perf_counter()
    result = cli("check", *case.get("args", []), "-C", hostile_project)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "Traceback" not in result.output
    assert result.exit_code == case["exit"], result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1, lines
    severity = case.get("severity", "error")
    prefix = f"clauses/{stem}.yaml:{case['line']}:"
    assert lines[0].startswith(prefix), lines[0]
    assert f": {severity}[{case['code']}]: " in lines[0], lines[0]
    assert elapsed < case.get("budget_s", 5.0), f"{name} took {elapsed:.2f}s"
    if "memory_mb" in case:
        # the whole CLI run, file read included, stays under the budget
        assert peak < case["memory_mb"] * 1024 * 1024, f"{name} allocated {peak / 2**20:.1f} MB"
    assert sorted(p.name for p in hostile_project.rglob("*")) == before, "a rejected input must create no file"


@pytest.mark.parametrize("case", sorted(p.name for p in (HOSTILE / "text").glob("*.yaml")))
def test_text_case_builds_every_format(case, hostile_project, cli):
    """Odd characters in text are warnings for `check`, and never crash a renderer."""
    stem = case.removesuffix(".yaml")
    (hostile_project / "clauses" / case).write_bytes((HOSTILE / "text" / case).read_bytes())
    cfg = hostile_project / "treatydraft.yml"
    cfg.write_text(cfg.read_text().replace("outline:\n", f"outline:\n  - {stem}\n"))
    result = cli("build", "-C", hostile_project)
    assert result.exit_code == 0, result.output
    assert {p.name for p in (hostile_project / "build").iterdir()} == {"draft.md", "draft.html", "draft.docx"}
