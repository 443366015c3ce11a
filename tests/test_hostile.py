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


GENERATORS = {
    "billion_laughs": billion_laughs,
    "deep_nesting": deep_nesting,
    "huge_line": huge_line,
}


@pytest.fixture
def hostile_project(tmp_path):
    root = copy_project(FIXTURES / "mini", tmp_path / "p")
    cfg = root / "treatydraft.yml"
    cfg.write_text(cfg.read_text() + "checks:\n  unpinned: ignore\n  unused-clause: ignore\n")
    return root


CLAUSE_CASES = sorted(n for n, c in MANIFEST.items() if "file" in c or "generate" in c)
TEMPLATE_CASES = sorted(n for n, c in MANIFEST.items() if "template" in c)
REDLINE_CASES = sorted(n for n, c in MANIFEST.items() if "pair" in c or "generate_pair" in c)
SCENARIO_CASES = sorted(n for n, c in MANIFEST.items() if "scenario" in c)


def test_every_manifest_entry_is_run():
    assert sorted(CLAUSE_CASES + TEMPLATE_CASES + REDLINE_CASES + SCENARIO_CASES) == sorted(
        MANIFEST
    )


def test_every_class_of_issue_12_has_cases():
    assert {MANIFEST[n]["class"] for n in SCENARIO_CASES} == set(range(1, 8))


@pytest.mark.parametrize("name", CLAUSE_CASES)
def test_case(name, hostile_project, cli):
    case = MANIFEST[name]
    data = (
        GENERATORS[case["generate"]]()
        if "generate" in case
        else (HOSTILE / case["file"]).read_bytes()
    )
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
    assert sorted(p.name for p in hostile_project.rglob("*")) == before, (
        "a rejected input must create no file"
    )


@pytest.mark.parametrize("case", sorted(p.name for p in (HOSTILE / "text").glob("*.yaml")))
def test_text_case_builds_every_format(case, hostile_project, cli):
    """Odd characters in text are warnings for `check`, and never crash a renderer."""
    stem = case.removesuffix(".yaml")
    (hostile_project / "clauses" / case).write_bytes((HOSTILE / "text" / case).read_bytes())
    cfg = hostile_project / "treatydraft.yml"
    cfg.write_text(cfg.read_text().replace("outline:\n", f"outline:\n  - {stem}\n"))
    result = cli("build", "-C", hostile_project)
    assert result.exit_code == 0, result.output
    assert {p.name for p in (hostile_project / "build").iterdir()} == {
        "draft.md",
        "draft.html",
        "draft.docx",
    }


SECRET = "TOP-SECRET-DELEGATION-TEXT"


@pytest.mark.parametrize("name", TEMPLATE_CASES)
def test_template_case(name, tmp_path, cli):
    case = MANIFEST[name]
    root = copy_project(FIXTURES / "mini", tmp_path / "p")
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    templates = root / "templates"
    templates.mkdir()
    text = (HOSTILE / case["template"]).read_text().replace("@SECRET@", str(secret))
    (templates / "draft.md.j2").write_text(text)
    if "symlink" in case:
        (templates / case["symlink"]).symlink_to(secret)
    start = time.perf_counter()
    result = cli("build", "--format", "md", "-C", root)
    elapsed = time.perf_counter() - start
    assert "Traceback" not in result.output
    assert result.exit_code == case["exit"], result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        f"templates/draft.md.j2:{case['line']}:1: error[{case['code']}]: "
    ), lines[0]
    assert case["message"] in lines[0], lines[0]
    assert SECRET not in result.output
    assert not (root / "build").exists(), "a failed build writes nothing"
    assert elapsed < case.get("budget_s", 5.0), f"{name} took {elapsed:.2f}s"


def unrelated_200k() -> tuple[str, str]:
    import random

    def text(seed: int) -> str:
        rng = random.Random(seed)
        words = [rng.choice("abcdefghijklmnopqrstuvwxyz") * rng.randint(1, 9) for _ in range(3000)]
        out = []
        while sum(map(len, out)) < 200_000:
            out.append(" ".join(rng.choice(words) for _ in range(rng.randint(5, 25))) + ". ")
        return "".join(out)[:200_000]

    return text(1), text(2)


