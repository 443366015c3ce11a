"""Every format gives back every clause text, exactly once, in order, with every character.

The text is extracted back out of each format independently of the renderers —
Markdown through a CommonMark parser (markdown-it-py), HTML with ``html.parser``,
DOCX by walking ``word/document.xml`` with lxml — and compared with the model
after the documented whitespace mapping (runs of ASCII whitespace → one space,
trimmed; XML-illegal control characters → a space).
"""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from lxml import etree
from markdown_it import MarkdownIt

from treatydraft.api import load_project
from treatydraft.assemble import assemble
from treatydraft.model import Draft, DraftItem
from treatydraft.numbering import roman
from treatydraft.render import RENDERERS, RenderOptions

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROJECTS = {
    "bundled": REPO,
    "awkward": FIXTURES / "build-awkward",
    "small": FIXTURES / "build-small",
}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def mapped(text: str) -> str:
    """The documented mapping, written independently of the renderers."""
    text = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", " ", text)
    return re.sub("[ \t\r\n]+", " ", text).strip()


def expected_blocks(draft: Draft, sep: str) -> list[str]:
    """Every block of text the draft must show, in document order; ``sep`` between a number and its text."""
    out = [mapped(draft.title)]

    def items(seq: tuple[DraftItem, ...], depth: int) -> None:
        for it in seq:
            if it.label is None:
                out.append(mapped(it.text))
            else:
                marker = f"{it.label}." if depth == 1 else f"({it.label})"
                out.append(f"{marker}{sep}{mapped(it.text)}")
            items(it.items, depth + 1)

    items(draft.preamble, 1)
    out.append("Have agreed as follows:")
    starts = {first: (i, title) for i, (title, first) in enumerate(draft.chapters, start=1)}
    for art in draft.articles:
        if art.number in starts:
            i, title = starts[art.number]
            out.append(f"Chapter {roman(i).upper()} — {mapped(title)}")
        out.append(f"Article {art.number}")
        if art.title:
            out.append(mapped(art.title))
        items(art.paragraphs, 1)
    items(draft.testimonium, 1)
    return out


