"""Anchored diff: split a long diff into short ones at runs both texts share exactly once.

diff-match-patch's Myers bisection costs O(N·D) (N the length, D the edit distance): a
15,000-word text with ~5 % of its words edited takes ~1.5 s in the pure-Python engine.
Before the engine runs, :func:`diff` pins the two encoded strings (one character per token,
as :mod:`treatydraft.diffing` encodes them) together at *anchors*, in the way of patience
diff:

* an anchor is a run of ``k`` characters that occurs exactly once in each string: ``k = 1``
  first (a word used once on each side), then longer runs, which are unique in a text built
  from repeated paragraphs even when no single word is (:data:`RUN_LENGTHS`);
* of the anchors, one per stretch along a diagonal, the longest chain in the same order on
  both sides is kept (a longest increasing subsequence), each grown over the equal run after
  it, and a block that pins two far-apart places together (a moved passage) is dropped
  again (:func:`without_jumps`);
* the engine, with its own semantic clean-up, diffs each gap between consecutive anchors (a
  long gap is split again, uniqueness counted inside it), all within the one time limit.

The clean-up is not run again over the joined result: each anchor is an equal run unique on
both sides, which is what a reader wants kept; and ``fast_diff_match_patch`` runs its
clean-up only inside a diff, so a second pass would be diff-match-patch's Python one: ~12 ms
on the benchmark pair, against ~20 ms for the compiled engine's whole diff of it (measured:
the same changed words either way).

Only inputs of at least :data:`THRESHOLD` characters (both sides together) are anchored;
shorter ones go to the engine unchanged, so a paragraph's diff is exactly the engine's.  The
result is the same whichever engine runs (the anchors are found here, in Python), and it is a
diff: it rebuilds both strings.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from time import perf_counter

Counts = list[tuple[str, int]]
#: ``(a, b, timeout) -> counts``, ``timeout`` > 0 seconds: a :mod:`treatydraft.diffengine` engine.
Engine = Callable[[str, str, float], Counts]

#: Both sides together, in characters (tokens): below this the engine runs on the whole
#: input.  About 1,000 words a side (a word and a space are two characters); a paragraph of
#: a treaty is far below it.
THRESHOLD = 4_000
#: A gap between anchors at least this long (both sides) is split again.
SPLIT = 2_000
#: Run lengths tried for anchors, in order, until one finds some.
RUN_LENGTHS = (1, 8, 32)
#: How many of the most common characters never start an anchor longer than one.
COMMON = 32
#: The smallest imbalance (in characters) that :func:`without_jumps` acts on.
JUMP = 32
#: How many times a gap may be split again.
MAX_DEPTH = 8


def unique_runs(
    a: str, b: str, k: int, skip: str = "", counts_a: Counter[str] | None = None
) -> list[tuple[int, int]]:
    """``(i, j)`` for every run ``a[i:i+k] == b[j:j+k]`` that occurs exactly once in ``a`` and
    exactly once in ``b``, sorted by ``i``; runs longer than one character that start with a
    character of ``skip`` are left out.  ``counts_a``: ``Counter(a)``, if already counted."""
    if k == 1:  # one character: counted in C, and looked up only for the few found once
        once_a = {c: a.index(c) for c, n in (counts_a or Counter(a)).items() if n == 1}
        once_b = {c: b.index(c) for c, n in Counter(b).items() if n == 1} if once_a else {}
    else:
        # every occurrence of a run starts with the same character, so counting only the
        # runs that start with some characters counts each of those exactly; in ``b`` only
        # those that start as one of the runs found once in ``a`` are wanted
        once_a = _once(a, k, f"[^{re.escape(skip)}]" if skip else ".")
        firsts = "".join({run[0]: None for run in once_a})
        once_b = _once(b, k, f"[{re.escape(firsts)}]") if firsts else {}
    return sorted((i, once_b[run]) for run, i in once_a.items() if run in once_b)


def _once(s: str, k: int, starts: str) -> dict[str, int]:
    """Run -> position, for the runs of length ``k`` that start with a character matched by
    the regular expression ``starts`` (a character class: found by ``re`` in C, faster than
    testing each character in Python) and occur exactly once in ``s``."""
    first: dict[str, int] = {}
    repeated: set[str] = set()
    for m in re.finditer(starts, s[: max(0, len(s) - k + 1)], re.DOTALL):
        i = m.start()
        run = s[i : i + k]
        if run in first:
            repeated.add(run)
        else:
            first[run] = i
    for run in repeated:
        del first[run]
    return first


def longest_increasing(pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of ``pairs`` (sorted by their first item, all distinct) whose
    second items strictly increase (one of them, when several are as long)."""
    tails: list[int] = []  # tails[n]: second item ending the best chain of length n + 1
    ends: list[int] = []  # ends[n]: index in pairs of that item
    back: list[int] = []  # back[m]: index of the item before pairs[m] in its chain
    for m, (_, j) in enumerate(pairs):
        n = bisect.bisect_left(tails, j)
        if n == len(tails):
            tails.append(j)
            ends.append(m)
        else:
            tails[n] = j
            ends[n] = m
        back.append(ends[n - 1] if n else -1)
    chain: list[tuple[int, int]] = []
    m = ends[-1] if ends else -1
    while m >= 0:
        chain.append(pairs[m])
        m = back[m]
    chain.reverse()
    return chain


