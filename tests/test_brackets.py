"""The bracket parser: round trip, clean resolutions, groups, errors with offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treatydraft.negotiation import brackets as b

WORD = st.text(alphabet="abcdeé .,;XY\u00a0", min_size=0, max_size=6)


@st.composite
def structure(draw, depth: int = 0, escapes: bool = True) -> str:
    """A well-formed bracketed text: literals, groups of 1-3 options, nesting."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["word", "group", "escape"] if escapes else ["word", "group"]))
        if kind == "word":
            parts.append(draw(WORD))
        elif kind == "escape":
            parts.append(draw(st.sampled_from(["\\[", "\\]"])))
        elif depth < 3:
            options = [draw(structure(depth + 1, escapes)) for _ in range(draw(st.integers(1, 3)))]
            seps = [draw(st.sampled_from(["", " "])) for _ in options[1:]]
            text = "[" + options[0] + "]"
            for sep, opt in zip(seps, options[1:], strict=True):
                text += sep + "[" + opt + "]"
            parts.append(text)
            parts.append(draw(st.sampled_from([" and ", "x", ", "])))  # keep groups apart
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(structure())
def test_parse_then_render_gives_the_input_byte_for_byte(text):
    assert b.negotiating(b.parse(text)) == text


@settings(max_examples=300, deadline=None)
@given(structure(escapes=False), st.data())
def test_every_clean_resolution_has_no_bracket(text, data):
    tree = b.parse(text)
    choice = {
        k: data.draw(st.integers(0, len(g.options)), label=f"group {k}")
        for k, g in enumerate(b.groups(tree), start=1)
    }
    assert b.counts(tree)[1] == text.count("[") == text.count("]")
    for clean in (b.resolve(tree), b.resolve(tree, choice)):
        assert "[" not in clean and "]" not in clean
    for reading in b.readings(tree):
        assert "[" not in reading.text and "]" not in reading.text


@settings(max_examples=200, deadline=None)
@given(structure())
def test_escaped_brackets_survive_resolution_as_plain_brackets(text):
    tree = b.parse(text)
    literal = sum(
        p.raw.count("\\[") + p.raw.count("\\]") for p in tree.parts if isinstance(p, b.Literal)
    )
    clean = b.resolve(tree)
    assert clean.count("[") + clean.count("]") >= literal


def test_adjacent_groups_are_alternatives_with_none_or_one_space():
    tree = b.parse(
        "Each Party [shall][may] take [necessary] [appropriate] steps [within its territory]."
    )
    gs = b.groups(tree)
    assert [[o.raw for o in g.options] for g in gs] == [
        ["shall", "may"],
        ["necessary", "appropriate"],
        ["within its territory"],
    ]
    assert gs[0].separators == ("",) and gs[1].separators == (" ",)
    assert b.counts(tree) == (3, 5)


def test_two_spaces_make_two_groups():
    assert len(b.groups(b.parse("[a]  [b]"))) == 2


def test_nesting_outer_group_numbered_first():
    # "[or] [well]" are one group: adjacent groups one space apart are alternatives (§12)
    tree = b.parse("to [below 1.5 °C [or] [well] below 2 °C][2 °C]")
    gs = b.groups(tree)
    assert [[o.raw for o in g.options] for g in gs] == [
        ["below 1.5 °C [or] [well] below 2 °C", "2 °C"],
        ["or", "well"],
    ]
    assert b.resolve(tree) == "to below 1.5 °C or below 2 °C"
    assert b.resolve(tree, {1: 2}) == "to 2 °C"
    assert b.resolve(tree, {2: 2}) == "to below 1.5 °C well below 2 °C"
    assert b.resolve(tree, {2: 0}) == "to below 1.5 °C below 2 °C"
    assert [(r.group, r.option, r.text) for r in b.readings(tree)][1:] == [
        (1, 1, "to 2 °C"),
        (2, 1, "to below 1.5 °C well below 2 °C"),
    ]


def test_readings_take_the_first_option_of_the_other_groups():
    tree = b.parse("Each Party [shall][may] act [promptly][swiftly].")
    got = [(r.group, r.option, r.option_text, r.text) for r in b.readings(tree)]
    assert got == [
        (0, 0, "", "Each Party shall act promptly."),
        (1, 1, "may", "Each Party may act promptly."),
        (2, 1, "swiftly", "Each Party shall act swiftly."),
    ]


def test_omitting_optional_text_closes_up_the_space():
    assert b.resolve(b.parse("global [net] emissions [now]."), {1: 0, 2: 0}) == "global emissions."


def test_escaped_brackets_are_literal():
    tree = b.parse(r"see \[1\] and [x]")
    assert len(b.groups(tree)) == 1
    assert b.resolve(tree) == "see [1] and x"
    assert b.display(tree) == "see [1] and [x]"
    assert not b.has_brackets(r"see \[1\]")
    assert b.has_brackets("a [b]")


@pytest.mark.parametrize(
    ("text", "offset", "message"),
    [
        ("from [date until [date].", 5, "opening bracket '[' is never closed"),
        ("from date] until", 9, "closing bracket ']' without an opening '['"),
        ("[a [b] c", 0, "opening bracket '[' is never closed"),
        ("[a] b] c", 5, "closing bracket ']' without an opening '['"),
        (r"\[a]", 3, "closing bracket ']' without an opening '['"),
    ],
)
def test_unbalanced_bracket_names_its_offset(text, offset, message):
    with pytest.raises(b.BracketError) as exc:
        b.parse(text)
    assert (exc.value.offset, exc.value.message) == (offset, message)
