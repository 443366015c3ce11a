"""Tests for the pure diff core."""

from __future__ import annotations

import random
import re
import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treatydraft.diffing import (
    DiffResult,
    Op,
    RedlineIntegrityError,
    coalesce,
    diff,
    rebuild_new,
    rebuild_old,
    tokenize,
    verify,
    word_stats,
)

NBSP = "\u00a0"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def kinds(result: DiffResult) -> list[str]:
    return [op.kind for op in result.ops]


def boundaries(parts: list[str]) -> set[int]:
    out, pos = {0}, 0
    for part in parts:
        pos += len(part)
        out.add(pos)
    return out


# --- tokenize --------------------------------------------------------------


def test_tokenize_words_spaces_punctuation() -> None:
    assert tokenize("Art. 25(1), the Member  States’") == [
        "Art",
        ".",
        " ",
        "25",
        "(",
        "1",
        ")",
        ",",
        " ",
        "the",
        " ",
        "Member",
        "  ",
        "States",
        "’",
    ]


def test_tokenize_cjk_per_character() -> None:
    assert tokenize("缔约国 ひらがな カタカナ 당사국") == [
        "缔",
        "约",
        "国",
        " ",
        "ひ",
        "ら",
        "が",
        "な",
        " ",
        "カ",
        "タ",
        "カ",
        "ナ",
        " ",
        "당",
        "사",
        "국",
    ]


def test_tokenize_keeps_combining_marks_with_their_base() -> None:
    arabic = "بِسْمِ اللَّهِ الرَّحْمَٰنِ"
    assert tokenize(arabic) == ["بِسْمِ", " ", "اللَّهِ", " ", "الرَّحْمَٰنِ"]
    assert tokenize(nfd("café naïve")) == [nfd("café"), " ", nfd("naïve")]
    assert tokenize(nfd("が한")) == [nfd("が"), nfd("한")]
    assert tokenize("می\u200cخواهم") == ["می\u200cخواهم"]


@given(st.text())
@settings(max_examples=200, deadline=None)
def test_tokenize_round_trips_and_never_starts_a_token_with_a_mark(text: str) -> None:
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert all(tokens)
    for prev, tok in zip(tokens, tokens[1:]):
        if unicodedata.category(tok[0]).startswith("M"):
            assert prev.isspace()


# --- small exact cases -----------------------------------------------------


def test_identical_is_one_equal_op() -> None:
    text = "Each Member State shall take the necessary measures."
    assert diff(text, text) == DiffResult((Op("equal", text, text),), False, "word")
    assert diff("", "") == DiffResult((), False, "word")


def test_word_replacement() -> None:
    result = diff("hosted in their territory", "hosted in its territory")
    assert result.ops == (
        Op("equal", "hosted in ", "hosted in "),
        Op("delete", "their", ""),
        Op("insert", "", "its"),
        Op("equal", " territory", " territory"),
    )
    assert not result.approximate
    assert word_stats(result.ops) == (2, 8)


def test_cjk_one_character_insertion() -> None:
    result = diff("中华人民共和国", "中华人民和共和国")
    inserts = [op for op in result.ops if op.kind == "insert"]
    assert inserts == [Op("insert", "", "和")]
    assert "delete" not in kinds(result)


def test_arabic_diacritic_change_replaces_whole_word() -> None:
    old = "تتخذ الدولة الطرف التدابير"
    new = "تتخذ الدولةُ الطرف التدابير"
    result = diff(old, new)
    assert result.ops == (
        Op("equal", "تتخذ ", "تتخذ "),
        Op("delete", "الدولة", ""),
        Op("insert", "", "الدولةُ"),
        Op("equal", " الطرف التدابير", " الطرف التدابير"),
    )


def test_nbsp_is_one_format_op() -> None:
    result = diff("Art. 25", f"Art.{NBSP}25")
    assert result.ops == (
        Op("equal", "Art.", "Art."),
        Op("format", " ", NBSP),
        Op("equal", "25", "25"),
    )
    assert word_stats(result.ops) == (0, 4)


def test_nfc_vs_nfd_has_no_substantive_change() -> None:
    text = "Les États membres prennent les mesures nécessaires; 한국어 が"
    result = diff(nfc(text), nfd(text))
    assert set(kinds(result)) <= {"equal", "format"}
    assert "format" in kinds(result)
    assert word_stats(result.ops)[0] == 0


def test_quotes_are_format() -> None:
    result = diff('the "Convention" and the State\'s', "the “Convention” and the State’s")
    assert set(kinds(result)) == {"equal", "format"}


