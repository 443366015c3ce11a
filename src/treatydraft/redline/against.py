"""Redline against an earlier draft: a git revision or another project directory.

Clauses are matched by id; added, removed and renumbered articles are reported.
Inside a clause, paragraphs and points are aligned before the word diff: an
ordered alignment by token-set similarity first, then the leftovers of every
clause are paired by similarity across the whole draft, so a paragraph that moved
(inside its article or to another one) shows as a move with its word changes,
not as a deletion plus an insertion.

Texts are compared as assembled (``{{ ref() }}`` resolved with each draft's own
numbering), so a renumbering that changes a cross-reference shows in the text.

A git revision is read with ``git ls-tree`` and ``git cat-file --batch`` into a
temporary folder and loaded from there; the working tree is never touched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from ..assemble import _Numbers, _substitute
from ..errors import InputError, UsageError
from ..model import Clause, Project
from ..numbering import describe
from .compute import (
    DEFAULT_TIMEOUT,
    clause_heading,
    compare_texts,
    deletion,
    insertion,
    item_key,
    outline_clauses,
)
from .model import ClauseRedline, ItemRedline, Redline

#: ordered alignment: pairs at least this similar are the "same" paragraph
ALIGN_MIN = 0.5
#: leftovers at least this similar are a moved paragraph
MOVE_MIN = 0.6
_WORD = re.compile(r"\w+")


# --------------------------------------------------------------------------- loading the earlier draft


def resolve_against(project: Project, against: str) -> tuple[str, str]:
    """``(mode, value)``: ``("source", "source")``, ``("dir", path)`` or ``("git", rev)``."""
    if against == "source":
        return "source", "source"
    if not against.strip():
        from ..errors import UsageError

        raise UsageError("--against needs 'source', a git revision or a project directory")
    if Path(against).is_dir():
        return "dir", against
    return "git", against


def load_directory(path: str) -> Project:
    """The project in folder ``path`` itself (never one above it: a folder without its own
    ``treatydraft.yml`` is not an earlier draft)."""
    from ..loading.project import CONFIG, load_project

    if not (Path(path) / CONFIG).is_file():
        raise UsageError(
            f"{path} holds no {CONFIG}; --against DIR needs the folder of another drafting project"
        )
    return load_project(path, root=Path(path))


def _git(cwd: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, input=data, capture_output=True, env=env, timeout=120
        )
    except FileNotFoundError:
        raise UsageError(
            "git is not installed; --against REV needs git (or give a project directory)"
        ) from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git {args[0]} did not finish within 120 s") from None


def load_revision(project: Project, rev: str) -> Project:
    """The project as it was at git revision ``rev`` (works when it is a subfolder of the repository)."""
    from ..loading.project import CONFIG, load_project, read_config

    root = Path(project.root)
    top = _git(root, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise UsageError(
            f"{root} is not in a git repository; --against {rev} needs one (or give a project directory)"
        )
    top_dir = Path(top.stdout.decode("utf-8", "replace").strip())
    prefix = _git(root, "rev-parse", "--show-prefix").stdout.decode("utf-8", "replace").strip()
    commit = None
    if rev and not rev.startswith("-") and "\n" not in rev:
        ok = _git(
            top_dir, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"
        )
        if ok.returncode == 0:
            commit = ok.stdout.decode().strip()
    if commit is None:
        raise UsageError(f"revision '{rev}' does not exist in the git repository at {top_dir}")
    listing = _git(top_dir, "ls-tree", "-r", "-z", "--full-tree", commit)
    if listing.returncode != 0:
        raise UsageError(
            f"cannot list revision '{rev}': {listing.stderr.decode('utf-8', 'replace').strip()}"
        )
    blobs: dict[str, str] = {}
    for entry in listing.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, path_b = entry.partition(b"\t")
        mode, kind, sha = meta.decode().split(" ")
        path = path_b.decode("utf-8", "surrogateescape")
        if kind != "blob" or mode not in ("100644", "100755") or not path.startswith(prefix):
            continue
        blobs[path[len(prefix) :]] = sha
    if CONFIG not in blobs:
        where = f"{prefix}{CONFIG}"
        raise UsageError(f"revision '{rev}' has no {where}; it holds no treatydraft project there")
    _refuse_large(top_dir, rev, prefix, {CONFIG: blobs[CONFIG]})
    tmp = Path(tempfile.mkdtemp(prefix="treatydraft-rev-"))
    try:
        (tmp / CONFIG).write_bytes(_cat(top_dir, [blobs[CONFIG]])[0])
        cfg = read_config(tmp, [])
        src_dir = (
            PurePosixPath(str(cfg.get("sources") or "sources/").replace("\\", "/"))
            .as_posix()
            .strip("/")
        )
        src_dir = "" if src_dir == "." else src_dir
        wanted = []
        for rel in blobs:
            p = PurePosixPath(rel)
            if ".." in p.parts:
                continue
            in_sources = p.suffix == ".md" and p.parent.as_posix() == (src_dir or ".")
            in_clauses = p.suffix == ".yaml" and p.parts[0] == "clauses"
            if in_sources or in_clauses:
                wanted.append(rel)
        _refuse_large(top_dir, rev, prefix, {r: blobs[r] for r in wanted})
        for rel, data in zip(wanted, _cat(top_dir, [blobs[r] for r in wanted])):
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        try:
            other = load_project(tmp, root=tmp)
        except InputError as exc:
            raise InputError(
                [replace(d, path=f"{rev}:{prefix}{d.path}") for d in exc.diagnostics]
            ) from None
        return replace(other, root=f"{rev}:{prefix}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _refuse_large(top: Path, rev: str, prefix: str, blobs: dict[str, str]) -> None:
    """Ask git for the size of every blob about to be read (``cat-file --batch-check``) and
    refuse one over the size limit before any is read: a 300 MB blob in history must not
    cost 300 MB of memory."""
    from ..loading.yamlsafe import MAX_BYTES, _too_large

    names = list(blobs)
    if not names:
        return
    proc = _git(
        top, "cat-file", "--batch-check", data="".join(f"{blobs[r]}\n" for r in names).encode()
    )
    if proc.returncode != 0:
        raise UsageError(f"git cat-file failed: {proc.stderr.decode('utf-8', 'replace').strip()}")
    for rel, line in zip(names, proc.stdout.decode("ascii", "replace").splitlines()):
        parts = line.split(" ")
        size = int(parts[2]) if len(parts) == 3 and parts[2].isdigit() else 0
        if size > MAX_BYTES:
            raise _too_large(f"{rev}:{prefix}{rel}", size)


def _cat(top: Path, shas: Sequence[str]) -> list[bytes]:
    """Blob contents, in order, through one ``git cat-file --batch``."""
    if not shas:
        return []
    proc = _git(top, "cat-file", "--batch", data="".join(f"{s}\n" for s in shas).encode())
    if proc.returncode != 0:
        raise UsageError(f"git cat-file failed: {proc.stderr.decode('utf-8', 'replace').strip()}")
    out, buf, pos = [], proc.stdout, 0
    for _ in shas:
        nl = buf.index(b"\n", pos)
        header = buf[pos:nl].split(b" ")
        if len(header) < 3:
            raise UsageError(f"git cat-file: unexpected answer {buf[pos:nl]!r}")
        size = int(header[2])
        out.append(buf[nl + 1 : nl + 1 + size])
        pos = nl + 1 + size + 1
    return out


# --------------------------------------------------------------------------- alignment


@dataclass(frozen=True)
class _Entry:
    clause_id: str
    key: str
    where: str
    text: str
    words: frozenset


def _words(text: str) -> frozenset:
    return frozenset(_WORD.findall(unicodedata.normalize("NFC", text).casefold()))


def similarity(a: frozenset, b: frozenset) -> float:
    """Token-set (Jaccard) similarity of two word sets."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _entries(project: Project, clause: Clause, numbers) -> list[_Entry]:
    out = []
    for item in clause.walk():
        text = _substitute(item.text, numbers)
        out.append(
            _Entry(clause.id, item_key(item.key_path), describe(item.key_path), text, _words(text))
        )
    return out


