"""Properties of the import writer: whatever text an official file holds, the §3 source written
for it loads with the project's own reader and reads back block for block, or the import stops
with one clear error; it never writes a file the reader cannot load."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from treatydraft.errors import InputError
from treatydraft.importing.importer import _check_round_trip, parse_source_text
from treatydraft.importing.model import Article, Document, clean
from treatydraft.importing.writer import OriginInfo, render

WORDS = st.text(string.ascii_letters + "’‘“”–—,;:.()0123456789 \u00a0\u2009", min_size=1).map(clean)
PLAIN = WORDS.filter(lambda t: t and t[0].isalpha())  # text that cannot look like a label


@st.composite
def articles(draw):
    n = draw(st.integers(1, 4))
    out = []
    for k in range(1, n + 1):
        art = Article(f"{k}{draw(st.sampled_from(['', 'a']))}", heading=draw(st.none() | PLAIN))
        if draw(st.booleans()):  # numbered paragraphs with lettered points
            for p in range(1, draw(st.integers(1, 3)) + 1):
                art.blocks.append(f"{p}. {draw(PLAIN)}")
                for letter in "abc"[: draw(st.integers(0, 3))]:
                    art.blocks.append(f"({letter}) {draw(PLAIN)}")
        else:
            art.blocks.extend(draw(st.lists(PLAIN, min_size=1, max_size=3)))
        out.append(art)
    return out


@given(articles(), st.lists(PLAIN, max_size=3), st.lists(WORDS.filter(bool), max_size=3))
def test_plain_text_always_reads_back(arts, recitals, notes):
    doc = Document("formex", "oj-act", title="T", short="T")
    doc.articles = arts
    doc.recitals = [(str(i), r) for i, r in enumerate(recitals, 1)]
    doc.notes = notes
    text = render(doc, "s", OriginInfo("0" * 64, "2026-01-01"), "en")
    src = parse_source_text(text, "s")
    _check_round_trip(doc, src, "sources/s.md")  # raises if any block reads back differently
    assert [a.address for a in src.articles] == [a.number for a in arts]
    assert [r.text for r in src.recitals] == recitals


@given(st.lists(WORDS, min_size=1, max_size=4))
def test_any_text_reads_back_or_fails_with_one_clear_error(blocks):
    doc = Document("formex", "oj-act", title="T", short="T")
    doc.articles = [Article("1", blocks=[b for b in blocks if b] or ["x"])]
    text = render(doc, "s", OriginInfo("0" * 64, "2026-01-01"), "en")
    try:
        src = parse_source_text(text, "s")
        _check_round_trip(doc, src, "sources/s.md")
    except InputError as exc:
        assert exc.diagnostics and all(d.path == "sources/s.md" for d in exc.diagnostics)
