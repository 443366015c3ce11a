"""Named substitution rules and the rule-aware redline (pure).

Rules come from the project config as ``{rule name: {pattern: replacement}}``.
They are applied to the source side in one pass; the substituted text is then
diffed against the clause and each rule application is reported as one
``rule`` op in source coordinates.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from treatydraft import diffing
from treatydraft.diffing import DiffResult, Op

__all__ = ["Segment", "apply", "counts", "edits_rule", "redline", "substituted", "to_source"]

Rules = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class Segment:
    """A piece of the substituted text and the source text it came from."""

    text: str
    original: str
    rule: str | None


@functools.cache
def _boundaries() -> tuple[str, str, str, re.Pattern[str]]:
    """Lookarounds: before a word, after a word, after anything; word-char test."""
    marks = f"[{diffing.mark_class()}]"
    word_char = f"[^\\W{diffing.CJK_RANGES}]"  # CJK is one token per character
    word_like = f"{word_char}|{marks}"
    return f"(?<!{word_like})", f"(?!{word_like})", f"(?!{marks})", re.compile(word_char)


def _compile(
    rules: Rules, names: Sequence[str]
) -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    """One alternation of every pattern, longest first; earlier rule wins ties."""
    before, after_word, after_other, word_char = _boundaries()
    chosen: dict[str, tuple[int, str, str]] = {}
    for rank, name in enumerate(names):
        for pattern, replacement in rules[name].items():
            if pattern and pattern not in chosen:
                chosen[pattern] = (rank, name, replacement)
    ordered = sorted(chosen, key=lambda p: (-len(p), chosen[p][0], p))
    alternatives = []
    for pattern in ordered:
        head = before if word_char.match(pattern[0]) else ""
        tail = after_word if word_char.match(pattern[-1]) else after_other
        alternatives.append(f"{head}{re.escape(pattern)}{tail}")
    table = {p: (chosen[p][1], chosen[p][2]) for p in ordered}
    return re.compile("|".join(alternatives)), table


#: (rule names, their tables) -> compiled alternation; ``check`` applies the same few
#: rule sets to thousands of paragraphs.
_COMPILED: dict = {}


def _compiled(
    rules: Rules, names: Sequence[str]
) -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    key = tuple((name, tuple(rules[name].items())) for name in names)
    hit = _COMPILED.get(key)
    if hit is None:
        if len(_COMPILED) > 256:
            _COMPILED.clear()
        hit = _COMPILED[key] = _compile(rules, names)
    return hit


def apply(text: str, rules: Rules, names: Sequence[str]) -> list[Segment]:
    """Apply the named rules to ``text`` in one pass.

    Patterns match case-sensitively at word boundaries, longest first; when two
    rules share a pattern the one named earlier wins.  An unknown rule name
    raises ``KeyError``.
    """
    missing = [name for name in names if name not in rules]
    if missing:
        raise KeyError(missing[0])
    if not any(p for name in names for p in rules[name]):
        return [Segment(text, text, None)] if text else []
    regex, table = _compiled(rules, names)
    segments: list[Segment] = []
    pos = 0
    for m in regex.finditer(text):
        if m.start() > pos:
            plain = text[pos : m.start()]
            segments.append(Segment(plain, plain, None))
        name, replacement = table[m.group()]
        segments.append(Segment(replacement, m.group(), name))
        pos = m.end()
    if pos < len(text):
        segments.append(Segment(text[pos:], text[pos:], None))
    return segments


def substituted(segments: Sequence[Segment]) -> str:
    """The text after substitution."""
    return "".join(seg.text for seg in segments)


def counts(segments: Sequence[Segment]) -> dict[str, int]:
    """Rule name -> number of applications."""
    return dict(Counter(seg.rule for seg in segments if seg.rule is not None))


def redline(
    source: str,
    clause: str,
    rules: Rules,
    names: Sequence[str],
    *,
    timeout: float = 2.0,
    raw: bool = False,
) -> DiffResult:
    """Redline of ``source`` against ``clause`` with the named rules applied first.

    The ops rebuild the original source (old side) and the clause (new side).
    A rule application whose replacement survives intact (equal or format only)
    is one ``rule`` op; one the clause edits becomes part of a delete + insert.
    ``raw=True`` gives the plain diff without rules.
    """
    if raw or not names:
        return diffing.diff(source, clause, timeout=timeout)
    segments = apply(source, rules, names)
    base = diffing.diff(substituted(segments), clause, timeout=timeout)
    return to_source(base, segments, source, clause)


def to_source(
    base: DiffResult, segments: Sequence[Segment], source: str, clause: str
) -> DiffResult:
    """The redline of ``source`` against ``clause`` from ``base``, the diff of the substituted
    text (``segments``) against ``clause``: each rule application one ``rule`` op, or part of a
    delete + insert where the clause edits it. Verified to rebuild both texts."""
    ops = diffing.coalesce(_to_source(base.ops, segments))
    diffing.verify(ops, source, clause)
    return DiffResult(tuple(ops), base.approximate, base.granularity)


def edits_rule(ops: Sequence[Op], segments: Sequence[Segment]) -> bool:
    """Whether any op of a diff of the substituted text other than ``equal`` reaches a rule
    application (touching its ends counts). When none does, :func:`to_source` leaves every
    change as it is and turns each rule application into one ``rule`` op: what the change
    measure counts can be read from ``ops`` directly."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for seg in segments:
        end = pos + len(seg.text)
        if seg.rule is not None:
            spans.append((pos, end))
        pos = end
    if not spans:
        return False
    k = 0
    pos = 0
    for op in ops:
        end = pos + len(op.old)
        if op.kind != diffing.EQUAL:
            while k < len(spans) and spans[k][1] < pos:
                k += 1
            if k < len(spans) and spans[k][0] <= end:
                return True
        pos = end
    return False