PAIR_GENERATORS = {"unrelated_200k": unrelated_200k}


@pytest.mark.parametrize("name", REDLINE_CASES)
def test_redline_case(name, tmp_path):
    import treatydraft.redline as rl
    from treatydraft.fsio import write_atomic

    case = MANIFEST[name]
    if "pair" in case:
        old = (HOSTILE / f"{case['pair']}.old.txt").read_text(encoding="utf-8")
        new = (HOSTILE / f"{case['pair']}.new.txt").read_text(encoding="utf-8")
    else:
        old, new = PAIR_GENERATORS[case["generate_pair"]]()
    start = time.perf_counter()
    model = rl.pair(old, new)
    outputs = {
        fmt: rl.render(model, fmt) for fmt in ("term", "md", "html", "json", "docx")
    }  # each verified
    elapsed = time.perf_counter() - start
    [item] = list(model.items())
    assert (item.old, item.new) == (old, new)
    for fmt in ("html", "json", "docx"):
        assert rl._module(fmt).extract(outputs[fmt]) == [(old, new)], fmt
    assert model.approximate is case["approximate"]
    if case["approximate"]:
        assert "approximate" in outputs["term"] and "approximate" in outputs["html"]
    kinds = [c.kind for c in item.changes]
    if "substantive" in case:
        assert sum(k in ("delete", "insert") for k in kinds) == case["substantive"], item.changes
    if "format_only" in case:
        assert kinds.count("format") == case["format_only"], item.changes
    assert elapsed < case.get("budget_s", 5.0), f"{name} took {elapsed:.2f}s"
    write_atomic(tmp_path / "r.docx", outputs["docx"])  # a real file LibreOffice could open


@pytest.mark.parametrize("name", SCENARIO_CASES)
def test_scenario(name, tmp_path, monkeypatch):
    """An issue-12 scenario: exit code, messages, and budgets of CPU time, memory and output."""
    import resource
    import subprocess
    import sys

    import hostile_scenarios
    from typer.testing import CliRunner

    from treatydraft.cli import app

    case = MANIFEST[name]
    root = copy_project(FIXTURES / "mini", tmp_path / "p")
    scenario = getattr(hostile_scenarios, case["scenario"])(root, monkeypatch)
    args = [str(a) for a in scenario.args]
    peak = 0
    if scenario.env is not None:  # a child process: its own streams and encoding
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(
            [sys.executable, "-m", "treatydraft", *args],
            env=scenario.env,
            capture_output=True,
            timeout=120,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        exit_code = proc.returncode
        output = (proc.stdout + proc.stderr).decode(scenario.env.get("PYTHONIOENCODING", "utf-8"))
    else:
        tracemalloc.start()
        start = time.process_time()
        result = CliRunner().invoke(app, args, catch_exceptions=False)
        cpu = time.process_time() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        exit_code = result.exit_code
        output = result.stdout + result.stderr
    monkeypatch.undo()
    assert "Traceback" not in output
    assert "error[internal]" not in output
    assert ".tmp" not in output, "a message names a temporary file"
    assert exit_code == case["exit"], output[-3000:]
    for text in case.get("expect", []):
        assert text in output, f"{text!r} not in {output[-3000:]!r}"
    for text in case.get("absent", []):
        assert text not in output, f"{text!r} in the output"
    if scenario.after is not None:
        scenario.after()
    assert cpu < case.get("budget_s", 5.0), f"{name} took {cpu:.2f}s of CPU"
    if "memory_mb" in case:
        assert peak < case["memory_mb"] * 2**20, f"{name} allocated {peak / 2**20:.1f} MB"
    size = len(output.encode("utf-8"))
    assert size < case.get("output_kb", 64) * 1024, f"{name} printed {size:,} bytes"
