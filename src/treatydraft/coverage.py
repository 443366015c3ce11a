"""Which source provisions the treaty is meant to cover, and which no clause derives from (pure).

``coverage:`` in treatydraft.yml names, per source, the provisions the treaty is
meant to cover: single addresses (``"25"``, ``"25(1)"``, ``"recital 24"``) or
article ranges (``"15-28"``, both ends included; an en dash works too). An empty
list means every article the source ships.

A provision is *covered* when a clause in the outline derives from it
(``relation: verbatim`` or ``adapted``), from one of its ancestors (a clause
built from all of Article 25 covers 25(1)) or, in part, from a descendant. The
uncovered provisions are reported as the largest units that no clause touches:
a whole article when nothing derives from any part of it, else its paragraphs
(and, recursively, their points). A unit is *declared* when an ``omitted:``
entry names it or an ancestor, with a reason.

Only provisions shipped in ``sources/`` can be examined: articles a coverage
entry names that the source file does not hold are listed separately ("Articles
15–24, 26–28 are not in sources/: coverage cannot be checked for them").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import addresses
from .diagnostics import Diagnostic, Severity
from .model import Omission, Pos, Project, Source, SourceNode

_RANGE = re.compile(r"^\s*(?:art(?:icles?|s)?\.?\s*)?(\d+)\s*[-–]\s*(\d+)\s*$", re.IGNORECASE)
_RECITAL_RANGE = re.compile(r"^\s*recitals?\s*(\d+)\s*[-–]\s*(\d+)\s*$", re.IGNORECASE)
_LABEL = re.compile(r"^(\d+)(.*)$")

#: Ranges wider than this are refused (a typo such as "1-20000" would otherwise be listed in full).
MAX_RANGE = 1000


@dataclass(frozen=True, slots=True)
class Uncovered:
    """A source provision in the coverage list that no clause derives from."""

    source: str
    address: str  # canonical, e.g. "25(2)" or "15"
    heading: str | None  # the heading of its article
    omission: Omission | None  # the declared omission covering it, if any
    pos: Pos  # the coverage entry that names it

    @property
    def declared(self) -> bool:
        return self.omission is not None

    @property
    def display(self) -> str:
        return addresses.display(self.address)


@dataclass(frozen=True, slots=True)
class SourceCoverage:
    """The coverage of one source named under ``coverage:``."""

    source: str
    short: str
    entries: tuple[str, ...]  # as written in treatydraft.yml
    pos: Pos
    known: bool  # False when no file in sources/ has this id
    partial: bool
    included: str | None
    examined: tuple[
        str, ...
    ]  # shipped articles/recitals the entries name, canonical, in document order
    uncovered: tuple[Uncovered, ...]
    not_shipped_articles: tuple[str, ...]  # article labels named but not in sources/
    not_shipped_recitals: tuple[str, ...]

    @property
    def undeclared(self) -> tuple[Uncovered, ...]:
        return tuple(u for u in self.uncovered if not u.declared)

    def not_shipped_notes(self) -> tuple[str, ...]:
        """One sentence per kind of provision that cannot be checked."""
        out = []
        for labels, one, many in (
            (self.not_shipped_articles, "Article", "Articles"),
            (self.not_shipped_recitals, "Recital", "Recitals"),
        ):
            if labels:
                word = one if len(labels) == 1 and "–" not in compress(labels) else many
                verb, pron = ("is", "it") if word == one else ("are", "them")
                out.append(
                    f"{word} {compress(labels)} {verb} not in sources/: coverage cannot be checked for {pron}"
                )
        return tuple(out)


@dataclass(frozen=True, slots=True)
class CoverageReport:
    sources: tuple[SourceCoverage, ...]
    problems: tuple[Diagnostic, ...]  # bad coverage entries and bad omissions (errors)


def _sort_key(label: str) -> tuple[int, str]:
    m = _LABEL.match(label)
    return (int(m.group(1)), m.group(2)) if m else (10**9, label)


def compress(labels) -> str:
    """``["15", "16", "17", "19", "20", "25a"]`` → ``"15–17, 19, 20, 25a"`` (sorted; three or more
    consecutive numbers joined by an en dash)."""
    out: list[str] = []
    run: list[int] = []

    def flush() -> None:
        if run:
            if len(run) < 3:
                out.extend(str(n) for n in run)
            else:
                out.append(f"{run[0]}–{run[-1]}")
            run.clear()

    for label in sorted(set(labels), key=_sort_key):
        if label.isdigit():
            n = int(label)
            if run and n != run[-1] + 1:
                flush()
            run.append(n)
        else:
            flush()
            out.append(label)
    flush()
    return ", ".join(out)


def _is_prefix(a: tuple, b: tuple) -> bool:
    return len(a) <= len(b) and b[: len(a)] == a


def derivations(clause) -> tuple[tuple[str, tuple], ...]:
    """(source id, address parts) of every item of ``clause`` that derives from a source."""
    out = []
    for item in clause.walk():
        prov = item.provenance
        if prov is None or prov.relation == "new" or not prov.source or not prov.at:
            continue
        parts = addresses.parse(prov.at)
        if parts is not None:
            out.append((prov.source, parts))
    return tuple(out)


def _derived(project: Project, by_clause: dict | None = None) -> dict[str, set[tuple]]:
    """Source id → address parts every outline clause item derives from.

    ``by_clause``: ``{clause id: derivations(clause)}`` when the clauses themselves are not
    at hand (they were checked in worker processes)."""
    if by_clause is None:
        by_clause = {cid: derivations(c) for cid, c in project.clauses.items()}
    out: dict[str, set[tuple]] = {}
    seen: set[str] = set()
    for entry in project.outline:
        if entry.clause_id not in by_clause or entry.clause_id in seen:
            continue
        seen.add(entry.clause_id)
        for sid, parts in by_clause[entry.clause_id]:
            out.setdefault(sid, set()).add(parts)
    return out


def _d(pos: Pos, severity: Severity, code: str, message: str) -> Diagnostic:
    return Diagnostic(pos.path, pos.line, pos.col, severity, code, message)


def _check_omissions(
    project: Project, problems: list[Diagnostic]
) -> dict[str, list[tuple[tuple, Omission]]]:
    """Valid omissions by source; an omission naming no provision is an error."""
    from .loading.sources import missing

    out: dict[str, list[tuple[tuple, Omission]]] = {}
    for om in project.omitted:
        src = project.sources.get(om.source)
        if src is None:
            known = ", ".join(sorted(project.sources)) or "none"
            problems.append(
                _d(
                    om.pos,
                    "error",
                    "unknown-source",
                    f"omitted: unknown source '{om.source}' (sources: {known})",
                )
            )
            continue
        parts = addresses.parse(om.at)
        if parts is None:
            problems.append(
                _d(
                    om.pos,
                    "error",
                    "bad-address",
                    f'omitted: \'{om.at}\' is not an address; write e.g. "25", "25(1)", "2(c)" or "recital 24"',
                )
            )
            continue
        canon = addresses.join(parts)
        if canon not in src.index:
            top = addresses.join(parts[:2] if parts[0] == "recital" else parts[:1])
            if not (src.partial and top not in src.index):
                problems.append(
                    _d(om.pos, "error", "unknown-address", f"omitted: {missing(src, canon)}")
                )
                continue
            # an article the partial source does not ship: it may exist; it cannot be checked
        out.setdefault(om.source, []).append((parts, om))
    return out


def _expand(src: Source, entry: str, pos: Pos, problems: list[Diagnostic]):
    """Shipped nodes an entry names, and the article/recital labels it names that are not shipped."""
    from .loading.sources import missing

    nodes: list[SourceNode] = []
    art_missing: list[str] = []
    rec_missing: list[str] = []
    m = _RANGE.match(entry) or _RECITAL_RANGE.match(entry)
    if m:
        lo, hi = int(m.group(1)), int(m.group(2))
        recital = m.re is _RECITAL_RANGE
        if lo > hi:
            problems.append(
                _d(
                    pos,
                    "error",
                    "bad-address",
                    f"coverage: '{entry}' is not a range; write the lower number first, e.g. \"15-28\"",
                )
            )
            return nodes, art_missing, rec_missing
        if hi - lo > MAX_RANGE:
            problems.append(
                _d(
                    pos,
                    "error",
                    "bad-address",
                    f"coverage: '{entry}' spans more than {MAX_RANGE} provisions; name a smaller range",
                )
            )
            return nodes, art_missing, rec_missing
        pool = src.recitals if recital else src.articles
        for n in range(lo, hi + 1):
            if recital:
                hit = [a for a in pool if a.label == str(n)]
            else:
                hit = [a for a in pool if _sort_key(a.label)[0] == n]
            if hit:
                nodes.extend(hit)
            else:
                (rec_missing if recital else art_missing).append(str(n))
        return nodes, art_missing, rec_missing
    parts = addresses.parse(entry)
    if parts is None:
        problems.append(
            _d(
                pos,
                "error",
                "bad-address",
                f'coverage: \'{entry}\' is not an address or range; write e.g. "25", "25(1)", "15-28" or "recital 24"',
            )
        )
        return nodes, art_missing, rec_missing
    canon = addresses.join(parts)
    node = src.index.get(canon)
    if node is not None:
        nodes.append(node)
        return nodes, art_missing, rec_missing
    if parts[0] == "recital":
        rec_missing.append(parts[1])
        return nodes, art_missing, rec_missing
    if parts[0] not in src.index:
        art_missing.append(parts[0])
        return nodes, art_missing, rec_missing
    problems.append(_d(pos, "error", "unknown-address", f"coverage: {missing(src, canon)}"))
    return nodes, art_missing, rec_missing


def _units(
    node: SourceNode,
    derived: set[tuple],
    omissions: list[tuple[tuple, Omission]],
    inherited: Omission | None,
):
    """The largest uncovered units under ``node``: ``(node, omission or None)`` pairs."""
    parts = addresses.parse(node.address)
    if parts is None or any(_is_prefix(d, parts) for d in derived):
        return
    here = next((om for p, om in omissions if p == parts), None)
    om = here or inherited
    children = [c for c in node.children if c.kind != "indent"]
    below = any(len(d) > len(parts) and _is_prefix(parts, d) for d in derived) or any(
        len(p) > len(parts) and _is_prefix(parts, p) for p, _ in omissions
    )
    if children and below:
        for child in children:
            yield from _units(child, derived, omissions, om)
    else:
        yield node, om


def _ancestor_omission(parts: tuple, omissions: list[tuple[tuple, Omission]]) -> Omission | None:
    best = None
    for p, om in omissions:
        if len(p) < len(parts) and _is_prefix(p, parts) and (best is None or len(p) > len(best[0])):
            best = (p, om)
    return best[1] if best else None


def analyse(project: Project, by_clause: dict | None = None) -> CoverageReport:
    """The coverage of every source under ``coverage:``, and the problems of the config.
    ``by_clause``: see :func:`_derived`."""
    problems: list[Diagnostic] = []
    omissions = _check_omissions(project, problems)
    derived = _derived(project, by_clause)
    out = []
    for sid, entries in project.coverage.items():
        key_pos, item_pos = project.coverage_pos.get(sid, (Pos(project.config_path), ()))
        src = project.sources.get(sid)
        if src is None:
            known = ", ".join(sorted(project.sources)) or "none"
            problems.append(
                _d(
                    key_pos,
                    "error",
                    "unknown-source",
                    f"coverage: unknown source '{sid}' (sources: {known})",
                )
            )
            out.append(
                SourceCoverage(
                    sid, sid, tuple(entries), key_pos, False, False, None, (), (), (), ()
                )
            )
            continue
        named: dict[str, tuple[SourceNode, Pos]] = {}
        art_missing: list[str] = []
        rec_missing: list[str] = []
        if not entries:
            for node in src.articles:
                named.setdefault(node.address, (node, key_pos))
        for i, entry in enumerate(entries):
            pos = item_pos[i] if i < len(item_pos) else key_pos
            nodes, am, rm = _expand(src, entry, pos, problems)
            for node in nodes:
                named.setdefault(node.address, (node, pos))
            art_missing.extend(a for a in am if a not in art_missing)
            rec_missing.extend(r for r in rm if r not in rec_missing)
        order = {a: i for i, a in enumerate(src.index)}
        ordered = sorted(named.values(), key=lambda np: order.get(np[0].address, len(order)))
        # a node named inside another named node is examined with it
        examined: list[tuple[SourceNode, Pos]] = []
        for node, pos in ordered:
            parts = addresses.parts(node.address)
            if any(
                _is_prefix(addresses.parts(o.address), parts) for o, _ in examined if o is not node
            ):
                continue
            examined.append((node, pos))
        uncovered = []
        src_derived = derived.get(sid, set())
        src_omissions = omissions.get(sid, [])
        for node, pos in examined:
            inherited = _ancestor_omission(addresses.parts(node.address), src_omissions)
            for unit, om in _units(node, src_derived, src_omissions, inherited):
                article = _article_of(src, unit)
                uncovered.append(
                    Uncovered(
                        sid, unit.address, article.heading if article else unit.heading, om, pos
                    )
                )
        out.append(
            SourceCoverage(
                sid,
                src.short,
                tuple(entries),
                key_pos,
                True,
                src.partial,
                src.meta.get("included"),
                tuple(n.address for n, _ in examined),
                tuple(uncovered),
                tuple(art_missing),
                tuple(rec_missing),
            )
        )
    return CoverageReport(tuple(out), tuple(problems))


def _article_of(src: Source, node: SourceNode) -> SourceNode | None:
    parts = addresses.parse(node.address)
    if parts is None:
        return None
    top = addresses.join(parts[:2] if parts[0] == "recital" else parts[:1])
    return src.index.get(top)


def coverage_diagnostics(project: Project, by_clause: dict | None = None) -> list[Diagnostic]:
    """``uncovered-provision`` (default warning) for each undeclared uncovered provision,
    at the coverage entry naming it; errors for coverage entries and omissions that name
    nothing."""
    report = analyse(project, by_clause)
    out = list(report.problems)
    for sc in report.sources:
        for u in sc.undeclared:
            out.append(
                _d(
                    u.pos,
                    "warning",
                    "uncovered-provision",
                    f"{sc.short} {u.display} is in the coverage list but no clause derives from it; derive a clause from it or declare it under 'omitted:' with a reason",
                )
            )
    return out
