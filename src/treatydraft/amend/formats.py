"""Amendment lists as text (term), Markdown (md) and JSON; every one reads back with
:func:`treatydraft.amend.grammar.parse` (Markdown after unescaping)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .grammar import Rendered, escape_md

NOTE = "Article, paragraph and point numbers refer to the earlier draft."
EMPTY = "No amendments: the two drafts are the same."


def _groups(items: Sequence[Rendered]) -> list[tuple[str, list[Rendered]]]:
    out: list[tuple[str, list[Rendered]]] = []
    for r in items:
        if not out or out[-1][0] != r.group:
            out.append((r.group, []))
        out[-1][1].append(r)
    return out


def _intro(title: str, against: str, style: str, proposer: str | None) -> str:
    by = f" Proposed by {proposer}." if proposer else ""
    return f"Against {against}; style {style}.{by} {NOTE}"


def term(items, *, title: str, against: str, style: str, proposer: str | None = None) -> str:
    lines = [f"Amendments to {title}"]
    lines.append(_intro(title, against, style, proposer))
    if not items:
        lines += ["", EMPTY]
    for group, rs in _groups(items):
        lines += ["", group]
        for r in rs:
            lines.extend(r.lines)
    return "\n".join(lines) + "\n"


def md(items, *, title: str, against: str, style: str, proposer: str | None = None) -> str:
    lines = [
        f"# Amendments to {escape_md(title)}",
        "",
        escape_md(_intro(title, against, style, proposer)),
    ]
    if not items:
        lines += ["", EMPTY]
    for group, rs in _groups(items):
        lines += ["", f"## {escape_md(group)}", ""]
        for r in rs:
            lines.extend(escape_md(x) for x in r.lines)
    return "\n".join(lines) + "\n"


def _units(units) -> list:
    return [{"text": u.text, "items": _units(u.items)} for u in units]


def as_json(items, *, title: str, against: str, style: str, proposer: str | None = None) -> str:
    out = []
    for r in items:
        ins = r.instruction
        d: dict = {
            "number": r.number,
            "group": r.group,
            "kind": ins.kind,
            "text": "\n".join(r.lines),
            "part": {"kind": ins.part.kind, "number": ins.part.number or None},
            "path": list(ins.path),
        }
        if ins.kind == "words":
            d.update(op=ins.op, old=ins.old, new=ins.new, which=ins.which)
        if ins.unit is not None:
            d["unit"] = _units((ins.unit,))[0]
        if ins.kind == "insert-unit" or ins.kind == "insert-article":
            d.update(where=ins.where, sibling=ins.sibling)
        if ins.kind == "insert-article":
            d.update(title=ins.title, units=_units(ins.units), label=ins.label)
        if ins.kind == "heading":
            d["new"] = ins.new
        if ins.kind == "renumber":
            d["labels"] = [list(p) for p in ins.labels]
        out.append(d)
    doc = {
        "title": title,
        "against": against,
        "style": style,
        "proposer": proposer,
        "note": NOTE,
        "instructions": out,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


FORMATS = {"term": term, "md": md, "json": as_json}


def text_of(data: str, name: str) -> tuple[str, bool]:
    """The instruction text of a file in any format: (text, is markdown)."""
    stripped = data.lstrip()
    if stripped.startswith("{"):
        doc = json.loads(data)
        if not isinstance(doc, dict) or not isinstance(doc.get("instructions"), list):
            raise ValueError("a JSON amendment list has an 'instructions' list")
        texts = []
        for item in doc["instructions"]:
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValueError("each JSON instruction has its 'text'")
            texts.append(item["text"])
        return ("\n".join(texts) if texts else EMPTY) + "\n", False
    return data, stripped.startswith("# ") or name.endswith(".md")
