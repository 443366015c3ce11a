"""Reader of clause files (``clauses/<id>.yaml``, §4)."""

from __future__ import annotations

import hashlib
from typing import cast

from ..diagnostics import Diagnostic
from ..errors import InputError
from ..model import Clause, ClauseKind, Paragraph, Pos, Provenance, Relation
from . import yamlsafe
from .schema import Reader

CLAUSE_KEYS = ("id", "title", "kind", "paragraphs", "notes")
#: The negotiation keys of a paragraph or point (§12), read by :mod:`.negotiation` (imported
#: only for the items that have them, or brackets in their text).
NEGOTIATION_KEYS = ("status", "groups", "alternatives", "reservations", "agreed")
ITEM_KEYS = ("text", "provenance", "points", *NEGOTIATION_KEYS)
PROVENANCE_KEYS = ("source", "at", "relation", "substitutions", "budget", "pin", "note")
RELATIONS = ("verbatim", "adapted", "new")
KINDS = ("article", "preamble", "testimonium")
MAX_POINT_DEPTH = 4
#: at most this many paragraphs in a clause, and points in one list: (a) … (zz)
MAX_PARAGRAPHS = 999
MAX_POINTS = 702


def load_clause(data: bytes, display_path: str, expected_id: str) -> Clause:
    """Bytes of one clause file → :class:`Clause`, or :class:`InputError` with every problem found."""
    tree = yamlsafe.load_bytes(data, display_path)
    diags: list[Diagnostic] = []
    r = Reader(display_path, diags)
    r.source = data  # for positions inside texts (an unbalanced bracket)
    if tree is None:
        raise InputError(
            [Diagnostic(display_path, 1, 1, "error", "empty-file", "the clause file is empty")]
        )
    node = r.mapping(tree, CLAUSE_KEYS, ("id", "paragraphs"), "clause")
    if node is None:
        raise InputError(diags)
    cid = r.string(node.items.get("id"), "id")
    if cid is not None and cid != expected_id:
        r.error(
            node.items["id"],
            "schema",
            f"clause id '{cid}' does not match its file name (expected '{expected_id}')",
        )
    title = r.string(node.items.get("title"), "title")
    kind = r.string(node.items.get("kind"), "kind") or "article"
    if kind not in KINDS:
        r.error(
            node.items["kind"], "schema", f"kind must be one of {', '.join(KINDS)}, not '{kind}'"
        )
    notes = r.string(node.items.get("notes"), "notes")
    paragraphs = _items(r, node.items.get("paragraphs"), ("paragraphs",), 1)
    if diags:
        raise InputError(diags)
    digest = hashlib.sha256(data).hexdigest()
    return Clause(
        expected_id,
        title,
        cast(ClauseKind, kind),  # checked against KINDS above
        paragraphs,
        notes,
        display_path,
        Pos(display_path, node.line, node.col),
        digest,
    )


def _items(r: Reader, node, key_path: tuple, depth: int) -> tuple[Paragraph, ...]:
    field = key_path[-1]
    if node is None:
        return ()
    if not isinstance(node, yamlsafe.YSeq):
        r.error(node, "wrong-type", f"'{field}' must be a list")
        return ()
    if depth > MAX_POINT_DEPTH:
        r.error(node, "schema", f"points nested deeper than {MAX_POINT_DEPTH} levels")
        return ()
    cap = MAX_PARAGRAPHS if depth == 1 else MAX_POINTS
    if len(node.items) > cap:
        r.error(
            node,
            "schema",
            f"{len(node.items):,} points in one list; the limit is {cap}, (a) to (zz)"
            if depth > 1
            else f"{len(node.items):,} paragraphs in one clause; the limit is {cap}",
        )
        return ()
    out = []
    for i, item in enumerate(node.items):
        what = "paragraph" if field == "paragraphs" else "point"
        m = r.mapping(item, ITEM_KEYS, ("text",), what)
        if m is None:
            continue
        text_node = m.items.get("text")
        text = r.string(text_node, "text")
        prov = _provenance(r, m.items.get("provenance"))
        points = _items(r, m.items.get("points"), key_path + (i, "points"), depth + 1)
        neg = None
        if any(k in m.items for k in NEGOTIATION_KEYS):
            from .negotiation import read as read_negotiation

            neg = read_negotiation(r, m, what)
        if text is None or text_node is None:
            continue
        if "[" in text or "]" in text:
            from .negotiation import check_brackets

            check_brackets(r, text, text_node, r.source)
        tpos = Pos(r.path, text_node.line, text_node.col)
        out.append(
            Paragraph(text, prov, points, Pos(r.path, m.line, m.col), tpos, key_path + (i,), neg)
        )
    return tuple(out)


def _provenance(r: Reader, node) -> Provenance | None:
    if node is None:
        return None
    m = r.mapping(node, PROVENANCE_KEYS, ("relation",), "provenance")
    if m is None:
        return None
    get = m.items.get
    relation = r.string(get("relation"), "relation")
    if relation is not None and relation not in RELATIONS:
        r.error(
            get("relation"),
            "schema",
            f"relation must be verbatim, adapted or new, not '{relation}'",
        )
    source = r.string(get("source"), "source")
    at = r.string(get("at"), "at")
    subs = r.string_list(get("substitutions"), "substitutions")
    budget = r.number(get("budget"), "budget")
    if budget is not None and not 0 <= budget <= 1:
        r.error(
            get("budget"),
            "schema",
            f"budget must be between 0 and 1 (a share of words), not {budget:g}",
        )
    pin = r.string(get("pin"), "pin")
    note = r.string(get("note"), "note")
    pos = Pos(r.path, m.line, m.col)
    if relation == "new":
        for key in ("source", "at", "substitutions", "budget", "pin"):
            if key in m.items:
                r.error(
                    m.keys[key],
                    "schema",
                    f"a 'new' paragraph has no '{key}'; remove it or change the relation",
                )
    elif relation in ("verbatim", "adapted"):
        for key in ("source", "at"):
            if key not in m.items:
                r.error(m, "missing-key", f"a '{relation}' paragraph needs '{key}'")
        if relation == "verbatim" and "budget" in m.items:
            r.error(m.keys["budget"], "schema", "a 'verbatim' paragraph has no budget")
    if relation not in RELATIONS:
        return None

    def at_pos(key):
        n = get(key)
        return Pos(r.path, n.line, n.col) if n is not None else None

    return Provenance(
        cast(Relation, relation),  # checked against RELATIONS above
        source,
        at,
        subs,
        budget,
        pin,
        note,
        pos,
        at_pos("at"),
        at_pos("pin"),
    )
