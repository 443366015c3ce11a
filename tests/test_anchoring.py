"""The anchored diff of long texts (:mod:`treatydraft.anchoring`): anchors, the diff it
joins from the engine's pieces, and the hook in :func:`treatydraft.diffing.diff`."""

from __future__ import annotations

import random
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treatydraft import anchoring, diffengine, diffing

# --------------------------------------------------------------------------- helpers


def rebuilt(counts: list[tuple[str, int]], a: str, b: str) -> tuple[str, str]:
    """Both sides rebuilt from ``counts``, checking that equal spans are equal and that
    the list is in canonical form (no empty entries, no neighbours of one kind)."""
    old, new = [], []
    i = j = 0
    for n, (kind, length) in enumerate(counts):
        assert length > 0, counts
        assert n == 0 or counts[n - 1][0] != kind, counts
        if kind == "=":
            assert a[i : i + length] == b[j : j + length]
            old.append(a[i : i + length])
            new.append(b[j : j + length])
            i, j = i + length, j + length
        elif kind == "-":
            old.append(a[i : i + length])
            i += length
        else:
            assert kind == "+"
            new.append(b[j : j + length])
            j += length
    return "".join(old), "".join(new)


def occurrences(s: str, run: str) -> int:
    """How many times ``run`` occurs in ``s``, overlapping occurrences included."""
    return sum(1 for i in range(len(s) - len(run) + 1) if s.startswith(run, i))


