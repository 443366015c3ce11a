"""Set-ups of the hostile scenarios in tests/hostile/MANIFEST.toml (issue 12).

Each function gets a fresh copy of tests/fixtures/mini (``root``) and pytest's
``monkeypatch``, prepares the hostile input and returns a :class:`Scenario`: the command
line, and optionally an ``after`` check of what must (not) have happened on disk.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Scenario:
    args: list
    env: dict | None = None  # set: run `python -m treatydraft` in a child process with it
    after: Callable[[], None] | None = None
    extra: dict = field(default_factory=dict)


def _clause(root: Path, cid: str, body: str) -> Path:
    path = root / "clauses" / f"{cid}.yaml"
    path.write_text(f"id: {cid}\n{body}", encoding="utf-8")
    return path


def _outline(root: Path, *ids: str, chapter: str | None = None) -> None:
    cfg = root / "treatydraft.yml"
    text = cfg.read_text(encoding="utf-8")
    if chapter is None:
        entries = "".join(f"  - {i}\n" for i in ids)
    else:
        entries = f"  - chapter: {chapter}\n    clauses: [{', '.join(ids)}]\n"
    cfg.write_text(text.replace("outline:\n", "outline:\n" + entries), encoding="utf-8")


def _quiet(root: Path) -> None:
    cfg = root / "treatydraft.yml"
    cfg.write_text(
        cfg.read_text() + "checks:\n  unpinned: ignore\n  unused-clause: ignore\n", encoding="utf-8"
    )


def _source(root: Path, sid: str, body: str) -> None:
    (root / "sources" / f"{sid}.md").write_text(
        f'---\nid: "{sid}"\ntitle: "T"\nshort: "S"\norigin: "test"\n---\n{body}', encoding="utf-8"
    )


def _unchanged(path: Path) -> Callable[[], None]:
    before = path.read_bytes() if path.exists() else None

    def check() -> None:
        assert (path.read_bytes() if path.exists() else None) == before, f"{path} changed"

    return check


def _no_temp_files(folder: Path) -> Callable[[], None]:
    def check() -> None:
        left = [p.name for p in folder.rglob("*.tmp")] if folder.exists() else []
        assert not left, left

    return check


# --------------------------------------------------------------------------- 1 linear costs


def ref_repeated(root, mp):
    _quiet(root)
    _clause(root, "refs", 'paragraphs:\n  - text: "' + "{{ref('x'," * 8_000 + '"\n')
    _outline(root, "refs")
    return Scenario(["check", "-C", root])


def heading_padded(root, mp):
    _source(root, "padded", "## Article 1\n\n### " + " " * 40_000 + "Heading\n\n1. Text.\n")
    return Scenario(["check", "-C", root])


def many_articles(root, mp):
    body = "".join(f"## Article {i}\n\n" for i in range(1, 40_001)) + "## Article 7\n"
    _source(root, "many", body)
    return Scenario(["check", "-C", root])


def too_many_points(root, mp):
    points = "".join(f"      - text: Point {i}.\n" for i in range(5_000))
    _clause(root, "pts", f"paragraphs:\n  - text: 'Chapeau:'\n    points:\n{points}")
    return Scenario(["check", "-C", root])


def long_point_list_builds_small(root, mp):
    points = "".join("      - text: P.\n        provenance: {relation: new}\n" for _ in range(702))
    _clause(root, "pts", f"title: Points\nparagraphs:\n  - text: 'Chapeau:'\n    points:\n{points}")
    _outline(root, "pts")

    def after():
        md = (root / "build" / "draft.md").read_text(encoding="utf-8")
        assert "(zz)" in md and "(aa)" in md and "(bbb)" not in md
        assert len(md) < 64 * 1024, len(md)

    return Scenario(["build", "--format", "md", "-C", root], after=after)


def _draft_pair(root: Path, n: int) -> Path:
    other = root.parent / "earlier"
    import shutil

    shutil.copytree(root, other)
    paras = "".join(
        f"  - text: Paragraph {i} of the earlier draft, about item {i}.\n"
        f"    provenance: {{relation: new}}\n"
        for i in range(n)
    )
    _clause(other, "long", f"title: Long\nparagraphs:\n{paras}")
    _outline(other, "long")
    paras = "".join(
        f"  - text: Paragraph {i} of the current draft, about item {i}.\n"
        f"    provenance: {{relation: new}}\n"
        for i in range(n)
    )
    _clause(root, "long", f"title: Long\nparagraphs:\n{paras}")
    _outline(root, "long")
    return other


def alignment_999_each_side(root, mp):
    other = _draft_pair(root, 999)
    return Scenario(["redline", "long", "--against", other, "--format", "json", "-C", root])


def check_budget_spent(root, mp):
    from treatydraft import provenance

    mp.setattr(provenance, "CHECK_BUDGET_S", 0.0)
    return Scenario(["check", "-C", root])


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def git_blob_300mb_is_not_read(root, mp):
    _git(root, "init", "-q")
    (root / "clauses" / "big.yaml").write_bytes(b"id: big\nnotes: " + b"x" * (40 * 2**20))
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "big")
    (root / "clauses" / "big.yaml").unlink()
    return Scenario(["redline", "--against", "HEAD", "-C", root])


# --------------------------------------------------------------------------- 2 never clobber


def out_dev_null(root, mp):
    def after():
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode), "/dev/null is no longer a device"

    return Scenario(["table", "--out", "/dev/null", "-C", root], after=after)


def out_fifo(root, mp):
    os.mkfifo(root / "pipe.md")
    return Scenario(["table", "--out", root / "pipe.md", "-C", root])


def out_symlink(root, mp):
    outside = root.parent / "outside.html"
    outside.write_text("theirs")
    (root / "link.html").symlink_to(outside)
    return Scenario(
        ["redline", "--format", "html", "--out", root / "link.html", "-C", root],
        after=_unchanged(outside),
    )


def out_clause(root, mp):
    target = root / "clauses" / "removal.yaml"
    return Scenario(["table", "--out", target, "-C", root], after=_unchanged(target))


def out_config(root, mp):
    target = root / "treatydraft.yml"
    return Scenario(
        ["export", "--format", "akn", "--out", target, "-C", root], after=_unchanged(target)
    )


def build_folder_symlink(root, mp):
    outside = root.parent / "elsewhere"
    outside.mkdir()
    (root / "build").symlink_to(outside)

    def after():
        assert not any(outside.iterdir()), "build wrote through the symbolic link"

    return Scenario(["build", "-C", root], after=after)


def build_output_fifo(root, mp):
    (root / "build").mkdir()
    os.mkfifo(root / "build" / "draft.md")
    return Scenario(["build", "-C", root])


# --------------------------------------------------------------------------- 3 visible text

# (square brackets are negotiation brackets in clause text: written \\] and \\[ for literals)
OSC8 = "\\e\\\\]8;;https://evil.example\\e\\\\click\\e\\\\]8;;\\e\\\\ \\e\\\\[2J\\0 hidden\\rshown"


def escapes_in_text_shown(root, mp):
    _clause(root, "esc", f'title: Esc\nparagraphs:\n  - text: "{OSC8}"\n')
    _outline(root, "esc")
    _quiet(root)
    return Scenario(["table", "--format", "csv", "-C", root])


def escapes_in_redline_shown(root, mp):
    _clause(
        root,
        "esc",
        f'title: Esc\nparagraphs:\n  - text: "{OSC8}"\n    provenance: {{relation: new}}\n',
    )
    _outline(root, "esc")
    return Scenario(["redline", "esc", "-C", root])


def lone_cr_in_clause_file(root, mp):
    (root / "clauses" / "cr.yaml").write_bytes(
        b"id: cr\nparagraphs:\n  - text: Shown.\r  - text: Hidden.\n"
    )
    return Scenario(["check", "-C", root])


def noncharacter_in_text(root, mp):
    _clause(root, "nc", 'title: NC\nparagraphs:\n  - text: "A \\uFFFE B"\n')
    _outline(root, "nc")
    _quiet(root)
    return Scenario(["check", "-C", root])


def noncharacter_stops_build(root, mp):
    noncharacter_in_text(root, mp)
    return Scenario(["build", "-C", root], after=lambda: _no_build(root))


def _no_build(root: Path) -> None:
    assert not (root / "build").exists(), "an output was written"


def bidi_in_title(root, mp):
    _clause(
        root,
        "bidi",
        'title: "Removal \\u202Eteg\\u202C"\nparagraphs:\n  - text: T.\n'
        "    provenance: {relation: new}\n",
    )
    _outline(root, "bidi")
    return Scenario(["check", "-C", root])


def bidi_in_chapter_name(root, mp):
    _quiet(root)
    cfg = root / "treatydraft.yml"
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(
        text.replace(
            "  - removal\n", '  - chapter: "General \\u202Eprovisions"\n    clauses: [removal]\n'
        ),
        encoding="utf-8",
    )
    return Scenario(["check", "-C", root])


def invisible_in_notes(root, mp):
    _quiet(root)
    _clause(
        root,
        "inv",
        'title: Inv\nnotes: "see\\u200Bhere"\nparagraphs:\n  - text: T.\n'
        "    provenance: {relation: new}\n",
    )
    _outline(root, "inv")
    return Scenario(["check", "-C", root])


# --------------------------------------------------------------------------- 4 CI and CSV


def github_forged_file_name(root, mp):
    _quiet(root)
    cid = "a,title=forged:b"
    (root / "clauses" / f"{cid}.yaml").write_text(
        f'id: "{cid}"\nparagraphs:\n  - text: "\\u202E"\n', encoding="utf-8"
    )
    return Scenario(["check", "--format", "github", "-C", root])


def csv_formula_cells(root, mp):
    _quiet(root)
    _clause(
        root,
        "formula",
        "title: F\nparagraphs:\n"
        '  - text: \'=HYPERLINK("https://evil.example","click")\'\n'
        "    provenance: {relation: new}\n"
        "  - text: '@SUM(1+1)'\n    provenance: {relation: new}\n",
    )
    _outline(root, "formula")
    return Scenario(["table", "--format", "csv", "-C", root])


# --------------------------------------------------------------------------- 5 no crash


def cr_only_line_ends_in_pin(root, mp):
    path = root / "clauses" / "removal.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    return Scenario(["pin", "-C", root], after=_unchanged(path))


def superscript_paragraph_number(root, mp):
    _quiet(root)
    _clause(root, "sup", "paragraphs:\n  - text: \"See {{ ref('removal', ²) }}.\"\n")
    _outline(root, "sup")
    return Scenario(["check", "-C", root])


def stdout_cp1252(root, mp):
    _quiet(root)
    _clause(
        root,
        "wide",
        "title: 中文 ⟨条约⟩\nparagraphs:\n  - text: 第一条 — ✓\n    provenance: {relation: new}\n",
    )
    _outline(root, "wide")
    env = dict(os.environ, PYTHONIOENCODING="cp1252", NO_COLOR="1")
    return Scenario(["table", "-C", root], env=env)


# --------------------------------------------------------------------------- 6 containment


def new_through_symlinked_clauses(root, mp):
    outside = root.parent / "their-clauses"
    outside.mkdir()
    import shutil

    shutil.rmtree(root / "clauses")
    (root / "clauses").symlink_to(outside)

    def after():
        assert not any(outside.iterdir()), "new wrote outside the project"

    return Scenario(["new", "x", "--from", "dir-2011-93-eu:25(1)", "-C", root], after=after)


def symlinked_config(root, mp):
    outside = root.parent / "their.yml"
    (root / "treatydraft.yml").rename(outside)
    (root / "treatydraft.yml").symlink_to(outside)
    return Scenario(["check", "-C", root])


def against_dir_without_project(root, mp):
    (root / "empty").mkdir()
    return Scenario(["redline", "--against", root / "empty", "-C", root])


# --------------------------------------------------------------------------- 7 messages


def _refuse_listing(mp, folder: Path) -> None:
    """Make ``folder`` unreadable (root ignores file modes, so the listing call fails)."""
    real_scandir, real_listdir = os.scandir, os.listdir

    def denied(path):
        if Path(path) == folder:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))

    def scandir(path="."):
        denied(path)
        return real_scandir(path)

    def listdir(path="."):
        denied(path)
        return real_listdir(path)

    mp.setattr(os, "scandir", scandir)
    mp.setattr(os, "listdir", listdir)


def unreadable_clauses(root, mp):
    _refuse_listing(mp, root / "clauses")
    return Scenario(["check", "-C", root])


def unreadable_sources(root, mp):
    _refuse_listing(mp, root / "sources")
    return Scenario(["check", "-C", root])


def full_disk(root, mp):
    from treatydraft import fsio

    real = fsio.os.fdopen

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.fh, name)

    mp.setattr(fsio.os, "fdopen", lambda fd, mode: Full(real(fd, mode)))
    return Scenario(["build", "--format", "md", "-C", root], after=_no_temp_files(root))


def read_only_output_folder(root, mp):
    import tempfile

    (root / "ro").mkdir()
    real = tempfile.mkstemp

    def mkstemp(*args, dir=None, **kwargs):
        if dir is not None and Path(dir) == root / "ro":
            name = Path(dir) / f"{kwargs.get('prefix', '')}abc{kwargs.get('suffix', '')}"
            raise PermissionError(errno.EACCES, "Permission denied", str(name))
        return real(*args, dir=dir, **kwargs)

    mp.setattr(tempfile, "mkstemp", mkstemp)
    return Scenario(["table", "--out", root / "ro" / "t.md", "-C", root])


def pin_over_several_lines(root, mp):
    path = root / "clauses" / "removal.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            '      at: "25(1)"   # the address\n',
            '      at: "25(1)"   # the address\n      pin: "sha256:0123\n        4567"\n',
        ),
        encoding="utf-8",
    )
    return Scenario(["pin", "-C", root], after=_unchanged(path))


def build_into_sources(root, mp):
    def after():
        assert sorted(p.name for p in (root / "sources").iterdir()) == [
            "dir-2011-93-eu.md",
            "un-crc.md",
        ]

    return Scenario(["build", "--out", root / "sources", "-C", root], after=after)


def noncharacter_stops_table(root, mp):
    noncharacter_in_text(root, mp)
    return Scenario(["table", "--format", "csv", "-C", root])


def noncharacter_stops_redline(root, mp):
    noncharacter_in_text(root, mp)
    return Scenario(["redline", "--format", "html", "--out", root / "r.html", "-C", root])