def _split_equal(ops: Sequence[Op], cuts: set[int]) -> list[tuple[int, int, Op]]:
    """Ops with their old-side range; equal ops are cut at every point in ``cuts``."""
    out: list[tuple[int, int, Op]] = []
    pos = 0
    for op in ops:
        end = pos + len(op.old)
        if op.kind == diffing.EQUAL:
            inner = sorted(c for c in cuts if pos < c < end)
            start = pos
            for c in [*inner, end]:
                piece = op.old[start - pos : c - pos]
                out.append((start, c, Op(diffing.EQUAL, piece, piece)))
                start = c
        else:
            out.append((pos, end, op))
        pos = end
    return out


def _to_source(ops: Sequence[Op], segments: Sequence[Segment]) -> list[Op]:
    """Map ops on the substituted text back to source coordinates."""
    spans: list[tuple[int, int, Segment]] = []
    pos = 0
    for seg in segments:
        spans.append((pos, pos + len(seg.text), seg))
        pos += len(seg.text)
    rule_spans = [s for s in spans if s[2].rule is not None]
    items = _split_equal(ops, {p for a, b, _ in rule_spans for p in (a, b)})

    def touches(item: tuple[int, int, Op], a: int, b: int) -> bool:
        start, end, _ = item
        if a == b:
            return start < a < end
        if start == end:
            return a < start < b
        return start < b and end > a

    # Clusters of item indices that overlap each rule segment, merged when they share items.
    clusters: list[list[int]] = []  # [first, last, span index...]
    loose: list[int] = []  # empty rule segments touching no op
    first_candidate = 0
    for k, (a, b, _) in enumerate(rule_spans):
        while first_candidate < len(items) and items[first_candidate][1] < a:
            first_candidate += 1
        hit = []
        for idx in range(first_candidate, len(items)):
            if items[idx][0] > b:
                break
            if touches(items[idx], a, b):
                hit.append(idx)
        if not hit:
            loose.append(k)
        elif clusters and hit[0] <= clusters[-1][1]:
            clusters[-1][1] = max(clusters[-1][1], hit[-1])
            clusters[-1].append(k)
        else:
            clusters.append([hit[0], hit[-1], k])

    def source_text(x: int, y: int) -> str:
        parts = []
        for a, b, seg in spans:
            if seg.rule is None:
                lo, hi = max(a, x), min(b, y)
                if lo < hi:
                    parts.append(seg.original[lo - a : hi - a])
            elif (a < b and x <= a and b <= y) or (a == b and x < a < y):
                parts.append(seg.original)
        return "".join(parts)

    # An empty rule segment strictly inside a cluster belongs to that cluster.
    for k in list(loose):
        p = rule_spans[k][0]
        for cl in clusters:
            if items[cl[0]][0] < p < items[cl[1]][1]:
                cl.append(k)
                loose.remove(k)
                break

    out: list[Op] = []
    pending = [rule_spans[k] for k in loose]

    def emit_loose(upto: int) -> None:
        while pending and pending[0][0] <= upto:
            seg = pending.pop(0)[2]
            out.append(Op(diffing.RULE, seg.original, seg.text, seg.rule))

    idx = 0
    cluster_iter = iter(clusters)
    cluster: list[int] | None = next(cluster_iter, None)
    while idx < len(items):
        start, end, op = items[idx]
        emit_loose(start)
        if cluster is not None and idx == cluster[0]:
            first, last, *members = cluster
            x, y = items[first][0], items[last][1]
            group = [it[2] for it in items[first : last + 1]]
            new_text = "".join(o.new for o in group)
            a, b, seg = rule_spans[members[0]]
            if (
                len(members) == 1
                and (x, y) == (a, b)
                and all(o.kind in (diffing.EQUAL, diffing.FORMAT) for o in group)
            ):
                out.append(Op(diffing.RULE, seg.original, new_text, seg.rule))
            else:
                out.append(Op(diffing.DELETE, source_text(x, y), ""))
                out.append(Op(diffing.INSERT, "", new_text))
            idx = last + 1
            cluster = next(cluster_iter, None)
            continue
        out.append(op)
        idx += 1
    emit_loose(len(substituted(segments)))
    return out
