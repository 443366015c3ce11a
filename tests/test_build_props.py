"""I3 (Hypothesis): rendering loses no text in any format.

Random clause texts, markup characters and scripts included, are rendered to
Markdown, HTML and DOCX; each is read back with an independent parser (see
test_build_roundtrip.py) and every text must appear exactly once, in order, with
every character after the documented whitespace mapping.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from test_build_roundtrip import (
    assert_in_order_once,
    docx_blocks,
    expected_blocks,
    html_blocks,
    mapped,
)

from treatydraft.model import Draft, DraftArticle, DraftItem
from treatydraft.render import RENDERERS, RenderOptions

ALPHABET = st.sampled_from(
    list("abcXYZ019 .,;:!?()[]{}<>*_#|`~\\-+=&'\"/@$%^")
    + [
        "\u00a0",
        "\t",
        "“",
        "”",
        "‘",
        "’",
        "«",
        "»",
        "é",
        "e\u0301",
        "ß",
        "حقوقِ",
        "الطفل",
        "儿童",
        "权利",
        "1990.",
        "- ",
        "> ",
        "# ",
        "[x](javascript:alert(1))",
        "<script>",
        "&amp;",
        "&#65;",
        "\x0b",
    ]
)
TEXT = (
    st.lists(ALPHABET, min_size=1, max_size=25)
    .map("".join)
    .filter(lambda t: any(c.isalnum() for c in mapped(t)))
)


@st.composite
def drafts(draw):
    texts = draw(st.lists(TEXT, min_size=2, max_size=8, unique_by=mapped))
    title = "Random Convention"
    n_art = draw(st.integers(1, min(3, len(texts))))
    cut = (
        sorted(
            draw(
                st.lists(
                    st.integers(1, len(texts) - 1),
                    min_size=n_art - 1,
                    max_size=n_art - 1,
                    unique=True,
                )
            )
        )
        if n_art > 1
        else []
    )
    groups = [texts[a:b] for a, b in zip([0, *cut], [*cut, len(texts)])]
    articles = []
    for number, group in enumerate(groups, start=1):
        anchor = f"art-{number}"
        items = tuple(
            DraftItem(str(i) if len(group) > 1 else None, t, None, (), f"{anchor}-{i}")
            for i, t in enumerate(group, start=1)
        )
        articles.append(
            DraftArticle(number, f"c{number}", f"Heading {number}", None, items, anchor)
        )
    return Draft(title, None, "en", (), tuple(articles), (), (), {})


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drafts())
def test_i3_every_format_gives_back_every_text(draft):
    options = RenderOptions()
    md_html = MarkdownIt("commonmark").render(RENDERERS["md"](draft, options).decode("utf-8"))
    assert_in_order_once(html_blocks(md_html)[0], expected_blocks(draft, " "))
    assert_in_order_once(
        html_blocks(RENDERERS["html"](draft, options).decode("utf-8"))[0],
        expected_blocks(draft, " "),
    )
    assert_in_order_once(
        docx_blocks(RENDERERS["docx"](draft, options)), expected_blocks(draft, "\t")
    )
