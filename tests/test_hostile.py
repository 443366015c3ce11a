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
    before = files_in(hostile_project)
    tracemalloc.start()
    start = time.process_time()  # CPU time: a loaded CI machine does not fail the budget
    result = cli("check", *case.get("args", []), "-C", hostile_project)
    elapsed = time.process_time() - start
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
    start = time.process_time()  # CPU time: a loaded machine does not fail the budget
    model = rl.pair(old, new)
    outputs = {
        fmt: rl.render(model, fmt) for fmt in ("term", "md", "html", "json", "docx")
    }  # each verified
    elapsed = time.process_time() - start
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


# ---- Signals (issue 12, item 2): a run ended by SIGTERM or SIGINT leaves no temporary
# file, and `check` takes its worker processes with it.

_WRITE_INTERRUPTED = """
import os, signal, sys
from treatydraft import cli, fsio
signal.signal(signal.SIGTERM, cli._on_terminate)
real = os.fsync
def fsync(fd):  # the signal arrives while the temporary file is being written
    os.kill(os.getpid(), getattr(signal, sys.argv[2]))
    real(fd)
os.fsync = fsync
fsio.write_atomic(sys.argv[1], b"x" * 100_000)
"""


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT"])
def test_signal_during_write_leaves_no_temp_file(tmp_path, signame):
    import subprocess
    import sys

    target = tmp_path / "out" / "draft.md"
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _WRITE_INTERRUPTED, str(target), signame],
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert list((tmp_path / "out").iterdir()) == [], "a temporary file was left behind"
    assert time.perf_counter() - start < 30


_SLOW_CHECK = """
import sys, time
from treatydraft import cli, provenance
real = provenance.check_clauses
def slow(*args, **kwargs):  # every worker busy for a minute
    time.sleep(60)
    return real(*args, **kwargs)
provenance.check_clauses = slow
sys.argv = ["treatydraft", "check", "-C", sys.argv[1]]
cli.main()
"""


def _children(pid: int) -> set[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return {int(c) for t in tasks for c in (t / "children").read_text().split()}
    except OSError:
        return set()


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_sigterm_to_check_ends_its_workers(tmp_path):
    import signal
    import subprocess
    import sys

    from treatydraft.parallel import cores

    if cores() < 2:
        pytest.skip("check runs in one process on one core")
    root = copy_project(FIXTURES / "mini", tmp_path / "p")
    for i in range(220):  # enough clause files for check to use worker processes
        (root / "clauses" / f"c{i}.yaml").write_text(
            f"id: c{i}\nparagraphs:\n  - text: T.\n    provenance: {{relation: new}}\n"
        )
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_CHECK, str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 2:
            workers = _children(proc.pid)
            time.sleep(0.2)
        assert workers, "check started no worker"
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.2)
        assert not any(_alive(w) for w in workers), "a worker outlived check"
        assert b"Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.skipif(
    not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() == 0,
    reason="root reads any folder (the scenarios message-unreadable-* simulate it instead)",
)
@pytest.mark.parametrize("folder", ["clauses", "sources"])
def test_unreadable_folder_for_real(tmp_path, cli, folder):
    root = copy_project(FIXTURES / "mini", tmp_path / "p")
    (root / folder).chmod(0)
    try:
        result = cli("check", "-C", root)
    finally:
        (root / folder).chmod(0o755)
    assert result.exit_code == 2, result.output
    assert f"{folder}/:1:1: error[io]: cannot read the folder: Permission denied" in result.stdout