def test_whitespace_kind_and_amount_are_format() -> None:
    result = diff("shall take\nthe", "shall  take the")
    assert set(kinds(result)) == {"equal", "format"}


def test_many_distinct_tokens_beyond_bmp_private_area() -> None:
    rng = random.Random(7)
    words = [f"w{i}" for i in range(9000)]
    rng.shuffle(words)
    old = " ".join(words)
    new_words = list(words)
    new_words[4000] = "changed"
    del new_words[8500]
    new = " ".join(new_words)
    result = diff(old, new)
    verify(result.ops, old, new)
    assert result.granularity == "word"
    assert word_stats(result.ops)[0] == 3


# --- helpers ---------------------------------------------------------------


def test_verify_raises_on_mismatch() -> None:
    ops = (Op("equal", "a", "a"), Op("insert", "", "b"))
    verify(ops, "a", "ab")
    with pytest.raises(
        RedlineIntegrityError,
        match=re.escape(
            "does not rebuild the new text (first difference at character 1: expected '', got 'b')"
        ),
    ):
        verify(ops, "a", "a")
    with pytest.raises(
        RedlineIntegrityError,
        match=re.escape(
            "does not rebuild the old text (first difference at character 1: expected 'b', got '')"
        ),
    ):
        verify(ops, "ab", "ab")


def test_coalesce_merges_and_classifies() -> None:
    ops = [
        Op("equal", "a", "a"),
        Op("equal", " ", " "),
        Op("delete", "x", ""),
        Op("insert", "", "y"),
        Op("delete", "z", ""),
        Op("delete", " ", ""),
        Op("insert", "", NBSP),
        Op("rule", "M", "S", "r"),
        Op("rule", "M", "S", "r"),
    ]
    assert coalesce(ops) == [
        Op("equal", "a ", "a "),
        Op("delete", "xz ", ""),
        Op("insert", "", "y" + NBSP),
        Op("rule", "M", "S", "r"),
        Op("rule", "M", "S", "r"),
    ]
    assert coalesce([Op("delete", "’", ""), Op("insert", "", "'")]) == [Op("format", "’", "'")]


def test_word_stats_counts_changed_and_total_words() -> None:
    ops = [
        Op("equal", "the ", "the "),
        Op("rule", "Member States", "States Parties", "states-parties"),
        Op("delete", " shall", ""),
        Op("insert", "", " must"),
    ]
    assert word_stats(ops) == (2, 8)
    assert word_stats([]) == (0, 0)


def test_timeout_must_be_positive() -> None:
    for bad in (0, -1.5):
        with pytest.raises(ValueError, match="^timeout must be a positive number of seconds$"):
            diff("a", "b", timeout=bad)


# --- large input -----------------------------------------------------------


def _random_text(seed: int, size: int = 200_000) -> str:
    rng = random.Random(seed)
    vocab = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 9))) for _ in range(5000)
    ]
    parts: list[str] = []
    length = 0
    while length < size:
        piece = rng.choice(vocab) + rng.choice([" "] * 12 + [". ", ", ", "\n\n"])
        parts.append(piece)
        length += len(piece)
    return "".join(parts)[:size]


def test_two_unrelated_large_texts_are_labelled_or_exact() -> None:
    old, new = _random_text(1), _random_text(2)
    started = time.perf_counter()
    result = diff(old, new)
    elapsed = time.perf_counter() - started
    assert elapsed < 30  # generous sanity bound, not a benchmark
    verify(result.ops, old, new)
    if not result.approximate:
        assert result.granularity == "word"
    else:
        assert result.granularity in {"sentence", "paragraph"}


def test_time_limit_falls_back_to_coarser_granularity() -> None:
    old, new = _random_text(3, 60_000), _random_text(4, 60_000)
    result = diff(old, new, timeout=0.01)
    assert result.approximate
    assert result.granularity in {"sentence", "paragraph"}
    verify(result.ops, old, new)


# --- properties ------------------------------------------------------------

VOCAB = [
    "Member",
    "States",
    "State",
    "shall",
    "take",
    "measures",
    "the",
    "of",
    "Art",
    "25",
    "État",
    "membres",
    "naïve",
    "Ångström",
    "Straße",
    "الدول",
    "الأطراف",
    "بِسْمِ",
    "الرَّحْمَٰنِ",
    "缔约国",
    "会员国",
    "締約国",
    "が",
    "당사국",
    ".",
    ",",
    ";",
    "(",
    ")",
    "“",
    "”",
    "’",
    '"',
    "'",
]
SEPARATORS = [" ", " ", " ", NBSP, "", "\n", "  "]