class Blocks(HTMLParser):
    """Text of every block element (p, h1–h6, li), skipping head, nav, style and script."""

    BLOCK = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th"}
    SKIP = {"head", "nav", "style", "script", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.stack: list[str] = []
        self.skip = 0
        self.buf: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCK and not self.skip:
            self.buf = []
        if tag not in ("meta", "br", "img", "hr", "link", "input"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip -= 1
        elif tag in self.BLOCK and self.buf is not None and not self.skip:
            self.blocks.append("".join(self.buf))
            self.buf = None

    def handle_data(self, data):
        if self.buf is not None and not self.skip:
            self.buf.append(data)


def html_blocks(html: str, with_attrs: bool = False):
    p = Blocks()
    p.feed(html)
    p.close()
    return (p.blocks, p.tags, p.attrs) if with_attrs else (p.blocks, p.tags)


def docx_blocks(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(
            z.read("word/document.xml"), etree.XMLParser(resolve_entities=False, no_network=True)
        )
    out = []
    for p in root.iter(W + "p"):
        parts = []
        for el in p.iter(W + "t", W + "tab"):
            parts.append("\t" if el.tag == W + "tab" else (el.text or ""))
        out.append("".join(parts))
    return out


def assert_in_order_once(blocks: list[str], expected: list[str]) -> None:
    last = -1
    for e in expected:
        hits = [i for i, b in enumerate(blocks) if b == e]
        assert len(hits) == 1, f"{e!r} appears {len(hits)} times"
        assert hits[0] > last, f"{e!r} is out of order"
        last = hits[0]


def render(name: str, fmt: str, notes: bool) -> tuple[Draft, bytes]:
    project = load_project(PROJECTS[name])
    draft = assemble(project)
    options = RenderOptions(
        notes=notes,
        template_dirs=(str(Path(project.root) / "templates"),),
        project_root=project.root,
    )
    return draft, RENDERERS[fmt](draft, options)


PARAMS = [(name, notes) for name in PROJECTS for notes in (False, True)]


@pytest.mark.parametrize("name,notes", PARAMS)
@pytest.mark.parametrize("preset", ["commonmark", "gfm"])
def test_markdown_roundtrip(name, notes, preset):
    draft, data = render(name, "md", notes)
    md = MarkdownIt("commonmark")
    if preset == "gfm":
        md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    html = md.render(data.decode("utf-8"))
    blocks, tags = html_blocks(html)
    assert_in_order_once(blocks, expected_blocks(draft, " "))
    # numbering is text, never a Markdown list; clause text makes no markup
    forbidden = {
        "ol",
        "ul",
        "li",
        "a",
        "img",
        "script",
        "code",
        "pre",
        "table",
        "hr",
        "blockquote",
        "s",
        "del",
        "strong",
        "h5",
        "h6",
        "b",
    }
    if not notes:
        forbidden.add("em")
    assert not forbidden & set(tags), forbidden & set(tags)


@pytest.mark.parametrize("name,notes", PARAMS)
def test_html_roundtrip(name, notes):
    draft, data = render(name, "html", notes)
    html = data.decode("utf-8")
    assert html.startswith('<!doctype html>\n<html lang="')
    blocks, tags, attrs = html_blocks(html, with_attrs=True)
    assert_in_order_once(blocks, expected_blocks(draft, " "))
    # self-contained and inert: no active or external content, links only to anchors
    assert not {"script", "img", "link", "iframe", "object", "embed"} & set(tags)
    assert all(v.startswith("#") for k, v in attrs if k == "href")
    assert not {k for k, _ in attrs if k.startswith("on") or k in ("src", "srcset")}
    style = html[html.index("<style>") : html.index("</style>")]
    assert "@import" not in style and "url(" not in style


@pytest.mark.parametrize("name,notes", PARAMS)
def test_docx_roundtrip(name, notes):
    draft, data = render(name, "docx", notes)
    assert_in_order_once(docx_blocks(data), expected_blocks(draft, "\t"))


def test_awkward_fixture_really_is_awkward():
    """Guard: the fixture keeps the texts the round-trip must survive."""
    draft = assemble(load_project(PROJECTS["awkward"]))
    texts = [it.text for a in draft.articles for p in a.paragraphs for it in (p, *p.items)] + [
        p.text for p in draft.preamble
    ]
    joined = "\n".join(texts)
    for needle in (
        "1990.",
        "<script>alert(1)</script>",
        "*",
        "_",
        "#",
        "|",
        "[x](javascript:alert(1))",
        "  ",
        "“",
        "”",
        "‘",
        "’",
        "\u00a0",
        "حقوقِ",
        "儿童",
    ):
        assert needle in joined, needle
    assert any(t.startswith("1990.") for t in texts)


def test_whitespace_mapping_is_the_documented_one():
    draft, data = render("awkward", "md", False)
    assert b"Double spaces and a tab collapse to one space" in data
    _, html = render("awkward", "html", False)
    assert b"Double spaces and a tab collapse" in html
    assert "23\u00a0November".encode() in html  # a no-break space is kept, not folded


def test_xml_illegal_characters_become_spaces_in_every_format():
    item = DraftItem(None, "a\x0bb\x00c\x1fd\ufffee", None, (), "art-1")
    from treatydraft.model import DraftArticle

    draft = Draft(
        "T\x0bitle",
        None,
        "en",
        (),
        (DraftArticle(1, "x", "Ti\x0ctle", None, (item,), "art-1"),),
        (),
        (),
        {},
    )
    for fmt, fn in RENDERERS.items():
        out = fn(draft, RenderOptions())
        assert out, fmt
    assert "a b c d e" in docx_blocks(RENDERERS["docx"](draft, RenderOptions()))
    assert b"a b c d e" in RENDERERS["md"](draft, RenderOptions())
    assert b"a b c d e" in RENDERERS["html"](draft, RenderOptions())


def test_docx_lays_out_right_to_left_paragraphs_from_the_right():
    _, data = render("awkward", "docx", False)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    bidi = {
        "".join(t.text or "" for t in p.iter(W + "t")): p.find(f"{W}pPr/{W}bidi") is not None
        for p in root.iter(W + "p")
    }
    arabic = [text for text in bidi if "حقوق" in text]
    assert arabic and all(
        bidi[t]
        for t in arabic
        if t.lstrip("0123456789.\t ")[:1] in "اأإآبتثجحخدذرزسشصضطظعغفقكلمنهوي"
    )
    assert not bidi["Have agreed as follows:"]
    assert not any(
        bidi[t] for t in bidi if t.startswith("3.") and "Mixed" in t
    )  # first strong letter is Latin
