"""Markdown redline: ``<del>``/``<ins>`` inline HTML (rendered by GitHub and most
viewers), named substitutions in ``⟨…⟩``, format-only changes in ``⟦…⟧``.

Clause and source text is escaped for Markdown and HTML, so no text turns into
markup (a line starting "1990." stays text, ``<script>`` is shown, not run).
"""

from __future__ import annotations

import re

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

_INLINE = re.compile(r"([\\`*_\[\]{}~|#])")
_LINE_START = re.compile(r"^([ \t]*)(\d+)([.)])|^([ \t]*)([-+>=])", re.MULTILINE)


def escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE.sub(r"\\\1", text)
    return _LINE_START.sub(
        lambda m: (
            f"{m.group(1)}{m.group(2)}\\{m.group(3)}"
            if m.group(2)
            else f"{m.group(4)}\\{m.group(5)}"
        ),
        text,
    )


def change_text(c: Change) -> str:
    if c.kind == EQUAL:
        return escape(c.new)
    if c.kind == DELETE:
        return f"<del>{escape(c.old)}</del>"
    if c.kind == INSERT:
        return f"<ins>{escape(c.new)}</ins>"
    if c.kind == FORMAT:
        return f"⟦{escape(format_label(c.old, c.new))}⟧"
    if c.kind == RULE:
        return f"⟨*{escape(c.rule or '')}*: {escape(c.old)} → {escape(c.new)}⟩"
    if c.kind == RULE_EDIT:
        tail = f"<ins>{escape(c.new)}</ins>" if c.new else ""
        return f"⟨*{escape(c.rule or '')}*: {escape(c.old)} → {escape(c.mid or '')}⟩<del>{escape(c.mid or '')}</del>{tail}"
    raise ValueError(c.kind)


def render(redline: Redline) -> str:
    out = [f"# {escape(title_line(redline))}", ""]
    legend = "Legend: <del>deleted</del> · <ins>inserted</ins> · ⟦format-only change⟧"
    if redline.mode == "source" and not redline.raw:
        legend += " · ⟨*rule*: source → substituted⟩ named substitution"
    out += [legend, ""]
    for clause in redline.clauses:
        out += [f"## {escape(clause.heading)}", ""]
        for note in clause.notes:
            out += [f"- {escape(note)}"]
        if clause.notes:
            out.append("")
        for item in clause.items:
            out += [f"**{escape(item_heading(item))}**", ""]
            body = "".join(change_text(c) for c in item.changes)
            out += [body if body else "*(empty)*", ""]
            summary = item_summary(item)
            if summary:
                out += [f"*{escape(summary)}*", ""]
        out += [f"**{escape(clause_summary(clause, redline.mode))}**", ""]
    return "\n".join(out).rstrip("\n") + "\n"
