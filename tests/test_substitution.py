"""Tests for named substitutions and the rule-aware redline."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treatydraft.diffing import Op, rebuild_new, rebuild_old, verify, word_stats
from treatydraft.substitution import Segment, apply, counts, redline, substituted

NBSP = "\u00a0"
RULES = {
    "states-parties": {"Member States": "States Parties", "Member State": "State Party"},
    "csam-term": {"child pornography": "online child sexual abuse material"},
    "its": {"their": "its"},
    "etats": {"États membres": "États parties"},
    "zh": {"会员国": "缔约国"},
    "drop": {"very": ""},
    "rival": {"Member States": "Contracting Parties"},
}
NAMES = ["states-parties", "csam-term"]


# --- apply -----------------------------------------------------------------


def test_apply_longest_first_and_word_boundaries() -> None:
    text = "Member States and Member Statesman, each Member State."
    segments = apply(text, RULES, ["states-parties"])
    assert segments == [
        Segment("States Parties", "Member States", "states-parties"),
        Segment(" and Member Statesman, each ", " and Member Statesman, each ", None),
        Segment("State Party", "Member State", "states-parties"),
        Segment(".", ".", None),
    ]
    assert substituted(segments) == "States Parties and Member Statesman, each State Party."
    assert counts(segments) == {"states-parties": 2}


def test_apply_is_case_sensitive_and_one_pass() -> None:
    rules = {"a": {"cat": "dog"}, "b": {"dog": "cat"}}
    assert substituted(apply("cat dog Cat", rules, ["a", "b"])) == "dog cat Cat"


def test_apply_tie_goes_to_earlier_rule() -> None:
    assert counts(apply("Member States", RULES, ["rival", "states-parties"])) == {"rival": 1}
    assert counts(apply("Member States", RULES, ["states-parties", "rival"])) == {
        "states-parties": 1
    }


def test_apply_marks_and_cjk_boundaries() -> None:
    assert counts(apply("les États membres", RULES, ["etats"])) == {"etats": 1}
    decomposed = unicodedata.normalize("NFD", "x") + "their\u0301"
    assert counts(apply(decomposed, RULES, ["its"])) == {}
    assert substituted(apply("各会员国应", RULES, ["zh"])) == "各缔约国应"


def test_apply_unknown_rule_and_empty_text() -> None:
    with pytest.raises(KeyError):
        apply("text", RULES, ["nope"])
    assert apply("", RULES, NAMES) == []
    assert apply("plain", RULES, []) == [Segment("plain", "plain", None)]


# --- redline ---------------------------------------------------------------


def test_rule_only_change_is_one_rule_op() -> None:
    result = redline("Member States shall take", "States Parties shall take", RULES, NAMES)
    assert result.ops == (
        Op("rule", "Member States", "States Parties", "states-parties"),
        Op("equal", " shall take", " shall take"),
    )
    assert word_stats(result.ops) == (0, 8)


def test_rule_plus_edit() -> None:
    result = redline(
        "child pornography hosted in their territory",
        "online child sexual abuse material hosted in its territory",
        RULES,
        NAMES,
    )
    assert result.ops == (
        Op("rule", "child pornography", "online child sexual abuse material", "csam-term"),
        Op("equal", " hosted in ", " hosted in "),
        Op("delete", "their", ""),
        Op("insert", "", "its"),
        Op("equal", " territory", " territory"),
    )


def test_rule_with_format_difference_keeps_clause_text() -> None:
    result = redline("Member States shall", f"States{NBSP}Parties shall", RULES, NAMES)
    assert result.ops == (
        Op("rule", "Member States", f"States{NBSP}Parties", "states-parties"),
        Op("equal", " shall", " shall"),
    )


def test_rule_edited_by_clause_becomes_delete_insert() -> None:
    result = redline("Member States shall", "States Members shall", RULES, NAMES)
    assert result.ops == (
        Op("delete", "Member States", ""),
        Op("insert", "", "States Members"),
        Op("equal", " shall", " shall"),
    )


def test_clause_keeping_source_wording_is_equal() -> None:
    result = redline("Member States shall take", "Member States shall take", RULES, NAMES)
    assert result.ops == (Op("equal", "Member States shall take", "Member States shall take"),)


def test_raw_is_plain_diff() -> None:
    result = redline("Member States shall", "States Parties shall", RULES, NAMES, raw=True)
    assert "rule" not in {op.kind for op in result.ops}
    verify(result.ops, "Member States shall", "States Parties shall")


def test_empty_replacement_rule() -> None:
    result = redline("a very big case", "a  big case", RULES, ["drop"])
    assert result.ops[1] == Op("rule", "very", "", "drop")
    verify(result.ops, "a very big case", "a  big case")


def test_repeated_applications_are_counted() -> None:
    source = "Member States and Member States, Member State"
    clause = "States Parties and States Parties, State Party"
    result = redline(source, clause, RULES, NAMES)
    rules = [op for op in result.ops if op.kind == "rule"]
    assert len(rules) == 3
    assert {op.kind for op in result.ops} == {"rule", "equal"}


# --- properties ------------------------------------------------------------

VOCAB = [
    "Member States",
    "Member State",
    "Member Statesman",
    "child pornography",
    "their",
    "shall",
    "take",
    "measures",
    "the",
    "its",
    "States Parties",
    "online",
    "content",
    "États membres",
    "会员国",
    "缔约国",
    "الدول",
    "“",
    "”",
    ".",
    ",",
    "very",
]
SEPARATORS = [" ", " ", NBSP, "\n", ""]
ALL_NAMES = ["states-parties", "csam-term", "its", "etats", "zh", "drop"]


@st.composite
def texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(VOCAB), max_size=25))
    return "".join(w + draw(st.sampled_from(SEPARATORS)) for w in words)


@st.composite
def source_clause(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    source = draw(texts())
    names = draw(st.lists(st.sampled_from(ALL_NAMES), unique=True, max_size=4))
    base = substituted(apply(source, RULES, names))
    clause = draw(st.sampled_from([base, source, draw(texts())]))
    pieces = clause.split(" ")
    for _ in range(draw(st.integers(0, 4))):
        index = draw(st.integers(0, len(pieces) - 1))
        pieces[index] = draw(st.sampled_from(VOCAB + [unicodedata.normalize("NFD", pieces[index])]))
    return source, " ".join(pieces), names


@given(source_clause())
@settings(max_examples=200, deadline=None)
def test_redline_rebuilds_original_source_and_clause(case: tuple[str, str, list[str]]) -> None:
    source, clause, names = case
    result = redline(source, clause, RULES, names)
    assert rebuild_old(result.ops) == source
    assert rebuild_new(result.ops) == clause
    for op in result.ops:
        assert (op.kind == "rule") == (op.rule is not None)


@given(texts(), st.lists(st.sampled_from(ALL_NAMES), unique=True, max_size=4))
@settings(max_examples=200, deadline=None)
def test_clause_equal_to_substituted_source_has_only_rule_changes(
    source: str, names: list[str]
) -> None:
    segments = apply(source, RULES, names)
    clause = substituted(segments)
    result = redline(source, clause, RULES, names)
    verify(result.ops, source, clause)
    assert {op.kind for op in result.ops} <= {"equal", "format", "rule"}
    applied = sum(1 for op in result.ops if op.kind == "rule")
    assert applied == sum(counts(segments).values())
    assert word_stats(result.ops)[0] == 0


@given(source_clause())
@settings(max_examples=400, deadline=None)
def test_measure_read_from_the_substituted_diff_is_the_measure_of_the_redline(
    case: tuple[str, str, list[str]],
) -> None:
    # of_texts skips the mapping to source coordinates when no change reaches a rule
    # application: it must count exactly what the mapped redline counts.
    from treatydraft import measure
    from treatydraft.text import fold

    source, clause, names = case
    expected = measure.of_ops(redline(fold(source), fold(clause), RULES, names).ops)
    assert measure.of_texts(source, clause, RULES, names) == expected


def test_edits_rule_sees_a_change_touching_a_rule_application() -> None:
    from treatydraft.diffing import diff
    from treatydraft.substitution import edits_rule

    segments = apply("the Member States shall act", RULES, ["states-parties"])
    text = substituted(segments)  # "the States Parties shall act"
    assert not edits_rule(diff(text, "the States Parties must act").ops, segments)
    assert edits_rule(diff(text, "the States Party shall act").ops, segments)
    assert edits_rule(diff(text, "the new States Parties shall act").ops, segments)  # touches
