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


def deep_brackets() -> bytes:
    return (
        b"id: deep_brackets\nparagraphs:\n  - text: 'a "
        + b"[" * 100_000
        + b"x"
        + b"]" * 100_000
        + b"'\n"
    )


def many_options() -> bytes:
    return b"id: many_options\nparagraphs:\n  - text: 'a " + b"[x]" * 200_000 + b"'\n"


GENERATORS = {
    "deep_brackets": deep_brackets,
    "many_options": many_options,
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


def files_in(project: Path) -> list[str]:
    """The project's files, without the check cache (the tool's own state, not an output)."""
    return sorted(p.name for p in project.rglob("*") if ".treatydraft_cache" not in p.parts)


CLAUSE_CASES = sorted(n for n, c in MANIFEST.items() if "file" in c or "generate" in c)
TEMPLATE_CASES = sorted(n for n, c in MANIFEST.items() if "template" in c)
REDLINE_CASES = sorted(n for n, c in MANIFEST.items() if "pair" in c or "generate_pair" in c)


def test_every_manifest_entry_is_run():
    assert sorted(CLAUSE_CASES + TEMPLATE_CASES + REDLINE_CASES) == sorted(MANIFEST)


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
    before = files_in(hostile_project)
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
    assert files_in(hostile_project) == before, "a rejected input must create no file"


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
