"""Machine-readable redline (schema: ``docs/redline-json.md``)."""

from __future__ import annotations

import json

from .model import FORMAT, RULE, RULE_EDIT, ClauseRedline, ItemRedline, Redline, format_category

SCHEMA = "treatydraft-redline"
VERSION = 1


def _op(c) -> dict:
    d = {"kind": c.kind, "old": c.old, "new": c.new}
    if c.kind in (RULE, RULE_EDIT):
        d["rule"] = c.rule
    if c.kind == RULE_EDIT:
        d["mid"] = c.mid
    if c.kind == FORMAT:
        d["category"] = format_category(c.old, c.new)
    return d


def _item(i: ItemRedline) -> dict:
    return {
        "key": i.key,
        "where": i.where,
        "status": i.status,
        "relation": i.relation,
        "source": {"id": i.source_id, "at": i.source_at, "display": i.source_ref}
        if i.source_id
        else None,
        "note": i.note,
        "changed_words": i.changed_words,
        "total_words": i.total_words,
        "share": round(i.share, 6),
        "budget": i.budget,
        "over_budget": i.over_budget,
        "rules": i.rules,
        "rules_edited": i.rules_edited,
        "format_changes": i.format_changes,
        "approximate": i.approximate,
        "granularity": i.granularity,
        "old": i.old,
        "new": i.new,
        "ops": [_op(c) for c in i.changes],
    }


def _clause(c: ClauseRedline, mode: str) -> dict:
    return {
        "id": c.clause_id,
        "kind": c.kind,
        "number": c.number,
        "old_number": c.old_number,
        "heading": c.heading,
        "status": c.status,
        "notes": list(c.notes),
        "summary": {
            "relations": c.relations,
            "changed_words": c.changed_words,
            "total_words": c.total_words,
            "share": round(c.share, 6),
            "over_budget": [i.where for i in c.items if i.over_budget],
            "rules": c.rules,
            "rules_edited": c.rules_edited,
            "format_changes": c.format_changes,
            "approximate": c.approximate,
            "renumbered": c.renumbered,
        },
        "items": [_item(i) for i in c.items],
    }


def render(redline: Redline) -> str:
    doc = {
        "schema": SCHEMA,
        "version": VERSION,
        "title": redline.title,
        "against": {
            "kind": redline.mode,
            "ref": None if redline.mode == "source" else redline.against,
        },
        "raw": redline.raw,
        "approximate": redline.approximate,
        "clauses": [_clause(c, redline.mode) for c in redline.clauses],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def extract(text: str) -> list[tuple[str, str]]:
    """``(old, new)`` rebuilt from the ops of every item (not from its ``old``/``new`` fields)."""
    doc = json.loads(text)
    return [
        ("".join(op["old"] for op in item["ops"]), "".join(op["new"] for op in item["ops"]))
        for clause in doc["clauses"]
        for item in clause["items"]
    ]
