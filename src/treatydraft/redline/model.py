"""The redline model every format renders (pure data plus the shared summary wording).

A :class:`Change` is one display operation.  Besides the diff kinds of
:mod:`treatydraft.diffing` (``equal``, ``delete``, ``insert``, ``format``,
``rule``) there is ``rule-edit``: a named substitution applied to the source
(``old`` → ``mid``) whose result the drafters then edited (``mid`` → ``new``).
For every kind, ``old`` is exact source-side text and ``new`` exact
clause-side text, so ``"".join(c.old)`` rebuilds the source and
``"".join(c.new)`` the clause; ``mid`` is shown but belongs to neither side.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import diffing
from ..measure import Measure

EQUAL, DELETE, INSERT, FORMAT, RULE, RULE_EDIT = (
    "equal",
    "delete",
    "insert",
    "format",
    "rule",
    "rule-edit",
)
#: kinds that are substantive drafting changes
SUBSTANTIVE = (DELETE, INSERT, RULE_EDIT)


@dataclass(frozen=True, slots=True)
class Change:
    kind: str
    old: str
    new: str
    rule: str | None = None  # rule / rule-edit: the rule name(s), "+"-joined when several
    mid: str | None = None  # rule-edit: text after the rule, before the drafting edit


@dataclass(frozen=True)
class ItemRedline:
    """One paragraph, point or title of a clause."""

    key: str  # stable id inside the clause: "title", "1", "1.a", "2.a.i"
    where: str  # "paragraph 1", "paragraph 2, point (a)", "title"
    status: str  # source mode: compared | new | unresolved; draft mode: unchanged | changed | added | removed | moved
    changes: tuple[Change, ...]
    old: str
    new: str
    relation: str | None = None
    source_id: str | None = None
    source_at: str | None = None
    source_ref: str | None = None  # "Directive 2011/93/EU, Art. 25(1)"
    rules: dict = field(default_factory=dict)  # rule → applications
    rules_edited: dict = field(
        default_factory=dict
    )  # rule → applications then edited by the drafters
    changed_words: int = 0
    total_words: int = 0
    budget: float | None = None
    approximate: bool = False
    granularity: str = "word"
    note: str | None = None

    @property
    def measure(self) -> Measure:
        return Measure(self.changed_words, self.total_words)

    @property
    def share(self) -> float:
        return self.measure.share

    @property
    def over_budget(self) -> bool:
        return self.relation == "adapted" and self.measure.over(self.budget)

    @property
    def format_changes(self) -> int:
        return sum(1 for c in self.changes if c.kind == FORMAT)

    @property
    def substantive(self) -> int:
        return sum(1 for c in self.changes if c.kind in SUBSTANTIVE)


@dataclass(frozen=True)
class ClauseRedline:
    clause_id: str
    kind: str  # article | preamble | testimonium
    number: int | None
    heading: str  # "Article 5 — Measures against …"
    status: str  # source mode: compared; draft mode: unchanged | changed | added | removed
    items: tuple[ItemRedline, ...]
    old_number: int | None = None
    notes: tuple[str, ...] = ()

    def _counted(self) -> list[ItemRedline]:
        # source mode: new and unresolved items have nothing to be compared with
        return [i for i in self.items if i.status not in ("new", "unresolved")]

    @property
    def changed_words(self) -> int:
        return sum(i.changed_words for i in self._counted())

    @property
    def total_words(self) -> int:
        return sum(i.total_words for i in self._counted())

    @property
    def share(self) -> float:
        return Measure(self.changed_words, self.total_words).share

    @property
    def approximate(self) -> bool:
        return any(i.approximate for i in self.items)

    @property
    def relations(self) -> list[str]:
        seen: list[str] = []
        for i in self.items:
            if i.relation and i.relation not in seen:
                seen.append(i.relation)
        return seen

    @property
    def rules(self) -> dict:
        return _sum_counts(i.rules for i in self.items)

    @property
    def rules_edited(self) -> dict:
        return _sum_counts(i.rules_edited for i in self.items)

    @property
    def format_changes(self) -> int:
        return sum(i.format_changes for i in self.items)

    @property
    def renumbered(self) -> bool:
        return (
            self.old_number is not None
            and self.number is not None
            and self.old_number != self.number
        )


@dataclass(frozen=True)
class Redline:
    title: str
    mode: str  # "source" | "git" | "dir"
    against: str  # "source", the revision, or the other project's directory
    raw: bool
    clauses: tuple[ClauseRedline, ...]

    @property
    def approximate(self) -> bool:
        return any(c.approximate for c in self.clauses)

    def items(self) -> Iterable[ItemRedline]:
        for c in self.clauses:
            yield from c.items


def _sum_counts(dicts: Iterable[dict]) -> dict:
    out: dict = {}
    for d in dicts:
        for k, v in d.items():
            out[k] = out.get(k, 0) + v
    return out


def verify(redline: Redline) -> None:
    """Every item's changes rebuild its two texts (raises ``RedlineIntegrityError``)."""
    for item in redline.items():
        diffing.verify([diffing.Op(c.kind, c.old, c.new) for c in item.changes], item.old, item.new)


# --------------------------------------------------------------------------- shared wording


def percent(x: float) -> str:
    return f"{x:.0%}"


def counts_text(counts: dict, edited: dict | None = None) -> str:
    parts = []
    for name, n in counts.items():
        e = (edited or {}).get(name, 0)
        more = f" ({e} then edited)" if e else ""
        parts.append(f"{name} ×{n}{more}")
    return ", ".join(parts)


