"""Reader of source instruments: Markdown with YAML front matter (§3).

The body is parsed into a tree article → paragraph → point → sub-point. Every
block that cannot be placed is an error with its line.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import addresses
from ..diagnostics import Diagnostic
from ..errors import InputError
from ..model import Pos, Source, SourceNode
from . import schema, yamlsafe

_ARTICLE = re.compile(r"^##\s+Article\s+(\d+[a-zA-Z]?)\s*$")
_RECITALS = re.compile(r"^##\s+Recitals\s*$")
_NOTES = re.compile(r"^##\s+Notes\s*$")  # footnotes of an imported act: kept, not addressable
_HEADING = re.compile(r"^###\s+(.*)$")  # stripped after: a lazy (.*?)\s*$ is quadratic
_CONTEXT = re.compile(r"^_Context:(.*)_$")  # on the stripped line
_NUM = re.compile(r"^(\d+)\.\s+(.*)$", re.S)
_PAREN = re.compile(r"^\(([a-z]{1,4}|\d+)\)\s+(.*)$", re.S)
_ALPHA_DOT = re.compile(r"^([a-z])\.\s+(.*)$", re.S)
_ROMAN = re.compile(r"^(?=[ivxl]+$)l?x{0,3}(ix|iv|v?i{0,3})$")
_DASH = re.compile(r"^[\u2013\u2014\u2022-]\s")
NO_HEADING = "(no heading in source)"

FRONT_MATTER_KEYS = {
    "id": "str",
    "title": "str",
    "short": "str",
    "celex": "str",
    "eli": "str",
    "frbr": "str",
    "language": "str",
    "origin": "str",
    "partial": "bool",
    "included": "str",
}
REQUIRED = ("id", "title", "short", "origin")


class _Builder:
    """Mutable tree under construction; frozen into SourceNodes at the end."""

    def __init__(self, address, label, kind, text, line, col=1):
        self.address, self.label, self.kind, self.text = address, label, kind, text
        self.line, self.col = line, col
        self.children: list[_Builder] = []
        self.labels: set[str] = set()  # labels of the labelled children, for duplicates
        self.heading = None
        self.context = None
        self.style = None  # label style of this node ("num", "pnum", "alpha", "roman", "adot")
        self.dotted = False  # a "1." paragraph (its "(1)" children are points)

    def freeze(self, path: str) -> SourceNode:
        return SourceNode(
            self.address,
            self.label,
            self.kind,
            self.text,
            tuple(c.freeze(path) for c in self.children),
            self.heading or None,
            self.context,
            Pos(path, self.line, self.col),
        )


_ORDER = ["num", "pnum", "alpha", "roman", "adot"]


def _classify(label: str, paren: bool, stack: list[_Builder]) -> str:
    if not paren:
        return "adot"
    if label.isdigit():
        # "(1)" under a "1." paragraph is a point (definitions: "1. …: (1) …; (2) …")
        return "pnum" if any(n.style == "num" and n.dotted for n in stack) else "num"
    if not _ROMAN.match(label):
        return "alpha"
    # (i), (v), (x) … : a roman numeral unless it continues a lettered list
    for node in reversed(stack):
        if node.style == "roman" and node.children is not None:
            return "roman"
        if node.style == "alpha":
            if len(label) == 1 and len(node.label) == 1 and ord(label) == ord(node.label) + 1:
                return "alpha"
            return "roman"
    return "roman"


def parse_body(text: str, path: str, first_line: int) -> tuple[list[_Builder], list[_Builder]]:
    articles: list[_Builder] = []
    recitals: list[_Builder] = []
    seen_articles: set[str] = set()  # labels, for the duplicate checks (a list scan is quadratic)
    seen_recitals: set[str] = set()
    numbered: set[int] = set()  # id() of the articles holding a numbered paragraph
    article = None
    in_recitals = False
    stack: list[_Builder] = []  # open labelled nodes under the current article: deepest last
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        raw = lines[i].rstrip("\r")
        lineno = first_line + i
        if not raw.strip() or raw.strip() == "---":
            i += 1
            continue
        m = _ARTICLE.match(raw)
        if m:
            if m.group(1) in seen_articles:
                raise _error(path, lineno, f"Article {m.group(1)} appears twice")
            seen_articles.add(m.group(1))
            article = _Builder(m.group(1), m.group(1), "article", "", lineno)
            articles.append(article)
            stack = []
            in_recitals = False
            i += 1
            continue
        if _RECITALS.match(raw):
            in_recitals, article, stack = True, None, []
            i += 1
            continue
        if _NOTES.match(raw):  # skip to the next '## ' heading
            i += 1
            while i < len(lines) and not lines[i].startswith("## "):
                i += 1
            article, stack, in_recitals = None, [], False
            continue
        # a block: this line and the following non-blank lines
        block = [raw]
        i += 1
        while i < len(lines) and lines[i].strip() and not lines[i].startswith("#"):
            block.append(lines[i].rstrip("\r"))
            i += 1
        body = "\n".join(block)
        if in_recitals:
            m = _PAREN.match(body)
            if not m or not m.group(1).isdigit():
                raise _error(path, lineno, "a recital must start with its number, e.g. '(24) …'")
            if m.group(1) in seen_recitals:
                raise _error(path, lineno, f"recital ({m.group(1)}) appears twice")
            seen_recitals.add(m.group(1))
            recitals.append(
                _Builder(f"recital {m.group(1)}", m.group(1), "recital", m.group(2), lineno)
            )
            continue
        if article is None:
            raise _error(
                path, lineno, "text outside an article; start the body with '## Article N'"
            )
        m = _HEADING.match(body) if len(block) == 1 else None
        if m:
            if article.heading is not None or article.children or article.text:
                raise _error(
                    path, lineno, "an article heading must come right after '## Article N'"
                )
            heading = m.group(1).strip()
            article.heading = "" if heading == NO_HEADING else heading
            continue
        if body.startswith("#"):
            raise _error(
                path,
                lineno,
                f"unexpected heading {body.split()[0]!r}; only '## Article N', '## Recitals' and '### heading' are allowed",
            )
        m = _CONTEXT.match(body.rstrip()) if len(block) == 1 else None
        if m:
            article.context = m.group(1).strip()
            continue
        label = None
        m = _NUM.match(body)
        if m:
            label, rest, style = m.group(1), m.group(2), "num"
        else:
            m = _PAREN.match(body) or None
            if m:
                label, rest = m.group(1), m.group(2)
                style = _classify(label, True, stack)
            else:
                m = _ALPHA_DOT.match(body)
                if m and stack and stack[-1].style in ("roman", "adot"):
                    label, rest, style = m.group(1), m.group(2), "adot"
        if label is None:
            owner = stack[-1] if stack else article
            if not owner.children and not owner.text and not _DASH.match(body):
                owner.text = body  # the chapeau of the article or of the open node
            else:
                # a dash indent or closing words: part of the owner's text, with no address of its own
                node = _Builder(owner.address, "", "indent", body, lineno)
                owner.children.append(node)
            continue
        level = _ORDER.index(style)
        while stack and _ORDER.index(stack[-1].style) >= level:
            stack.pop()
        parent = stack[-1] if stack else article
        if style != "num" and parent is article and id(article) in numbered:
            raise _error(path, lineno, f"point ({label}) is not inside a numbered paragraph")
        address = f"{parent.address}({label})"
        if label in parent.labels:
            raise _error(
                path, lineno, f"duplicate label '{label}' in {addresses.display(parent.address)}"
            )
        node = _Builder(address, label, "paragraph" if style == "num" else "point", rest, lineno)
        node.style = style
        node.dotted = m is not None and m.re is _NUM
        parent.children.append(node)
        parent.labels.add(label)
        if style == "num":
            numbered.add(id(parent))
        stack.append(node)
    return articles, recitals


def _error(path: str, line: int, message: str) -> InputError:
    return InputError([Diagnostic(path, line, 1, "error", "source-syntax", message)])


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """Returns (front matter, body, 1-based line where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip("\r") != "---":
        raise _error(path, 1, "a source file must start with YAML front matter between '---' lines")
    for n in range(1, len(lines)):
        if lines[n].rstrip("\r") == "---":
            return "\n".join(lines[1:n]) + "\n", "\n".join(lines[n + 1 :]), n + 2
    raise _error(path, 1, "the front matter is not closed by a '---' line")


def load_source(path: Path, display_path: str, data: bytes | None = None) -> Source:
    """``data``: the file's bytes when the caller has read them already."""
    if data is None:
        data = yamlsafe.read(path, display_path)
    text = yamlsafe.decode(data, display_path)
    fm_text, body, body_line = split_front_matter(text, display_path)
    try:
        tree = yamlsafe.parse(fm_text, display_path)
    except InputError as exc:  # shift positions past the opening '---'
        raise InputError([_shift(d, 1) for d in exc.diagnostics]) from None
    diags: list[Diagnostic] = []
    meta = schema.read_flat_map(
        tree,
        FRONT_MATTER_KEYS,
        REQUIRED,
        display_path,
        diags,
        line_offset=1,
        what="source front matter",
    )
    if diags:
        raise InputError(diags)
    expected_id = path.stem
    if meta["id"] != expected_id:
        raise InputError(
            [
                Diagnostic(
                    display_path,
                    2,
                    1,
                    "error",
                    "schema",
                    f"source id '{meta['id']}' does not match the file name '{path.name}'",
                )
            ]
        )
    arts, recs = parse_body(body, display_path, body_line)
    articles = tuple(a.freeze(display_path) for a in arts)
    recitals = tuple(r.freeze(display_path) for r in recs)
    index: dict[str, SourceNode] = {}

    def add(node: SourceNode) -> None:
        if node.kind != "indent":
            index[node.address] = node
        for c in node.children:
            add(c)

    for node in articles + recitals:
        add(node)
    return Source(
        meta["id"], meta["title"], meta["short"], meta, articles, recitals, index, display_path
    )


def _shift(d: Diagnostic, lines: int) -> Diagnostic:
    return Diagnostic(d.path, d.line + lines, d.col, d.severity, d.code, d.message)


def nearby(source: Source, address: str) -> list[str]:
    """Addresses that exist near a missing one: its siblings, or the article's children."""
    parts = addresses.parse(address) or ()
    if parts[:1] == ("recital",):
        parts = ()  # recitals have no parents: list what there is
    for k in range(len(parts) - 1, 0, -1):
        parent = source.index.get(addresses.join(parts[:k]))
        if parent is not None:
            return [parent.address] + [c.address for c in parent.children]
    return [a.address for a in source.articles] + [r.address for r in source.recitals]


def missing(source: Source, address: str) -> str:
    """The message for an address a source does not hold, naming what is near it."""
    near = ", ".join(nearby(source, address)[:12])
    partial = (
        f" (shipped in part: {source.meta.get('included', 'some articles')})"
        if source.partial
        else ""
    )
    return f"{source.short} has no {addresses.display(address)}{partial}; nearby: {near}"
