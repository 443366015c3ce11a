"""The benchmark harness runs end to end on a tiny corpus (issue 8), so it cannot rot.

No timing assertions: only that every row is produced.  Peers that are not installed
(pandoc, PyYAML, redlines) are skipped by the harness with a note, so CI needs none of them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_bench_smoke(tmp_path: Path) -> None:
    out = tmp_path / "performance.md"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--smoke",
            "--workdir",
            str(tmp_path / "work"),
            "--out",
            str(out),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, NO_COLOR="1"),
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    for row in (
        "`check`",
        "`build --format docx`",
        "`redline`",
        "`treatydraft --help`",
        "peak memory",
        "`check` + `build` all formats",
        "`sources import`",
    ):
        assert row in text, row
    assert "| what | A | B | A median | B median | median ratio A/B |" in text
    for key in ("CPU", "cores", "Python", "date (UTC)"):
        assert f"| {key}" in text


def test_corpus_is_deterministic(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO))
    try:
        from bench import corpus
    finally:
        sys.path.remove(str(REPO))
    a = corpus.make_project(tmp_path / "a", 12, seed=3)
    b = corpus.make_project(tmp_path / "b", 12, seed=3)
    assert a == b
    files = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    assert files == sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file()
    )
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    from treatydraft import api

    result = api.check_path(tmp_path / "a")
    assert result.clauses == 12 and result.report.errors == 0, result.report.render("text")
    pair = corpus.make_pair(tmp_path / "pair", 400)
    assert pair["old_words"] >= 400
    assert (tmp_path / "pair" / "source.txt").read_text().count("\n\n") + 1 == pair["paragraphs"]


def test_diff_fast_paths_match_the_full_tokenizer() -> None:
    """The plain-text fast paths and the mark table (performance fixes) change no result."""
    import random
    import unicodedata

    from treatydraft import diffing

    full = diffing._ranges(
        cp for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)).startswith("M")
    )
    assert diffing.mark_class() == full
    points = diffing._scan_marks(diffing._MARK_PLANES)
    assert diffing._ranges(points) == full
    rnd = random.Random(8)
    alphabet = "ab Z9_ .,\n\t\u2019\u201c\u00e9\u0301\u200d\u200c\u4e00\u3099\uac00\u1100\u1161\u11a8\U0001d165\u00a0\u2013\u202f-\u2e80\u0410"
    for _ in range(5000):
        t = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))
        ref = diffing._token_re().findall(t)
        assert diffing.tokenize(t) == ref, t
        assert diffing._count_words(t) == sum(1 for tok in ref if diffing._HAS_WORD.search(tok)), t