def title_line(redline: Redline) -> str:
    if redline.mode == "source":
        how = (
            "plain diff without the named substitutions, --raw"
            if redline.raw
            else "named substitutions applied first"
        )
        head = f"Redline of {redline.title} against its source articles ({how})"
    elif redline.mode == "git":
        head = f"Redline of {redline.title} against revision {redline.against}"
    else:
        head = f"Redline of {redline.title} against the project in {redline.against}"
    if redline.approximate:
        head += " — approximate: some diffs hit the time limit"
    return head


def item_heading(item: ItemRedline) -> str:
    """``paragraph 1 — Directive 2011/93/EU, Art. 25(1) — adapted``."""
    parts = [item.where]
    if item.source_ref:
        parts.append(item.source_ref)
    if item.status in ("new", "unresolved", "added", "removed", "moved", "changed", "unchanged"):
        parts.append(item.status if item.status != "new" else "new (no source)")
    if item.relation and item.relation != "new":
        parts.append(item.relation)
    return " — ".join(parts)


def item_summary(item: ItemRedline) -> str:
    """``5 of 81 words changed (6%, budget 15%); rules: csam-term ×1``."""
    parts = []
    if item.note:
        parts.append(item.note)
    if item.status not in ("new", "unresolved", "unchanged"):
        budget = item.budget if item.relation == "adapted" else None
        basis = "source" if item.status == "compared" else "earlier"
        parts.append(item.measure.text(basis, budget))
    if item.rules:
        parts.append("rules: " + counts_text(item.rules, item.rules_edited))
    if item.format_changes:
        parts.append(f"format-only changes: {item.format_changes}")
    if item.approximate:
        parts.append(f"approximate ({item.granularity}-level diff: time limit hit)")
    return "; ".join(parts)


def clause_summary(clause: ClauseRedline, mode: str = "source") -> str:
    """The per-clause summary line."""
    parts = []
    if mode == "source":
        if clause.relations:
            parts.append("relation: " + ", ".join(clause.relations))
    else:
        parts.append(clause.status)
        if clause.renumbered:
            parts.append(f"renumbered from Article {clause.old_number}")
        tally: dict = {}
        for i in clause.items:
            if i.status != "unchanged":
                tally[i.status] = tally.get(i.status, 0) + 1
        moved_out = sum(1 for n in clause.notes if " moved to " in n)
        if moved_out:
            tally["moved out"] = moved_out
        if tally and clause.status not in ("added", "removed"):
            parts.append(", ".join(f"{n} {status}" for status, n in tally.items()))
    if clause.total_words or clause.changed_words:
        parts.append(
            Measure(clause.changed_words, clause.total_words).text(
                "source" if mode == "source" else "earlier"
            )
        )
    new = sum(1 for i in clause.items if i.status == "new")
    if new:
        parts.append(f"new paragraphs/points: {new}")
    unresolved = sum(1 for i in clause.items if i.status == "unresolved")
    if unresolved:
        parts.append(f"source not found: {unresolved}")
    budgets = [i for i in clause.items if i.relation == "adapted" and i.budget is not None]
    if mode == "source" and budgets:
        over = [i.where for i in budgets if i.over_budget]
        shown = ", ".join(dict.fromkeys(percent(i.budget) for i in budgets if i.budget is not None))
        parts.append(
            f"over budget ({shown}): {', '.join(over)}" if over else f"within budget ({shown})"
        )
    if clause.rules:
        parts.append("rules applied: " + counts_text(clause.rules, clause.rules_edited))
    elif mode == "source" and any(i.status == "compared" for i in clause.items):
        parts.append("rules applied: none")
    if clause.format_changes:
        parts.append(f"format-only changes: {clause.format_changes}")
    if clause.approximate:
        parts.append("approximate")
    return "Summary: " + "; ".join(parts)


def format_category(old: str, new: str) -> str:
    """What kind of format-only difference a ``format`` change is."""
    if old.strip() == "" and new.strip() == "":
        if "\u00a0" in old + new or "\u202f" in old + new:
            return "no-break space"
        return "whitespace"
    if unicodedata.normalize("NFC", old) == unicodedata.normalize("NFC", new):
        return "Unicode normalisation"
    if diffing.normalise(old) == diffing.normalise(new) and any(
        ch in old + new
        for ch in "\"'\u2018\u2019\u201c\u201d\u201e\u00ab\u00bb\u2032\u2033\u201a\u201b\u201f"
    ):
        if old.translate(_NO_QUOTES) == new.translate(_NO_QUOTES):
            return "quote style"
    return "format"


_NO_QUOTES = str.maketrans(
    "", "", "\"'\u2018\u2019\u201c\u201d\u201e\u00ab\u00bb\u2032\u2033\u201a\u201b\u201f"
)

_VISIBLE = {" ": "␣", "\u00a0": "⍽", "\t": "⇥", "\n": "↵", "\r": "␍"}


def visible(text: str) -> str:
    """Whitespace made visible, for format-only changes."""
    return "".join(_VISIBLE.get(ch, f"<U+{ord(ch):04X}>" if ch.isspace() else ch) for ch in text)


def format_label(old: str, new: str) -> str:
    """``␣→⍽ (no-break space)``."""
    cat = format_category(old, new)
    if cat == "Unicode normalisation":
        return f"{new} ({cat}: {_form(old)}→{_form(new)})"
    return f"{visible(old)}→{visible(new)} ({cat})"


def _form(text: str) -> str:
    for form in ("NFC", "NFD"):
        if unicodedata.is_normalized(form, text):
            return form
    return "mixed"
