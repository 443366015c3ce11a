"""HTML redline: one self-contained page (inline CSS, no scripts, no external files).

Every paragraph's redline is a ``<div class="rl">`` holding only text, ``<del>``,
``<ins>`` and ``<span>``: removing every ``<del>`` leaves the clause text, removing
every ``<ins>`` leaves the source text (:func:`extract` does exactly that).  A
named substitution is ``<span class="rule">`` holding the source text in a
(hidden) ``<del>`` and the replacement in an ``<ins>``; a substitution the
drafters then edited additionally holds the substituted text as
``<ins><del>…</del></ins>`` (inserted by the rule, deleted by the drafters).
Format-only changes are ``<span class="fmt">`` with a dotted underline.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

from .model import (
    DELETE,
    EQUAL,
    FORMAT,
    INSERT,
    RULE,
    RULE_EDIT,
    Change,
    Redline,
    clause_summary,
    format_label,
    item_heading,
    item_summary,
    title_line,
)

CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 52em; margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ccc; } h3 { font-size: 1em; margin-bottom: .2em; }
.rl { white-space: pre-wrap; margin: .3em 0 .3em 1em; }
del { color: #a00; background: #fdd; text-decoration: line-through; }
ins { color: #060; background: #dfd; text-decoration: underline; }
.rule > del { display: none; }
.rule > ins { color: #036; background: #def; text-decoration: none; }
.rule > ins > del { color: #a00; background: #fdd; }
.rule::after { content: "\\27E8" attr(data-rule) "\\27E9"; font-size: .7em; vertical-align: super; color: #036; font-family: sans-serif; }
.fmt > del { display: none; }
.fmt > ins { color: inherit; background: #ffe9b3; text-decoration: underline dotted #b60; }
.summary { font-family: sans-serif; font-size: .9em; background: #f4f4f4; padding: .3em .6em; }
.item-summary, .note { font-family: sans-serif; font-size: .8em; color: #555; margin: 0 0 1em 1.2em; }
.approximate { font-family: sans-serif; background: #fff3cd; border: 1px solid #e0b000; padding: .4em .6em; }
.legend { font-family: sans-serif; font-size: .85em; border: 1px solid #ccc; padding: .4em .6em; }
.legend span, .legend del, .legend ins { margin-right: .3em; }
""".strip()


def _t(text: str) -> str:
    return html.escape(text, quote=False).replace("\r", "&#13;")


def _a(text: str) -> str:
    return html.escape(text, quote=True).replace("\r", "&#13;").replace("\n", "&#10;")


def change_html(c: Change) -> str:
    if c.kind == EQUAL:
        return _t(c.new)
    if c.kind == DELETE:
        return f"<del>{_t(c.old)}</del>"
    if c.kind == INSERT:
        return f"<ins>{_t(c.new)}</ins>"
    if c.kind == FORMAT:
        title = format_label(c.old, c.new)
        return f'<span class="fmt" title="{_a(title)}"><del>{_t(c.old)}</del><ins>{_t(c.new)}</ins></span>'
    if c.kind == RULE:
        title = f"{c.rule}: {c.old} → {c.new}"
        return f'<span class="rule" data-rule="{_a(c.rule or "")}" title="{_a(title)}"><del>{_t(c.old)}</del><ins>{_t(c.new)}</ins></span>'
    if c.kind == RULE_EDIT:
        title = f"{c.rule}: {c.old} → {c.mid}, then edited by the drafters"
        head = (
            f'<span class="rule edited" data-rule="{_a(c.rule or "")}" title="{_a(title)}">'
            f"<del>{_t(c.old)}</del><ins><del>{_t(c.mid or '')}</del></ins></span>"
        )
        return head + (f"<ins>{_t(c.new)}</ins>" if c.new else "")
    raise ValueError(c.kind)


def render(redline: Redline) -> str:
    title = title_line(redline)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="generator" content="treatydraft">',
        f"<title>{_t(title)}</title>",
        f"<style>\n{CSS}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{_t(title)}</h1>",
    ]
    if redline.approximate:
        out.append(
            '<p class="approximate">Approximate: some diffs hit the time limit and were made at sentence or paragraph level.</p>'
        )
    legend = ['<div class="legend">Legend: <del>deleted</del> <ins>inserted</ins>']
    if redline.mode == "source" and not redline.raw:
        legend.append('<span class="rule" data-rule="rule"><ins>named substitution</ins></span>')
    legend.append(
        '<span class="fmt"><ins>format-only change</ins></span> (whitespace kind, Unicode normalisation, quote style; hover for details)</div>'
    )
    out.append(" ".join(legend))
    for clause in redline.clauses:
        out.append(f'<section class="clause" id="clause-{_a(clause.clause_id)}">')
        out.append(f"<h2>{_t(clause.heading)}</h2>")
        out.append(f'<p class="summary">{_t(clause_summary(clause, redline.mode))}</p>')
        for note in clause.notes:
            out.append(f'<p class="note">{_t(note)}</p>')
        for item in clause.items:
            out.append(
                f'<div class="item" data-key="{_a(item.key)}" data-status="{_a(item.status)}">'
            )
            out.append(f"<h3>{_t(item_heading(item))}</h3>")
            out.append(f'<div class="rl">{"".join(change_html(c) for c in item.changes)}</div>')
            summary = item_summary(item)
            if summary:
                out.append(f'<p class="item-summary">{_t(summary)}</p>')
            out.append("</div>")
        out.append("</section>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pairs: list[tuple[str, str]] = []
        self.inside = False
        self.stack: list[str] = []
        self.old: list[str] = []
        self.new: list[str] = []

    def handle_starttag(self, tag, attrs):
        if not self.inside:
            classes = (dict(attrs).get("class") or "").split()
            if tag == "div" and "rl" in classes:
                self.inside, self.stack, self.old, self.new = True, [], [], []
            return
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if not self.stack:
            if tag == "div":
                self.pairs.append(("".join(self.old), "".join(self.new)))
                self.inside = False
            return
        while self.stack:
            if self.stack.pop() == tag:
                break

    def handle_data(self, data):
        if not self.inside:
            return
        if "ins" not in self.stack:
            self.old.append(data)
        if "del" not in self.stack:
            self.new.append(data)


def extract(page: str) -> list[tuple[str, str]]:
    """``(source, clause)`` of every redline paragraph: the text without ``<ins>``, and without ``<del>``."""
    parser = _Extractor()
    parser.feed(page)
    parser.close()
    return parser.pairs