#: the exact alignment fills an old × new table: above this many cells it is banded
ALIGN_CELLS = 250_000
#: half-width of the band around the diagonal (in paragraphs) when it is banded
ALIGN_BAND = 64
#: moves are sought among at most this many (old leftover, new leftover) pairs;
#: beyond it only unchanged paragraphs are paired as moves
MOVE_PAIRS = 250_000
APPROXIMATE_ALIGNMENT = (
    "approximate alignment: too many paragraphs to compare each with each, "
    f"so only those within {ALIGN_BAND} places of each other were paired"
)
APPROXIMATE_MOVES = (
    "approximate moves: too many added and removed paragraphs to compare each with each, "
    "so only unchanged paragraphs are shown as moves"
)


def align(old: Sequence[_Entry], new: Sequence[_Entry]) -> list[tuple[int | None, int | None]]:
    """Ordered alignment maximising total similarity (pairs below ``ALIGN_MIN`` are never made).

    Returns ``(old index, new index)`` steps in order; ``None`` on the side that has no partner.
    Identical leading and trailing items are paired first; when what remains would need more
    than ``ALIGN_CELLS`` comparisons, only a band of ``ALIGN_BAND`` items either side of the
    diagonal is searched, so time and memory stay linear in the number of items.
    """
    n, m = len(old), len(new)

    def same(a, b) -> bool:  # callers may align objects that only have ``words``
        text = getattr(a, "text", None)
        return text is not None and text == getattr(b, "text", None)

    head = 0
    while head < min(n, m) and same(old[head], new[head]):
        head += 1
    tail = 0
    while tail < min(n, m) - head and same(old[n - 1 - tail], new[m - 1 - tail]):
        tail += 1
    middle = _align_band(old[head : n - tail], new[head : m - tail])
    steps: list[tuple[int | None, int | None]] = [(k, k) for k in range(head)]
    steps += [(None if i is None else i + head, None if j is None else j + head) for i, j in middle]
    steps += [(n - tail + k, m - tail + k) for k in range(tail)]
    return steps