def blocks(a: str, b: str) -> list[tuple[int, int, int]]:
    """Matched blocks ``(i, j, n)`` (``a[i:i+n] == b[j:j+n]``) pinning ``a`` to ``b``, in order
    on both sides and not overlapping: the ordered anchors of the first run length in
    :data:`RUN_LENGTHS` that finds any (none when no run is unique on both sides).

    Each anchor is grown forwards over the equal run after it, not backwards: the gap before
    it keeps its common tail, which the engine strips after the common head, so an edit among
    repeated words lands where one engine run over the whole text puts it (``of <ins>protection
    </ins>age``, not ``of<ins> protection</ins> age``)."""
    counts_a = Counter(a)
    # runs starting with one of the most common characters (a space, "the", a comma) are
    # seldom unique: not trying them makes the search of longer runs ~3x faster
    skip = "".join(c for c, _ in counts_a.most_common(min(COMMON, len(counts_a) // 2)))
    for k in RUN_LENGTHS:
        if k > min(len(a), len(b)):
            break
        found = unique_runs(a, b, k, skip, counts_a)
        # one anchor per stretch of unique runs along one diagonal: a long shared passage
        # (a moved paragraph, say) must not outweigh many short ones elsewhere
        runs = set(found)
        chain = longest_increasing([(i, j) for i, j in found if (i - 1, j - 1) not in runs])
        if not chain:
            continue
        out: list[tuple[int, int, int]] = []
        end_a = end_b = 0
        for i, j in chain:
            if i < end_a or j < end_b:  # inside the block before, grown over it
                continue
            n = k + _common(a, i + k, b, j + k)
            out.append((i, j, n))
            end_a, end_b = i + n, j + n
        return without_jumps(out, len(a), len(b))
    return []


def _common(a: str, i: int, b: str, j: int) -> int:
    """How many characters ``a[i:]`` and ``b[j:]`` have in common at their start, compared in
    doubling, then halving, slices."""
    limit = min(len(a) - i, len(b) - j)
    n = 1
    while n <= limit and a[i : i + n] == b[j : j + n]:
        n *= 2
    lo, hi = n // 2, min(n, limit + 1)  # lo in common; hi not, or past the end
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if a[i : i + mid] == b[j : j + mid] else (lo, mid)
    return lo


def without_jumps(
    found: Sequence[tuple[int, int, int]], len_a: int, len_b: int
) -> list[tuple[int, int, int]]:
    """``found`` without the blocks that pin two far-apart places together.

    A block ``(i, j, n)`` between gaps that are out of balance in opposite directions (``a``
    longer before it, ``b`` longer after it, or the reverse) forces at least ``2·m``
    deletions and insertions that dropping it would avoid, ``m`` being the smaller of the two
    imbalances, for at most ``n`` matched characters: such a block (typically a passage that
    moved, or a run that is unique on both sides by chance) is dropped when ``m`` exceeds
    both ``n`` and :data:`JUMP`, and the engine aligns the joined gap instead."""
    kept: list[tuple[int, int, int]] = []
    for block in [*found, (len_a, len_b, 0)]:
        while kept:
            i, j, n = kept[-1]
            pa, pb, pn = kept[-2] if len(kept) > 1 else (0, 0, 0)
            before = (i - pa - pn) - (j - pb - pn)
            after = (block[0] - i - n) - (block[1] - j - n)
            if before * after < 0 and min(abs(before), abs(after)) > max(n, JUMP):
                kept.pop()
            else:
                break
        kept.append(block)
    return kept[:-1]


def _regions(
    a: str, b: str, lo_a: int, hi_a: int, lo_b: int, hi_b: int, depth: int
) -> Iterator[tuple[bool, int, int, int, int]]:
    """``(equal, lo_a, hi_a, lo_b, hi_b)`` spans covering both ranges in order: equal spans
    (anchors) and gaps left for the engine."""
    found = (
        blocks(a[lo_a:hi_a], b[lo_b:hi_b])
        if depth < MAX_DEPTH and (hi_a - lo_a) + (hi_b - lo_b) >= (SPLIT if depth else THRESHOLD)
        else []
    )
    if not found:
        yield False, lo_a, hi_a, lo_b, hi_b
        return
    i, j = lo_a, lo_b
    for bi, bj, n in found:
        if (lo_a + bi, lo_b + bj) != (i, j):
            yield from _regions(a, b, i, lo_a + bi, j, lo_b + bj, depth + 1)
        i, j = lo_a + bi + n, lo_b + bj + n
        yield True, i - n, i, j - n, j
    if (i, j) != (hi_a, hi_b):
        yield from _regions(a, b, i, hi_a, j, hi_b, depth + 1)


def needed(a: str, b: str) -> bool:
    """Whether :func:`diff` would anchor this input (else it is one engine run)."""
    return len(a) + len(b) >= THRESHOLD


def diff(a: str, b: str, timeout: float, engine: Engine) -> tuple[Counts, bool]:
    """Diff ``a`` against ``b`` as ``[(kind, length), ...]`` (``kind`` ``=``, ``-`` or ``+``,
    neighbours of one kind merged) by running ``engine`` on the gaps between anchors; and
    whether the time limit (``timeout`` seconds, shared by all the runs) was reached, in which
    case the result is still a diff of ``a`` and ``b``, but a rough one."""
    deadline = perf_counter() + timeout
    counts: Counts = []
    timed_out = False
    for equal, lo_a, hi_a, lo_b, hi_b in _regions(a, b, 0, len(a), 0, len(b), 0):
        if equal:
            pieces: Counts = [("=", hi_a - lo_a)]
        elif (left := deadline - perf_counter()) > 0:
            pieces = engine(a[lo_a:hi_a], b[lo_b:hi_b], left)
        else:  # not run: both engines read a limit of 0 as "no limit"
            timed_out = True
            pieces = [("-", hi_a - lo_a), ("+", hi_b - lo_b)]
        for kind, n in pieces:
            if counts and counts[-1][0] == kind:
                counts[-1] = (kind, counts[-1][1] + n)
            elif n:
                counts.append((kind, n))
    return counts, timed_out or perf_counter() >= deadline