def edited(rng: random.Random, words: list[str], rate: float, vocab: list[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        r = rng.random()
        if r < rate / 2:
            out.append(rng.choice(vocab))  # replaced
        elif r < 3 * rate / 4:
            continue  # deleted
        elif r < rate:
            out += [w, rng.choice(vocab)]  # followed by an insertion
        else:
            out.append(w)
    return out


def long_pair(seed: int, n_words: int, rate: float, vocab_size: int) -> tuple[str, str]:
    """A text of paragraphs drawn (with repeats) from a small pool, and an edited copy with
    one paragraph moved: the shape of the benchmark's redline pair."""
    rng = random.Random(seed)
    vocab = [f"w{n}" for n in range(vocab_size)]
    pool = [[rng.choice(vocab) for _ in range(rng.randint(15, 60))] for _ in range(12)]
    old: list[list[str]] = []
    while sum(map(len, old)) < n_words:
        old.append(rng.choice(pool))
    new = [edited(rng, p, rate, vocab) for p in old]
    if len(new) > 3:
        new.insert(rng.randrange(len(new)), new.pop(rng.randrange(len(new) // 3)))
    return "\n\n".join(map(" ".join, old)), "\n\n".join(map(" ".join, new))


def encoded(old: str, new: str) -> tuple[str, str]:
    """One character per distinct token, as :mod:`treatydraft.diffing` encodes them."""
    codes: dict[str, str] = {}
    a, b = (
        "".join(codes.setdefault(t, chr(0xE000 + len(codes))) for t in diffing.tokenize(s))
        for s in (old, new)
    )
    return a, b


def engine_of(name: str) -> diffengine.Engine:
    if name not in diffengine.available():
        pytest.skip(f"the {name} diff engine is not installed here")
    return getattr(diffengine, name)


@pytest.fixture
def use_engine(monkeypatch):
    def use(engine) -> None:
        monkeypatch.setattr(diffengine, "_chosen", engine)

    return use


# --------------------------------------------------------------------------- anchors


def test_longest_increasing_keeps_the_longest_chain_in_order():
    pairs = [(0, 5), (1, 1), (2, 2), (3, 9), (4, 3), (5, 4), (6, 0)]
    assert anchoring.longest_increasing(pairs) == [(1, 1), (2, 2), (4, 3), (5, 4)]
    assert anchoring.longest_increasing([]) == []
    assert len(anchoring.longest_increasing([(0, 3), (1, 2), (2, 1)])) == 1


@given(st.lists(st.integers(0, 30), max_size=10, unique=True))
@settings(max_examples=200, deadline=None)
def test_longest_increasing_is_a_longest_increasing_subsequence(seconds):
    pairs = list(enumerate(seconds))
    chain = anchoring.longest_increasing(pairs)
    assert all(p in pairs for p in chain)
    assert [i for i, _ in chain] == sorted(i for i, _ in chain)
    assert all(x[1] < y[1] for x, y in zip(chain, chain[1:]))
    longest = max(
        (
            n
            for n in range(len(pairs) + 1)
            for sub in combinations(pairs, n)
            if all(x[1] < y[1] for x, y in zip(sub, sub[1:]))
        ),
        default=0,
    )
    assert len(chain) == longest


def test_unique_runs_are_unique_on_both_sides():
    a, b = "xabcyaz", "zayxbc"
    # x, y, z, b, c occur once in a; y, x, b, c, z once in b; a repeats in a
    assert anchoring.unique_runs(a, b, 1) == [(0, 3), (2, 4), (3, 5), (4, 2), (6, 0)]
    assert anchoring.unique_runs(a, b, 2) == [(2, 4)]  # "bc"
    assert anchoring.unique_runs("abab", "abab", 2) == [(1, 1)]  # "ab" twice, "ba" once
    assert anchoring.unique_runs("aaaa", "aaaa", 1) == []


@given(
    st.text(alphabet="abcd", max_size=30),
    st.text(alphabet="abcd", max_size=30),
    st.integers(1, 4),
    st.sampled_from(["", "a", "ab"]),
)
@settings(max_examples=300, deadline=None)
def test_unique_runs_finds_exactly_the_runs_found_once_on_each_side(a, b, k, skip):
    expected = sorted(
        (i, b.index(a[i : i + k]))
        for i in range(len(a) - k + 1)
        if (k == 1 or a[i] not in skip)
        and occurrences(a, a[i : i + k]) == 1
        and occurrences(b, a[i : i + k]) == 1
    )
    assert anchoring.unique_runs(a, b, k, skip) == expected


@given(st.text(alphabet="ab", max_size=40), st.text(alphabet="ab", max_size=40), st.data())
@settings(max_examples=300, deadline=None)
def test_common_counts_the_shared_start(a, b, data):
    i = data.draw(st.integers(0, len(a)))
    j = data.draw(st.integers(0, len(b)))
    n = 0
    while i + n < len(a) and j + n < len(b) and a[i + n] == b[j + n]:
        n += 1
    assert anchoring._common(a, i, b, j) == n


def test_blocks_grow_anchors_forwards_over_the_equal_run():
    # x, q, y and z are unique on both sides: "xqy" is one anchor (one stretch), grown
    # forwards over "ccc" here; "z" is not grown back over the "cc" before it
    a = "aaxqyccc" + "bz"
    b = "bbxqyccc" + "dz"
    assert anchoring.blocks(a, b) == [(2, 2, 6), (9, 9, 1)]


def test_an_edit_among_repeated_words_lands_where_the_engine_puts_it(monkeypatch):
    # "of protection age": the inserted word goes before the space, as the engine alone has
    # it; "age" is an anchor, and the gap before it holds another edit
    old = " ".join(f"w{n}" for n in range(1200)) + " of of alpha of age beta"
    new = old.replace("alpha of age", "gamma of protection age")
    anchored = diffing.diff(old, new)
    monkeypatch.setattr(anchoring, "THRESHOLD", 10**9)
    monkeypatch.setattr(diffing, "_ENGINE_RUNS", {})
    assert anchored == diffing.diff(old, new)
    assert [op.new for op in anchored.ops if op.kind == "insert"] == ["gamma", "protection "]


def test_blocks_use_longer_runs_when_no_character_is_unique():
    # every character repeats, but each pairing of paragraphs (p, q, r) occurs once
    p, q, r = "abc ", "def ", "ghi "
    a = p + q + r + p + r + q
    b = p + q + r + p + r + "x" + q
    assert not anchoring.unique_runs(a, b, 1)
    found = anchoring.blocks(a, b)
    assert found
    for (i, j, n), (i2, j2, _) in zip(found, found[1:]):
        assert i + n <= i2 and j + n <= j2
    for i, j, n in found:
        assert a[i : i + n] == b[j : j + n]


def test_a_moved_passage_does_not_pin_the_texts_apart():
    # "A.B.C." moved from the start to the end: three anchors (A, B, C) against two in the
    # rest ("|D" and "E#"), so the longest chain is the moved one; kept, it would force
    # deleting and re-inserting everything between
    def unique(start: int, n: int) -> str:
        return "".join(chr(start + m) for m in range(n))

    moved = ".".join(unique(0x100 + 0x10 * n, 10) for n in range(3)) + "."
    rest = "|" + unique(0x200, 100) + "." + unique(0x300, 100) + "#"
    a, b = moved + rest, rest + moved
    assert len(anchoring.longest_increasing(anchoring.unique_runs(a, b, 1))) > 100
    assert all(i >= len(moved) for i, _, _ in anchoring.blocks(a, b))


def test_without_jumps_drops_a_block_between_opposite_imbalances():
    # a before the block: 100 longer in a; after it: 100 longer in b
    assert anchoring.without_jumps([(100, 0, 10)], 210, 210) == []
    # same direction on both sides, or small imbalances: kept
    assert anchoring.without_jumps([(100, 0, 10)], 210, 10) == [(100, 0, 10)]
    assert anchoring.without_jumps([(5, 0, 10)], 15, 20) == [(5, 0, 10)]
    # a long block is worth its imbalance
    assert anchoring.without_jumps([(100, 0, 500)], 700, 700) == [(100, 0, 500)]


# --------------------------------------------------------------------------- the anchored diff


@given(st.text(alphabet="abcdefgh ", max_size=120), st.text(alphabet="abcdefgh ", max_size=120))
@settings(max_examples=300, deadline=None)
def test_anchored_diff_rebuilds_both_strings_with_small_thresholds(a, b):
    # small thresholds, so that splitting, recursion and jumps happen on short strings
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(anchoring, "THRESHOLD", 10)
        mp.setattr(anchoring, "SPLIT", 6)
        mp.setattr(anchoring, "JUMP", 2)
        counts, timed_out = anchoring.diff(a, b, 60.0, diffengine.engine())
    assert not timed_out
    assert rebuilt(counts, a, b) == (a, b)


@given(st.integers(0, 10**6), st.sampled_from([0.02, 0.1, 0.3]))
@settings(max_examples=20, deadline=None)
def test_long_texts_diff_exactly_through_the_anchors(seed, rate):
    old, new = long_pair(seed, 1200, rate, 150)
    result = diffing.diff(old, new, timeout=60.0)  # verifies the rebuild itself
    assert diffing.rebuild_old(result.ops) == old
    assert diffing.rebuild_new(result.ops) == new
    assert result.granularity == "word"


@given(st.integers(0, 10**6), st.sampled_from([0.02, 0.1]))
@settings(max_examples=15, deadline=None)
def test_both_engines_give_the_same_anchored_diff(seed, rate):
    fast, pure = engine_of("fast"), engine_of("pure")
    old, new = long_pair(seed, 1200, rate, 150)
    a, b = encoded(old, new)
    assert anchoring.needed(a, b)
    assert anchoring.diff(a, b, 60.0, fast) == anchoring.diff(a, b, 60.0, pure)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_both_engines_give_the_same_redline_of_a_long_text(seed, use_engine):
    engine_of("fast")
    old, new = long_pair(seed, 2500, 0.05, 400)
    results = {}
    for name in ("fast", "pure"):
        use_engine(getattr(diffengine, name))
        results[name] = diffing.diff(old, new, timeout=60.0)
    assert results["fast"] == results["pure"]


@pytest.mark.parametrize("seed, rate", [(1, 0.05), (2, 0.05), (3, 0.15), (4, 0.3)])
def test_anchored_redline_is_as_good_a_word_diff_as_the_engines(seed, rate, monkeypatch):
    """Same changed words within 2 %, and no large delete/insert blocks the engine alone
    would not make (a moved paragraph must not shift everything in between)."""
    old, new = long_pair(seed, 1500, rate, 400)
    anchored = diffing.diff(old, new, timeout=60.0)
    monkeypatch.setattr(anchoring, "THRESHOLD", 10**9)
    monkeypatch.setattr(diffing, "_ENGINE_RUNS", {})  # not the anchored run remembered
    plain = diffing.diff(old, new, timeout=60.0)
    changed, _ = diffing.word_stats(anchored.ops)
    changed_plain, _ = diffing.word_stats(plain.ops)
    assert changed <= changed_plain * 1.02 + 2

    def biggest(result: diffing.DiffResult) -> int:
        return max(len(op.old) + len(op.new) for op in result.ops if op.kind != "equal")

    assert biggest(anchored) <= max(biggest(plain) * 1.5, 200)


# --------------------------------------------------------------------------- the hook


def counting(calls: list[tuple[int, int]]):
    real = diffengine.engine()

    def engine(a: str, b: str, timeout: float):
        calls.append((len(a), len(b)))
        return real(a, b, timeout)

    return engine


def test_short_texts_go_straight_to_the_engine(monkeypatch, use_engine):
    calls: list[tuple[int, int]] = []
    use_engine(counting(calls))

    def refuse(*args):
        raise AssertionError("anchoring.diff called for a short text")

    monkeypatch.setattr(anchoring, "diff", refuse)
    old = "The Parties shall cooperate in good faith. " * 40
    new = old.replace("shall", "may", 3)
    result = diffing.diff(old, new)
    assert calls == [(len(diffing.tokenize(old)), len(diffing.tokenize(new)))]
    assert [op.new for op in result.ops if op.kind == "insert"] == ["may"] * 3


def test_long_texts_go_to_the_engine_in_pieces(use_engine):
    calls: list[tuple[int, int]] = []
    use_engine(counting(calls))
    old, new = long_pair(7, 2500, 0.05, 400)
    n_old, n_new = len(diffing.tokenize(old)), len(diffing.tokenize(new))
    assert n_old + n_new >= anchoring.THRESHOLD
    diffing.diff(old, new)
    assert len(calls) > 10
    assert all(x + y < (n_old + n_new) / 4 for x, y in calls)
    assert sum(x for x, _ in calls) < n_old


def test_time_limit_is_shared_by_the_pieces(monkeypatch, use_engine):
    """An engine that uses up all the time given: the first piece runs, the others do not,
    the diff reports the time-out, and diffing falls back to sentences as before."""
    clock = [0.0]
    monkeypatch.setattr(anchoring, "perf_counter", lambda: clock[0])
    real = diffengine.engine()
    calls: list[float] = []

    def slow(a: str, b: str, timeout: float):
        calls.append(timeout)
        clock[0] += timeout
        return real(a, b, 60.0)

    old, new = long_pair(8, 2500, 0.05, 400)
    a, b = encoded(old, new)
    counts, timed_out = anchoring.diff(a, b, 2.0, slow)
    assert timed_out
    assert calls == [2.0]
    assert rebuilt(counts, a, b) == (a, b)

    use_engine(slow)
    result = diffing.diff(old, new, timeout=2.0)
    assert result.approximate
    assert result.granularity == "sentence"
    assert diffing.rebuild_old(result.ops) == old and diffing.rebuild_new(result.ops) == new
