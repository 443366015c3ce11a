"""Issue 12, item 1: every cost linear in the input (or capped), compared at n and 10 n.

Not timed against the clock: each test measures the same work at size n and 10 n and
compares the two (an operation count, an output size, allocated memory, or CPU time
where nothing else can be counted). Linear work grows about 10×; quadratic work 100×.
"""

from __future__ import annotations

import subprocess
import time
import tracemalloc

import pytest

from treatydraft.assemble import _Numbers, _substitute
from treatydraft.errors import InputError
from treatydraft.loading.sources import parse_body
from treatydraft.numbering import letter, roman
from treatydraft.redline import against

#: the largest ratio accepted between the costs at 10 n and n (linear ≈ 10, quadratic ≈ 100)
LINEAR = 30


def cpu(fn, *args) -> float:
    """The least CPU time of three runs of ``fn(*args)`` (the least is the least noisy)."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        fn(*args)
        best = min(best, time.process_time() - start)
    return max(best, 1e-6)


def ratio(fn, make, n: int) -> float:
    return cpu(fn, make(10 * n)) / cpu(fn, make(n))


class _NoArticles(_Numbers):
    def __init__(self):
        self.articles = {}


def test_cross_reference_pattern_is_linear():
    def run(text):
        problems: list[str] = []
        _substitute(text, _NoArticles(), problems)
        assert problems  # each malformed reference is reported

    assert ratio(run, lambda n: "{{ref('x'," * n, 5_000) < LINEAR


def test_padded_source_heading_is_linear():
    def make(n):
        return "## Article 1\n\n### " + " " * n + "Heading" + " " * n + "\n\n1. Text.\n"

    def run(body):
        [article], _ = parse_body(body, "sources/s.md", 1)
        assert article.heading == "Heading"

    assert ratio(run, make, 4_000) < LINEAR


def test_many_articles_duplicate_check_is_linear():
    def make(n):
        return "".join(f"## Article {i}\n\n1. Text {i}.\n\n" for i in range(1, n + 1))

    def run(body):
        articles, _ = parse_body(body, "sources/s.md", 1)
        assert len(articles) > 1

    assert ratio(run, make, 4_000) < LINEAR


def test_duplicate_article_is_still_found():
    body = "## Article 1\n\n1. A.\n\n## Article 2\n\n## Article 1\n"
    with pytest.raises(InputError) as exc:
        parse_body(body, "sources/s.md", 1)
    assert "Article 1 appears twice" in str(exc.value)


def test_many_points_in_an_article_is_linear():
    def make(n):
        return "## Article 1\n\n" + "".join(f"({letter(i)}) Point.\n\n" for i in range(1, n + 1))

    def run(body):
        [article], _ = parse_body(body, "sources/s.md", 1)
        assert len(article.children) > 1

    assert ratio(run, make, 3_000) < LINEAR


def test_point_labels_do_not_grow_with_the_index():
    """(a)…(z), (aa), (ab)…(az), (ba)…(zz), (aaa): the labels' total length is n log n."""
    assert [letter(i) for i in (1, 26, 27, 28, 52, 53, 702, 703)] == [
        "a", "z", "aa", "ab", "az", "ba", "zz", "aaa",
    ]  # fmt: skip
    assert len({letter(i) for i in range(1, 20_000)}) == 19_999  # every label distinct
    size = [sum(len(letter(i)) for i in range(1, n + 1)) for n in (17_000, 170_000)]
    assert size[1] / size[0] < 15  # the old aa, bbb, cccc scheme: about 100
    assert len(roman(40_000)) == 5  # past 3,999: decimal, not forty m's


def _entries(n: int, seed: str):
    # paragraphs with distinct words, so no two are alike across the halves
    return [
        against._Entry(
            "c", f"p{i}", f"paragraph {i}", t := f"{seed} w{i} x{i} y{i}", against._words(t)
        )
        for i in range(n)
    ]


def _counting(monkeypatch):
    calls = [0]
    real = against.similarity

    def counted(a, b):
        calls[0] += 1
        return real(a, b)

    monkeypatch.setattr(against, "similarity", counted)
    return calls


def test_paragraph_alignment_is_linear_in_time_and_memory(monkeypatch):
    calls = _counting(monkeypatch)
    cost, memory = [], []
    for n in (600, 6_000):  # 600 × 600 is past ALIGN_CELLS already: both are banded
        old = _entries(n, "same")
        new = [
            against._Entry(e.clause_id, e.key, e.where, e.text + " z", e.words | {"z"}) for e in old
        ]  # every paragraph edited: no identical head or tail to strip
        calls[0] = 0
        tracemalloc.start()
        steps = against.align(old, new)
        memory.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        cost.append(calls[0])
        assert steps == [(i, i) for i in range(n)]
    assert cost[1] / cost[0] < 12, cost
    assert memory[1] / memory[0] < 15, memory