def _align_band(
    old: Sequence[_Entry], new: Sequence[_Entry]
) -> list[tuple[int | None, int | None]]:
    n, m = len(old), len(new)
    if not n or not m:
        return [(i, None) for i in range(n)] + [(None, j) for j in range(m)]
    band = max(n, m) if n * m <= ALIGN_CELLS else ALIGN_BAND
    # row i holds the cells lo[i] <= j <= hi[i]; consecutive rows overlap, so every cell
    # reaches the end through the band (the rows' widths sum to about m + 2 * band * n)
    centre = [i * m // n for i in range(n + 1)]
    lo = [max(0, centre[i] - band) for i in range(n)]
    hi = [min(m - 1, centre[i + 1] + band) for i in range(n)]
    sims: list[list[float]] = [[] for _ in range(n)]
    best: list[list[float]] = [[] for _ in range(n)]
    neg = float("-inf")

    def get(i: int, j: int) -> float:
        if i == n or j == m:
            return 0.0
        if lo[i] <= j <= hi[i]:
            return best[i][j - lo[i]]
        return neg

    for i in range(n - 1, -1, -1):
        words = old[i].words
        row_sim = [similarity(words, new[j].words) for j in range(lo[i], hi[i] + 1)]
        row = [0.0] * len(row_sim)
        for j in range(hi[i], lo[i] - 1, -1):
            k = j - lo[i]
            right = row[k + 1] if j < hi[i] else (0.0 if j + 1 == m else neg)
            b = max(get(i + 1, j), right)
            if row_sim[k] >= ALIGN_MIN:
                b = max(b, row_sim[k] + get(i + 1, j + 1))
            row[k] = b
        sims[i], best[i] = row_sim, row
    steps: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n and j < m:
        here = get(i, j)
        s = sims[i][j - lo[i]]
        if s >= ALIGN_MIN and abs(here - (s + get(i + 1, j + 1))) < 1e-12:
            steps.append((i, j))
            i += 1
            j += 1
        elif here == get(i + 1, j):
            steps.append((i, None))
            i += 1
        else:
            steps.append((None, j))
            j += 1
    steps.extend((k, None) for k in range(i, n))
    steps.extend((None, k) for k in range(j, m))
    return steps


def _article_name(number: int | None, clause: Clause) -> str:
    return (
        f"Article {number}" if number is not None else clause_heading(clause, None).split(" — ")[0]
    )


def against_draft(
    project: Project,
    other: Project,
    mode: str,
    label: str,
    clause_ids: Sequence[str] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> Redline:
    """The current draft against an earlier one (``other``)."""
    if clause_ids:
        unknown = [c for c in clause_ids if c not in project.clauses and c not in other.clauses]
        if unknown:
            raise UsageError(f"unknown clause '{unknown[0]}' (in neither draft)")
    new_nums, old_nums = _Numbers(project), _Numbers(other)
    new_clauses = outline_clauses(
        project, [c for c in clause_ids if c in project.clauses] if clause_ids else None
    )
    old_clauses = outline_clauses(
        other, [c for c in clause_ids if c in other.clauses] if clause_ids else None
    )
    old_by_id = {c.id: c for c in old_clauses}
    new_ids = {c.id for c in new_clauses}

    def num(nums, cid):
        return nums.articles.get(cid, (None, 0))[0]

    # pass 1: ordered alignment inside each clause
    plans: dict[str, list] = {}
    old_left: list[_Entry] = []
    new_left: list[_Entry] = []
    entries: dict[str, tuple[list[_Entry], list[_Entry]]] = {}
    for clause in new_clauses:
        o = _entries(other, old_by_id[clause.id], old_nums) if clause.id in old_by_id else []
        w = _entries(project, clause, new_nums)
        entries[clause.id] = (o, w)
        steps = align(o, w)
        plans[clause.id] = steps
        old_left += [o[i] for i, j in steps if j is None and i is not None]
        new_left += [w[j] for i, j in steps if i is None and j is not None]
    for clause in old_clauses:
        if clause.id not in new_ids:
            o = _entries(other, clause, old_nums)
            entries[clause.id] = (o, [])
            plans[clause.id] = [(i, None) for i in range(len(o))]
            old_left += o

    # pass 2: leftovers paired across the draft = moves
    candidates, capped = _move_candidates(old_left, new_left)
    moved_to: dict[tuple[str, str], _Entry] = {}
    moved_from: dict[tuple[str, str], _Entry] = {}
    used_old: set[int] = set()
    used_new: set[int] = set()
    for s, x, y in candidates:
        if s < MOVE_MIN:
            break
        if x in used_old or y in used_new:
            continue
        used_old.add(x)
        used_new.add(y)
        a, b = old_left[x], new_left[y]
        moved_to[(a.clause_id, a.key)] = b
        moved_from[(b.clause_id, b.key)] = a

    def place(entry: _Entry, nums, proj: Project, here: str) -> str:
        if entry.clause_id == here:
            return entry.where
        c = proj.clauses[entry.clause_id]
        return f"{_article_name(num(nums, entry.clause_id), c)}, {entry.where}"

    out: list[ClauseRedline] = []
    for clause in new_clauses:
        o, w = entries[clause.id]
        old_clause = old_by_id.get(clause.id)
        number, old_number = (
            num(new_nums, clause.id),
            (num(old_nums, clause.id) if old_clause else None),
        )
        items: list[ItemRedline] = []
        notes: list[str] = []
        if len(o) * len(w) > ALIGN_CELLS:
            notes.append(APPROXIMATE_ALIGNMENT)
        if capped and not out:
            notes.append(APPROXIMATE_MOVES)
        if old_clause is not None and (old_clause.title or "") != (clause.title or ""):
            items.append(
                ItemRedline(
                    "title",
                    "title",
                    "changed",
                    **compare_texts(old_clause.title or "", clause.title or "", timeout=timeout),
                )
            )
        for i, j in plans[clause.id]:
            if i is not None and j is not None:
                fields = compare_texts(o[i].text, w[j].text, timeout=timeout)
                status = "unchanged" if o[i].text == w[j].text else "changed"
                note = f"was {o[i].where}" if o[i].key != w[j].key else None
                items.append(ItemRedline(w[j].key, w[j].where, status, note=note, **fields))
            elif j is not None:
                src = moved_from.get((clause.id, w[j].key))
                if src is not None:
                    fields = compare_texts(src.text, w[j].text, timeout=timeout)
                    items.append(
                        ItemRedline(
                            w[j].key,
                            w[j].where,
                            "moved",
                            note=f"moved from {place(src, old_nums, other, clause.id)}",
                            **fields,
                        )
                    )
                else:
                    items.append(ItemRedline(w[j].key, w[j].where, "added", **insertion(w[j].text)))
            else:
                dst = moved_to.get((clause.id, o[i].key))
                if dst is not None:
                    notes.append(
                        f"{o[i].where} moved to {place(dst, new_nums, project, clause.id)}"
                    )
                else:
                    items.append(
                        ItemRedline(o[i].key, o[i].where, "removed", **deletion(o[i].text))
                    )
        if old_clause is not None:  # negotiation: brackets lifted, agreed, reopened (§12)
            from ..negotiation.changes import clause_changes

            notes += clause_changes(
                old_clause,
                clause,
                [
                    (o[i].key, w[j].key)
                    for i, j in plans[clause.id]
                    if i is not None and j is not None
                ],
                lambda it: item_key(it.key_path),
                lambda it: describe(it.key_path),
            )
        if old_clause is None:
            status = "added"
        elif any(it.status != "unchanged" for it in items) or notes:
            status = "changed"
        else:
            status = "unchanged"
        heading = clause_heading(clause, number)
        if old_clause is not None and old_number != number and old_number is not None:
            heading += f" (was Article {old_number})"
        elif old_clause is None:
            heading += " (added)"
        out.append(
            ClauseRedline(
                clause.id,
                clause.kind,
                number,
                heading,
                status,
                tuple(items),
                old_number=old_number,
                notes=tuple(notes),
            )
        )
    for clause in old_clauses:
        if clause.id in new_ids:
            continue
        o, _ = entries[clause.id]
        old_number = num(old_nums, clause.id)
        items, notes = [], []
        for entry in o:
            dst = moved_to.get((clause.id, entry.key))
            if dst is not None:
                notes.append(f"{entry.where} moved to {place(dst, new_nums, project, clause.id)}")
            else:
                items.append(ItemRedline(entry.key, entry.where, "removed", **deletion(entry.text)))
        heading = clause_heading(clause, old_number) + " (removed)"
        out.append(
            ClauseRedline(
                clause.id,
                clause.kind,
                None,
                heading,
                "removed",
                tuple(items),
                old_number=old_number,
                notes=tuple(notes),
            )
        )
    return Redline(project.title, mode, label, False, tuple(out))


def _move_candidates(
    old_left: Sequence[_Entry], new_left: Sequence[_Entry]
) -> tuple[list[tuple[float, int, int]], bool]:
    """``(similarity, old index, new index)`` of the leftovers that may be moves, best first;
    and whether there were too many pairs to compare (then only identical texts are paired)."""
    if len(old_left) * len(new_left) <= MOVE_PAIRS:
        found = [
            (s, x, y)
            for x, a in enumerate(old_left)
            for y, b in enumerate(new_left)
            if (s := similarity(a.words, b.words)) >= MOVE_MIN
        ]
        return sorted(found, key=lambda t: (-t[0], t[1], t[2])), False
    by_text: dict[str, list[int]] = {}
    for y, b in enumerate(new_left):
        by_text.setdefault(b.text, []).append(y)
    return [(1.0, x, y) for x, a in enumerate(old_left) for y in by_text.get(a.text, ())[:1]], True