token_lists = st.lists(st.sampled_from(VOCAB), min_size=0, max_size=40)


@st.composite
def clause_texts(draw: st.DrawFn) -> list[str]:
    """A clause-like text as a list of pieces (words and separators)."""
    words = draw(token_lists)
    pieces: list[str] = []
    for word in words:
        pieces.append(word)
        pieces.append(draw(st.sampled_from(SEPARATORS)))
    return pieces


@st.composite
def edited(draw: st.DrawFn) -> tuple[str, str]:
    pieces = draw(clause_texts())
    new = list(pieces)
    for _ in range(draw(st.integers(0, 6))):
        action = draw(st.sampled_from(["insert", "delete", "replace", "nfd", "space"]))
        index = draw(st.integers(0, max(len(new) - 1, 0)))
        if action == "insert":
            new.insert(index, draw(st.sampled_from(VOCAB)) + " ")
        elif not new:
            continue
        elif action == "delete":
            del new[index]
        elif action == "replace":
            new[index] = draw(st.sampled_from(VOCAB))
        elif action == "nfd":
            new[index] = nfd(new[index])
        else:
            new[index] = (
                new[index].replace(" ", NBSP)
                if " " in new[index]
                else new[index].replace(NBSP, " ")
            )
    return "".join(pieces), "".join(new)


@given(edited())
@settings(max_examples=200, deadline=None)
def test_ops_rebuild_both_sides_and_respect_tokens(pair: tuple[str, str]) -> None:
    old, new = pair
    result = diff(old, new)
    assert rebuild_old(result.ops) == old
    assert rebuild_new(result.ops) == new
    assert not result.approximate
    assert boundaries([op.old for op in result.ops]) <= boundaries(tokenize(old))
    assert boundaries([op.new for op in result.ops]) <= boundaries(tokenize(new))
    assert all(op.old or op.new for op in result.ops)
    changed, total = word_stats(result.ops)
    assert 0 <= changed <= total


@given(clause_texts())
@settings(max_examples=200, deadline=None)
def test_identical_texts_have_no_changes(pieces: list[str]) -> None:
    text = "".join(pieces)
    result = diff(text, text)
    assert set(kinds(result)) <= {"equal"}
    assert word_stats(result.ops)[0] == 0


@given(clause_texts())
@settings(max_examples=200, deadline=None)
def test_nfc_nfd_and_space_kind_are_not_substantive(pieces: list[str]) -> None:
    text = "".join(pieces)
    for other in (nfd(text), text.replace(" ", NBSP), nfd(text).replace(NBSP, " ")):
        result = diff(text, other)
        assert set(kinds(result)) <= {"equal", "format"}
        verify(result.ops, text, other)


@given(st.text(max_size=60), st.text(max_size=60))
@settings(max_examples=200, deadline=None)
def test_arbitrary_unicode_rebuilds(old: str, new: str) -> None:
    result = diff(old, new)
    verify(result.ops, old, new)
    renormalised = diff(old, nfd(old))
    assert set(kinds(renormalised)) <= {"equal", "format"}


def test_a_diff_of_the_same_encoded_texts_runs_the_engine_once(monkeypatch):
    # A redline diffs a paragraph as written, then folded for the change measure: when folding
    # changed only whitespace, the engine's answer is reused (and is the same answer).
    from treatydraft import diffengine, diffing

    calls = []
    real = diffengine.engine()

    def counting(a, b, timeout):
        calls.append((a, b))
        return real(a, b, timeout)

    monkeypatch.setattr(diffengine, "_chosen", counting)
    monkeypatch.setattr(diffing, "_ENGINE_RUNS", {})
    written = diffing.diff(
        "The Member States\n\nshall act.", "The States Parties\n\nshall act now."
    )
    folded = diffing.diff("The Member States shall act.", "The States Parties shall act now.")
    assert len(calls) == 1
    assert [(op.kind, op.old.split(), op.new.split()) for op in written.ops] == [
        (op.kind, op.old.split(), op.new.split()) for op in folded.ops
    ]
    diffing.diff("The Member States shall act.", "The States Parties shall not act.")
    assert len(calls) == 2


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1 _\t\n\r\x0b\x0c\u00a0é“.")), max_size=12))
def test_the_ascii_fast_paths_count_and_normalise_as_the_full_ones(text):
    import unicodedata as ud

    from treatydraft import diffing

    full = re.sub(r"\s+", " ", ud.normalize("NFC", text).translate(diffing._QUOTES))
    assert diffing.normalise(text) == full
    assert diffing._count_words(text) == sum(
        1 for t in diffing.tokenize(text) if re.search(r"\w", t)
    )
