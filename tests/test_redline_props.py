"""Property tests: every redline format rebuilds both texts exactly."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from treatydraft.redline import ClauseRedline, ItemRedline, Redline, compare_texts, render
from treatydraft.redline import docx as rl_docx
from treatydraft.redline import html as rl_html
from treatydraft.redline import json as rl_json
from treatydraft.redline.model import DELETE, INSERT, RULE_EDIT

NBSP = "\u00a0"
RULES = {
    "states-parties": {"Member States": "States Parties", "Member State": "State Party"},
    "csam-term": {"child pornography": "online child sexual abuse material"},
}
WORDS = [
    "Member States",
    "Member State",
    "child pornography",
    "shall",
    "may",
    "take",
    "the",
    "necessary",
    "measures",
    "États",
    "membres",
    "café",
    "naïve",
    "Ångström",
    "über",
    "会员国",
    "缔约国",
    "déjà-vu",
    "1990",
    "(a)",
    "Article",
    "<b>",
    "&amp;",
    "a&b",
    '"quoted"',
    "“curly”",
    "it’s",
    "it's",
    "x<y",
    "]]>",
    "--",
    "*",
    "_",
    "\\",
    "½",
]
SEPARATORS = [" ", " ", " ", ", ", "; ", ". ", NBSP, "  ", "\n", "\n\n", "\t", "\u2009"]

token_lists = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), min_size=0, max_size=30
)


def _join(tokens) -> str:
    return "".join(w + s for w, s in tokens)


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


edit = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 40)),
    st.tuples(
        st.just("insert"), st.integers(0, 40), st.sampled_from(WORDS), st.sampled_from(SEPARATORS)
    ),
    st.tuples(st.just("replace"), st.integers(0, 40), st.sampled_from(WORDS)),
    st.tuples(st.just("nfd"), st.integers(0, 40)),
    st.tuples(st.just("nbsp"), st.integers(0, 40)),
    st.tuples(st.just("space"), st.integers(0, 40)),
)


def _apply(tokens, edits):
    tokens = list(tokens)
    for e in edits:
        if not tokens and e[0] != "insert":
            continue
        i = (
            e[1] % (len(tokens) + (1 if e[0] == "insert" else 0))
            if tokens or e[0] == "insert"
            else 0
        )
        if e[0] == "delete":
            del tokens[i]
        elif e[0] == "insert":
            tokens.insert(i, (e[2], e[3]))
        elif e[0] == "replace":
            tokens[i] = (e[2], tokens[i][1])
        elif e[0] == "nfd":
            tokens[i] = (_nfd(tokens[i][0]), tokens[i][1])
        elif e[0] == "nbsp":
            tokens[i] = (tokens[i][0], tokens[i][1].replace(" ", NBSP))
        else:
            tokens[i] = (tokens[i][0], tokens[i][1].replace(NBSP, " "))
    return tokens


def _model(old: str, new: str, names) -> Redline:
    items = (
        ItemRedline(
            "1", "paragraph 1", "compared", **compare_texts(old, new, rules=RULES, names=names)
        ),
        ItemRedline("2", "paragraph 2", "compared", **compare_texts(new, old)),
    )
    return Redline(
        "T",
        "source",
        "source",
        False,
        (ClauseRedline("c", "article", 1, "Article 1 — C", "compared", items),),
    )


def _assert_rebuilds(model: Redline) -> None:
    expected = [(i.old, i.new) for i in model.items()]
    assert rl_html.extract(render(model, "html")) == expected
    assert rl_docx.extract(render(model, "docx")) == expected
    assert rl_json.extract(render(model, "json")) == expected
    for fmt in ("term", "md"):
        assert render(model, fmt)


@settings(max_examples=200, deadline=None)
@given(
    token_lists,
    st.lists(edit, max_size=8),
    st.sampled_from([(), ("states-parties",), ("states-parties", "csam-term")]),
)
def test_every_format_rebuilds_both_sides(tokens, edits, names) -> None:
    old = _join(tokens)
    new = _join(_apply(tokens, edits))
    _assert_rebuilds(_model(old, new, names))


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"
        ),
        max_size=80,
    ),
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"
        ),
        max_size=80,
    ),
)
def test_arbitrary_text_rebuilds(old, new) -> None:
    _assert_rebuilds(_model(old, new, ("states-parties",)))


@settings(max_examples=200, deadline=None)
@given(token_lists)
def test_identical_texts_have_no_changes(tokens) -> None:
    text = _join(tokens)
    fields = compare_texts(text, text)
    assert all(c.kind == "equal" for c in fields["changes"]) and fields["changed_words"] == 0


@settings(max_examples=200, deadline=None)
@given(token_lists)
def test_nfc_against_nfd_is_format_only(tokens) -> None:
    text = unicodedata.normalize("NFC", _join(tokens))
    fields = compare_texts(text, _nfd(text))
    assert not [c for c in fields["changes"] if c.kind in (DELETE, INSERT, RULE_EDIT)]
    assert fields["changed_words"] == 0
    _assert_rebuilds(_model(text, _nfd(text), ()))
