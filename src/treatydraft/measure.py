"""The one change measure: how much of a source paragraph the drafters changed (pure).

Every command that shows or holds a paragraph to a budget (``check``, ``redline``,
``table``, ``export``) reads it from here, computed on the same text:

* the clause side is the paragraph *as the draft prints it*: cross-references
  (``{{ ref("scope", 1) }}``) resolved to "Article 1, paragraph 1" exactly as
  ``build`` does;
* both sides are folded (NFC, whitespace runs as one space);
* the paragraph's named substitutions are applied to the source first, so a rule
  application that survives is not a change;
* a *change* is a run of deleted and/or inserted text between unchanged text; it
  counts the larger of its deleted and inserted word counts (a replaced word is
  one change of one word, not two);
* the share is the changed words over the words of the source text at the
  address: "5 of 38 source words changed (13%)".

Differences only in whitespace kind, quote style or Unicode form are not changes.
A source with no words counts as fully changed when anything was inserted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from . import diffing, substitution
from .diffing import DELETE, INSERT, Op, _count_words, rebuild_old
from .text import fold

__all__ = ["Measure", "of_ops", "of_texts", "of_item", "clause_text", "TIMEOUT"]

#: The diff time limit of the measure: the same everywhere, whatever a command's own limit.
TIMEOUT = 2.0


def percent(share: float) -> str:
    return f"{share:.0%}"


@dataclass(frozen=True, slots=True)
class Measure:
    """``changed`` of the ``total`` words of the source changed."""

    changed: int
    total: int

    @property
    def share(self) -> float:
        if self.total:
            return self.changed / self.total
        return 1.0 if self.changed else 0.0

    def over(self, budget: float | None) -> bool:
        """Whether the share exceeds ``budget`` (a share; ``None`` is no budget)."""
        return budget is not None and self.share > budget + 1e-9

    def text(
        self, basis: str = "source", budget: float | None = None, *, near: float | None = None
    ) -> str:
        """``"5 of 38 source words changed (13%)"``; ``basis`` names the old side (a redline
        against an earlier version says "earlier"). With no old words: ``"10 words added"``.
        With a budget: ``"… (13%, budget 15%)"``, and ``" — OVER BUDGET"`` when over it.
        The share gets a decimal when rounding would hide its side of ``budget`` (or of
        ``near``, a budget named elsewhere): ``"15.4%"`` against 15%."""
        extra = ""
        if budget is not None:
            extra = f", budget {percent(budget)}" + (" — OVER BUDGET" if self.over(budget) else "")
        if not self.total and self.changed:
            return f"{self.changed} words added" + (f" ({extra[2:]})" if extra else "")
        shown = self.percent(budget if budget is not None else near)
        return f"{self.changed} of {self.total} {basis} words changed ({shown}{extra})"

    def percent(self, budget: float | None = None) -> str:
        """The share as a whole percentage; with one decimal when it rounds to ``budget``
        without being equal to it."""
        shown = percent(self.share)
        if budget is not None and shown == percent(budget) and self.over(budget):
            return f"{self.share:.1%}"
        return shown

    def __add__(self, other: Measure) -> Measure:
        return Measure(self.changed + other.changed, self.total + other.total)


def of_ops(ops: Iterable[Op]) -> Measure:
    """The measure of a diff whose old side is the source (rule ops are not changes)."""
    ops = tuple(ops)
    return Measure(_changed(ops), _count_words(rebuild_old(ops)))


def _changed(ops: Sequence[Op]) -> int:
    """The changed words of ``ops``: each run of deletes and inserts counts the larger of its
    deleted and inserted word counts."""
    changed = 0
    deleted: list[str] = []
    inserted: list[str] = []

    def close() -> int:
        n = max(_count_words(" ".join(deleted)), _count_words(" ".join(inserted)))
        deleted.clear()
        inserted.clear()
        return n

    for op in ops:
        if op.kind == DELETE:
            deleted.append(op.old)
        elif op.kind == INSERT:
            inserted.append(op.new)
        elif deleted or inserted:
            changed += close()
    changed += close()
    return changed


def of_texts(
    source: str,
    clause: str,
    rules: Mapping[str, Mapping[str, str]],
    names: Sequence[str],
    *,
    folded: bool = False,
) -> Measure:
    """The measure of ``clause`` (references already resolved) against ``source``;
    ``folded``: both are folded already (:func:`treatydraft.text.fold`)."""
    if not folded:
        source, clause = fold(source), fold(clause)
    if not names:
        return of_ops(diffing.diff(source, clause, timeout=TIMEOUT).ops)
    segments, text, words = substituted_source(source, rules, names)
    base = diffing.diff(text, clause, timeout=TIMEOUT)
    if not substitution.edits_rule(base.ops, segments):
        # every change is where it is in the source, every rule application intact: the
        # redline in source coordinates would count the same (tests/test_measure.py)
        return Measure(_changed(base.ops), words)
    return of_ops(substitution.to_source(base, segments, source, clause).ops)


#: (source text, rules applied) -> its segments, substituted text and word count: ``check``
#: compares many paragraphs with the same source paragraph.
_SUBSTITUTED: dict = {}


def substituted_source(source: str, rules: Mapping[str, Mapping[str, str]], names: Sequence[str]):
    """The named rules applied to ``source``: its segments, the substituted text, and the word
    count of ``source`` (remembered: ``check`` compares many paragraphs with one source)."""

    global _substituted_chars
    key = (source, tuple((n, tuple(rules[n].items())) for n in names))
    hit = _SUBSTITUTED.get(key)
    if hit is None:
        if len(_SUBSTITUTED) >= 4096 or _substituted_chars + len(source) > 2_000_000:
            _SUBSTITUTED.clear()  # bounded by the characters held too: sources can be long
            _substituted_chars = 0
        segments = substitution.apply(source, rules, names)
        hit = _SUBSTITUTED[key] = (
            segments,
            substitution.substituted(segments),
            _count_words(source),
        )
        _substituted_chars += len(source)
    return hit


_substituted_chars = 0


def resolved(text: str, numbers) -> str:
    """The text with its cross-references resolved as ``build`` does (one that does not
    resolve stays as written)."""
    from .assemble import _substitute

    return _substitute(text, numbers)


def first_reading(text: str) -> str:
    """Bracketed text as measured (§12): the reading that takes the first option of every
    bracket group, escapes undone. Text without brackets, or with unbalanced ones (an input
    error reported elsewhere), is itself."""
    if "[" not in text and "]" not in text:
        return text
    from .negotiation import brackets

    try:
        return brackets.resolve(brackets.parse(text))
    except brackets.BracketError:
        return text


def clause_text(text: str, numbers) -> str:
    """The paragraph's text as measured: as the draft prints it (cross-references
    resolved), in its first reading when it holds bracket groups."""
    return first_reading(resolved(text, numbers))


def of_item(project, clause, item, numbers=None) -> Measure | None:
    """The measure of one paragraph or point against the source text its provenance names;
    ``None`` when it has no source to compare with (``new``, unresolvable, unknown rule)."""
    from .assemble import _Numbers
    from .provenance import resolve

    prov = item.provenance
    if prov is None or prov.relation == "new":
        return None
    rules = project.rule_map()
    if any(n not in rules for n in prov.substitutions):
        return None
    res = resolve(project, clause, item, [])
    if res is None:
        return None
    numbers = numbers if numbers is not None else _Numbers(project)
    return of_texts(res.source_text, clause_text(item.text, numbers), rules, prov.substitutions)
