"""The text lint and the non-character search take a fast path (one bitmap search of the BMP);
they must find exactly what the full searches find."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from treatydraft import display, text

_CHARS = st.sampled_from(
    ["a", " ", "\n", "\t", "\r", "\r\n", "\x00", "\x0b", "\x1f", "\x7f", "\x9f", "\u00ad",
     "\u061c", "\u200b", "\u200e", "\u202e", "\u2060", "\u2066", "\ufeff", "\ufdd0", "\ufdef",
     "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff", "\U0001f600", "é", "—"]
)  # fmt: skip


def _full_lint(value: str, language: str) -> list:
    """lint without its fast path: every search run."""
    saved = text._SUSPICIOUS
    text._SUSPICIOUS = re.compile("[\\x00-\\U0010ffff]")  # always matches: no early return
    try:
        return text.lint(value, language)
    finally:
        text._SUSPICIOUS = saved


@settings(max_examples=500, deadline=None)
@given(st.lists(_CHARS, max_size=12).map("".join), st.sampled_from(["en", "ar"]))
def test_lint_finds_what_every_search_finds(value, language):
    assert text.lint(value, language) == _full_lint(value, language)


@settings(max_examples=500, deadline=None)
@given(st.lists(_CHARS, max_size=12).map("".join))
def test_first_noncharacter_is_the_first_noncharacter(value):
    m = display.first_noncharacter(value)
    first = next((i for i, ch in enumerate(value) if display.is_noncharacter(ch)), None)
    assert (m.start() if m else None) == first


def test_lint_of_plain_text_is_empty_and_of_a_noncharacter_is_not():
    assert text.lint("States Parties shall — “take” measures.") == []
    assert [code for code, *_ in text.lint("x\U0002fffey")] == ["noncharacter"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_has_astral_is_any_character_above_the_bmp(value):
    assert display.has_astral(value) == any(ord(ch) > 0xFFFF for ch in value)
