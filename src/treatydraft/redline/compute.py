"""Redline against the source (pure): each paragraph/point with provenance against the
source text at its address, named substitutions applied first.

Clause text is compared *as assembled*: ``{{ ref("id") }}`` is resolved to "Article 5"
exactly as ``build`` prints it, so the redline shows what the treaty says.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import addresses, diffing, measure, substitution
from ..assemble import _Numbers, _substitute
from ..model import Clause, Paragraph, Project
from ..numbering import describe, label
from ..text import fold
from .model import (
    DELETE,
    EQUAL,
    FORMAT,
    INSERT,
    RULE,
    RULE_EDIT,
    Change,
    ClauseRedline,
    ItemRedline,
    Redline,
)

DEFAULT_TIMEOUT = 2.0


def item_key(key_path: tuple) -> str:
    """``("paragraphs", 1, "points", 0)`` → ``"2.a"``."""
    parts = []
    for depth, i in enumerate(range(1, len(key_path), 2), start=1):
        parts.append(label(key_path[i], depth))
    return ".".join(parts)


def clause_heading(clause: Clause, number: int | None) -> str:
    if clause.kind == "preamble":
        base = "Preamble"
    elif clause.kind == "testimonium":
        base = "Testimonium"
    elif number is not None:
        base = f"Article {number}"
    else:
        base = f"Clause {clause.id} (not in the outline)"
    return f"{base} — {clause.title}" if clause.title and clause.title != base else base


def outline_clauses(project: Project, ids: Sequence[str] | None) -> list[Clause]:
    """The clauses to redline, in outline order (unknown ids raise ``UsageError``)."""
    from ..errors import UsageError

    if ids:
        for cid in ids:
            if cid not in project.clauses:
                known = ", ".join(sorted(project.clauses)) or "none"
                raise UsageError(f"unknown clause '{cid}' (clauses: {known})")
        wanted = list(dict.fromkeys(ids))
        order = {e.clause_id: n for n, e in enumerate(project.outline)}
        return [
            project.clauses[c] for c in sorted(wanted, key=lambda c: (order.get(c, len(order)), c))
        ]
    seen: dict[str, Clause] = {}
    for e in project.outline:
        if e.clause_id in project.clauses and e.clause_id not in seen:
            seen[e.clause_id] = project.clauses[e.clause_id]
    return list(seen.values())


def changes_from_ops(ops: Sequence[diffing.Op]) -> tuple[Change, ...]:
    return tuple(Change(op.kind, op.old, op.new, op.rule) for op in ops)


def _rule_aware(source: str, clause: str, rules, names: Sequence[str], timeout: float):
    """Changes with edited rule applications folded into ``rule-edit`` changes."""
    result = substitution.redline(source, clause, rules, names, timeout=timeout)
    segments = substitution.apply(source, rules, names)
    spans = []  # (start, end, segment) in source coordinates
    pos = 0
    for seg in segments:
        spans.append((pos, pos + len(seg.original), seg))
        pos += len(seg.original)

    def mid_of(a: int, b: int) -> tuple[str, list[str]]:
        text, names_hit = [], []
        for s, e, seg in spans:
            if e <= a or s >= b:
                continue
            if seg.rule is not None and a <= s and e <= b:
                text.append(seg.text)
                names_hit.append(seg.rule)
            else:
                text.append(seg.original[max(a, s) - s : min(b, e) - s])
        return "".join(text), names_hit

    out: list[Change] = []
    edited: dict[str, int] = {}
    ops = result.ops
    pos = 0
    i = 0
    while i < len(ops):
        op = ops[i]
        if op.kind == DELETE:
            mid, hit = mid_of(pos, pos + len(op.old))
            pos += len(op.old)
            new = ""
            if i + 1 < len(ops) and ops[i + 1].kind == INSERT:
                new = ops[i + 1].new
                i += 1
            if hit:
                for name in hit:
                    edited[name] = edited.get(name, 0) + 1
                out.append(Change(RULE_EDIT, op.old, new, "+".join(dict.fromkeys(hit)), mid))
            else:
                out.append(Change(DELETE, op.old, ""))
                if new:
                    out.append(Change(INSERT, "", new))
        else:
            pos += len(op.old)
            out.append(Change(op.kind, op.old, op.new, op.rule))
        i += 1
    return result, tuple(out), substitution.counts(segments), edited


def _stats(ops) -> tuple[int, int]:
    m = measure.of_ops(ops)
    return m.changed, m.total


def compare_texts(
    old: str,
    new: str,
    *,
    rules=None,
    names: Sequence[str] = (),
    raw: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> dict:
    """The fields of an :class:`ItemRedline` comparing two texts (verified)."""
    if names and not raw:
        result, changes, counts, edited = _rule_aware(old, new, rules, names, timeout)
    else:
        result = diffing.diff(old, new, timeout=timeout)
        changes, counts, edited = changes_from_ops(result.ops), {}, {}
    diffing.verify([diffing.Op(c.kind, c.old, c.new) for c in changes], old, new)
    changed, total = _stats(result.ops)
    return dict(
        changes=changes,
        old=old,
        new=new,
        rules=counts,
        rules_edited=edited,
        changed_words=changed,
        total_words=total,
        approximate=result.approximate,
        granularity=result.granularity,
    )


def insertion(text: str) -> dict:
    changes = (Change(INSERT, "", text),) if text else ()
    changed, total = _stats([diffing.Op(INSERT, "", text)])
    return dict(changes=changes, old="", new=text, changed_words=changed, total_words=total)


def deletion(text: str) -> dict:
    changes = (Change(DELETE, text, ""),) if text else ()
    changed, total = _stats([diffing.Op(DELETE, text, "")])
    return dict(changes=changes, old=text, new="", changed_words=changed, total_words=total)


def against_source(
    project: Project,
    clause_ids: Sequence[str] | None = None,
    *,
    raw: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    progress=None,
) -> Redline:
    """Every selected clause against the source articles its provenance names.
    ``progress``: called once per clause done."""
    from ..provenance import resolve

    numbers = _Numbers(project)
    rules = project.rule_map()
    clauses = []
    for clause in outline_clauses(project, clause_ids):
        number = numbers.articles.get(clause.id, (None, 0))[0]
        items = []
        for item in clause.walk():
            items.append(_source_item(project, clause, item, numbers, rules, raw, timeout, resolve))
        clauses.append(
            ClauseRedline(
                clause.id,
                clause.kind,
                number,
                clause_heading(clause, number),
                "compared",
                tuple(items),
            )
        )
        if progress is not None:
            progress()
    return Redline(project.title, "source", "source", raw, tuple(clauses))


def _source_item(
    project, clause: Clause, item: Paragraph, numbers, rules, raw, timeout, resolve
) -> ItemRedline:
    text = _substitute(item.text, numbers)
    key, where = item_key(item.key_path), describe(item.key_path)
    prov = item.provenance
    if prov is None or prov.relation == "new":
        return ItemRedline(key, where, "new", relation="new" if prov else None, **insertion(text))
    diags: list = []
    res = resolve(project, clause, item, diags)
    if res is None:
        why = diags[0].message if diags else "its source cannot be found"
        return ItemRedline(
            key,
            where,
            "unresolved",
            relation=prov.relation,
            note=why,
            changes=(Change(EQUAL, text, text),) if text else (),
            old=text,
            new=text,
        )
    src = project.sources[prov.source]
    ref = f"{src.short}, {addresses.display(res.node.address)}"
    unknown = [n for n in prov.substitutions if n not in rules]
    if unknown and not raw:
        return ItemRedline(
            key,
            where,
            "unresolved",
            relation=prov.relation,
            source_id=src.id,
            source_at=res.node.address,
            source_ref=ref,
            note=f"unknown substitution rule '{unknown[0]}'",
            changes=(Change(EQUAL, text, text),) if text else (),
            old=text,
            new=text,
        )
    budget = prov.budget if prov.budget is not None else project.default_budget
    fields = compare_with_source(
        res.source_text, text, rules=rules, names=prov.substitutions, raw=raw, timeout=timeout
    )
    return ItemRedline(
        key,
        where,
        "compared",
        relation=prov.relation,
        source_id=src.id,
        source_at=res.node.address,
        source_ref=ref,
        budget=budget if prov.relation == "adapted" else None,
        **fields,
    )


def compare_with_source(
    source: str,
    text: str,
    *,
    rules,
    names: Sequence[str],
    raw: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> dict:
    """The fields of an :class:`ItemRedline` comparing a paragraph (references resolved) with
    its source text: the diff shown (``raw``: without rules) and the change measure of
    :mod:`treatydraft.measure`, which is always taken with the rules."""
    fields = compare_texts(source, text, rules=rules, names=names, raw=raw, timeout=timeout)
    measured = measure.first_reading(text)
    if (
        raw
        or timeout != measure.TIMEOUT
        or fold(source) != source
        or fold(text) != text
        or measured != text
    ):
        # the diff shown is not the one the measure reads: take the measure's own
        m = measure.of_texts(source, measured, rules, names)
        fields.update(changed_words=m.changed, total_words=m.total)
    return fields


__all__ = [
    "against_source",
    "compare_texts",
    "compare_with_source",
    "clause_heading",
    "outline_clauses",
    "item_key",
    "FORMAT",
    "RULE",
]
