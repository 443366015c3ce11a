"""Terminal redline: ANSI colour on a terminal, ``[-old-]{+new+}`` otherwise.

Plain notation (also used, coloured, on a terminal):

- ``[-deleted-]`` and ``{+inserted+}``: drafting changes
- ``⟨rule: old→new⟩``: a named substitution, applied as is
- ``⟨rule: old→mid⟩[-mid-]{+new+}``: a substitution the drafters then edited
- ``{~old→new (kind)~}``: a format-only difference (whitespace kind, Unicode
  normalisation, quote style), whitespace made visible
"""

from __future__ import annotations

from ..display import visible
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

_RESET = "\x1b[0m"
_STYLE = {
    DELETE: "\x1b[31;9m",  # red, struck
    INSERT: "\x1b[32;4m",  # green, underlined
    RULE: "\x1b[36m",  # cyan
    FORMAT: "\x1b[33m",  # yellow
    "head": "\x1b[1m",
    "dim": "\x1b[2m",
}


def _paint(text: str, style: str, color: bool) -> str:
    text = visible(text)  # the text's own control characters shown, never obeyed
    if not color or not text:
        return text
    return f"{_STYLE[style]}{text}{_RESET}"


def change_text(c: Change, color: bool = False) -> str:
    if c.kind == EQUAL:
        return visible(c.new)
    if c.kind == DELETE:
        return _paint(c.old, DELETE, True) if color else f"[-{visible(c.old)}-]"
    if c.kind == INSERT:
        return _paint(c.new, INSERT, True) if color else f"{{+{visible(c.new)}+}}"
    if c.kind == FORMAT:
        return _paint(f"{{~{format_label(c.old, c.new)}~}}", FORMAT, color)
    if c.kind == RULE:
        return _paint(f"⟨{c.rule}: {c.old}→{c.new}⟩", RULE, color)
    if c.kind == RULE_EDIT:
        head = _paint(f"⟨{c.rule}: {c.old}→{c.mid}⟩", RULE, color)
        return (
            head
            + change_text(Change(DELETE, c.mid or "", ""), color)
            + (change_text(Change(INSERT, "", c.new), color) if c.new else "")
        )
    raise ValueError(c.kind)


def _indent(text: str, pad: str) -> str:
    return pad + text.replace("\n", "\n" + pad)


def render(redline: Redline, *, color: bool = False) -> str:
    lines = [_paint(title_line(redline), "head", color)]
    legend = [
        change_text(Change(DELETE, "deleted", ""), color),
        change_text(Change(INSERT, "", "inserted"), color),
    ]
    if redline.mode == "source" and not redline.raw:
        legend.append(_paint("⟨rule: source→substituted⟩", RULE, color))
    legend.append(_paint("{~format-only change~}", FORMAT, color))
    lines.append("Legend: " + " ".join(legend))
    for clause in redline.clauses:
        lines.append("")
        lines.append(_paint(clause.heading, "head", color))
        for note in clause.notes:
            lines.append(f"  {visible(note)}")
        for item in clause.items:
            lines.append(f"  {visible(item_heading(item))}")
            if redline.mode != "source" and item.status == "unchanged":
                continue  # against a draft, unchanged text is only named, not repeated
            body = "".join(change_text(c, color) for c in item.changes)
            lines.append(_indent(body, "    "))
            summary = item_summary(item)
            if summary:
                lines.append(_paint(f"    {summary}", "dim", color))
        lines.append(f"  {clause_summary(clause, redline.mode)}")
    return "\n".join(lines) + "\n"