def test_small_alignments_stay_exact():
    """Below the cap, the full table is searched: a paragraph moved far is still paired."""
    old = _entries(40, "a")
    new = old[1:] + old[:1]
    assert (0, 39) not in against.align(old, new)  # ordered alignment: the move is a leftover
    assert sum(1 for i, j in against.align(old, new) if i is not None and j is not None) == 39


def test_move_search_is_capped(monkeypatch):
    calls = _counting(monkeypatch)
    cost = []
    for n in (600, 6_000):  # 600 × 600 pairs is past MOVE_PAIRS
        calls[0] = 0
        old, new = _entries(n, "old"), _entries(n, "new")
        found, capped = against._move_candidates(old, new + old[:1])
        assert capped and found == [(1.0, 0, n)]  # the identical paragraph is still a move
        cost.append(calls[0])
    assert cost == [0, 0]
    small, capped = against._move_candidates(_entries(10, "a"), _entries(10, "a"))
    assert not capped and len(small) == 10


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_large_git_blob_is_refused_before_it_is_read(tmp_path):
    """The blob's size is asked of git first: reading 30 MB costs no more than 3 MB."""
    from conftest import FIXTURES, copy_project

    from treatydraft.loading.project import load_project

    root = copy_project(FIXTURES / "mini", tmp_path / "p")
    _git(root, "init", "-q")
    _git(
        root,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "0",
    )
    peaks = []
    for size in (3, 30):  # MB
        (root / "clauses" / "big.yaml").write_bytes(b"id: big\nnotes: " + b"x" * size * 2**20)
        _git(root, "add", "-A")
        _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", str(size))
        (root / "clauses" / "big.yaml").unlink()
        current = load_project(root)
        tracemalloc.start()
        with pytest.raises(InputError) as exc:
            against.load_revision(current, "HEAD")
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        [d] = exc.value.diagnostics
        assert (d.path, d.code) == ("HEAD:clauses/big.yaml", "file-too-large")
        _git(root, "add", "-A")
        _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "rm")
    # the same at 3 MB and 30 MB, and less than the smaller blob: neither was read
    assert peaks[1] < 1.5 * peaks[0] and peaks[1] < 3 * 2**20, peaks


def test_point_count_is_capped_with_a_clear_error(mini, cli):
    points = "".join(f"      - text: Point {i}.\n" for i in range(703))
    (mini / "clauses" / "many.yaml").write_text(
        f"id: many\nparagraphs:\n  - text: 'Chapeau:'\n    points:\n{points}"
    )
    result = cli("check", "-C", mini)
    assert result.exit_code == 2, result.output
    assert (
        "clauses/many.yaml:5:7: error[schema]: 703 points in one list; the limit is 702, "
        "(a) to (zz)" in result.stdout
    )


def test_check_has_a_whole_run_budget(treaty, cli, monkeypatch):
    from treatydraft import provenance

    monkeypatch.setattr(provenance, "CHECK_BUDGET_S", 0.0)
    result = cli("check", "-C", treaty)
    assert result.exit_code == 1, result.output
    [line] = [ln for ln in result.stdout.splitlines() if "check-budget" in ln]
    assert line.startswith("treatydraft.yml:1:1: error[check-budget]: ")
    assert "derived paragraph(s) were not compared: the check's time budget of 0 s" in line
    monkeypatch.setattr(provenance, "CHECK_BUDGET_S", 60.0)
    assert "check-budget" not in cli("check", "-C", treaty).stdout


def test_check_run_cost_is_capped_by_its_budget(mini, monkeypatch):
    """Counted, not timed: on a clock that advances one second per comparison, a 10 s budget
    makes about ten comparisons whether the project has 20 adapted paragraphs or 200."""
    from treatydraft import provenance
    from treatydraft.loading.project import load_project

    clock = [0.0]
    calls = [0]
    real = provenance.TextComparison.finding

    def compare(self, *args, **kwargs):
        calls[0] += 1
        clock[0] += 1.0
        return real(self, *args, **kwargs)

    monkeypatch.setattr(provenance.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(provenance.TextComparison, "finding", compare)
    monkeypatch.setattr(provenance, "CHECK_BUDGET_S", 10.0)
    text = (mini / "clauses" / "removal.yaml").read_text().split("  - text: 'States")[1]
    paragraph = "  - text: 'States" + text
    cost = []
    for n in (20, 200):
        (mini / "clauses" / "many.yaml").write_text("id: many\nparagraphs:\n" + paragraph * n)
        project = load_project(mini)
        clock[0], calls[0] = 0.0, 0
        found = provenance.check_project(project)
        [spent] = [d for d in found if d.code == "check-budget"]
        derived = sum(
            1
            for c in project.clauses.values()
            for it in c.walk()
            if it.provenance and it.provenance.relation in ("verbatim", "adapted")
        )
        assert spent.message.startswith(f"{derived - calls[0]:,} derived paragraph(s)")
        cost.append(calls[0])
    assert cost[0] == cost[1] == 10, cost
