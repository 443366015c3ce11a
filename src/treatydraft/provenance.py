"""The checks behind ``treatydraft check``: every provenance claim verified (§4).

Pure functions over a loaded :class:`~treatydraft.model.Project`; the result is
a list of diagnostics, never an exception.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from . import addresses, diffing, measure
from .diagnostics import DEFAULT_LEVELS, Diagnostic, Severity
from .model import Clause, Paragraph, Pos, Project, Provenance, SourceNode
from .numbering import describe
from .text import fold, lint, pin_hash

#: Seconds one ``check`` may spend from its start (all workers together run against the same
#: clock; each diff has its own limit too). When it is spent, the paragraphs left are not
#: compared and one ``check-budget`` error says how many.
CHECK_BUDGET_S = 60.0


def source_text(node: SourceNode, item: Paragraph) -> str:
    """What a clause item is compared with: the node's own text when the item has its own
    points (each point then has its own provenance), else the node's whole text."""
    return node.text if item.points else node.full_text()


@dataclass(frozen=True)
class Resolved:
    """A clause item whose provenance points at an existing source node."""

    clause: Clause
    item: Paragraph
    prov: Provenance
    node: SourceNode
    source_text: str


def resolve(
    project: Project, clause: Clause, item: Paragraph, out: list[Diagnostic]
) -> Resolved | None:
    """Find the source node an item derives from; report why not when it cannot."""
    prov = item.provenance
    if prov is None or prov.relation == "new":
        return None
    pos = prov.at_pos or prov.pos
    src = project.sources.get(prov.source or "")
    if src is None:
        known = ", ".join(sorted(project.sources)) or "none"
        out.append(
            _d(prov.pos, "unknown-source", f"unknown source '{prov.source}' (sources: {known})")
        )
        return None
    canon = addresses.canonical(prov.at or "")
    if canon is None:
        out.append(
            _d(
                pos,
                "bad-address",
                f'\'{prov.at}\' is not an address; write e.g. "25", "25(1)", "2(c)" or "recital 24"',
            )
        )
        return None
    node = src.index.get(canon)
    if node is None:
        from .loading.sources import missing

        out.append(_d(pos, "unknown-address", missing(src, canon)))
        return None
    return Resolved(clause, item, prov, node, source_text(node, item))


@dataclass(frozen=True)
class ClauseFacts:
    """What the project-wide checks need to know of one clause (small, cheap to send
    back from a worker process)."""

    id: str
    kind: str
    pos: Pos
    paragraphs: int
    references: tuple  # ((Pos, text), …) of the texts that hold "{{"
    derivations: tuple  # ((source id, address parts), …)


def facts(clause: Clause) -> ClauseFacts:
    from .coverage import derivations

    refs = tuple((item.text_pos, item.text) for item in clause.walk() if "{{" in item.text)
    return ClauseFacts(
        clause.id, clause.kind, clause.pos, len(clause.paragraphs), refs, derivations(clause)
    )


def check_project(project: Project) -> list[Diagnostic]:
    """Every finding about a loaded project (levels not yet applied)."""
    from .parallel import map_chunks

    deadline = time.monotonic() + CHECK_BUDGET_S
    results = map_chunks(
        lambda ids: check_clauses(project, ids, deadline=deadline),
        sorted(project.clauses),
        weight=lambda cid: _weight(project.clauses[cid]),
    )
    out: list[Diagnostic] = []
    used_rules: set[str] = set()
    for diags, used in results:
        out.extend(diags)
        used_rules |= used
    all_facts = {cid: facts(c) for cid, c in project.clauses.items()}
    return _merge_budget(out, project) + project_findings(project, all_facts, used_rules)


def check_root(root, loaded=None) -> tuple[list[Diagnostic], Project | None, int]:
    """Load and check the project at ``root``, loading and checking its clause files in
    worker processes (each returns findings and :class:`ClauseFacts`, never the clauses).

    Returns every finding, or only the input errors when some file cannot be loaded; the
    project without its clauses; and the number of clause files. ``loaded``: what
    :func:`~treatydraft.loading.project.load_base` already returned for ``root`` (not read
    again)."""
    from .loading.project import load_base, load_clauses
    from .parallel import map_chunks

    deadline = time.monotonic() + CHECK_BUDGET_S  # the whole run: loading counts too
    base, files, diags = loaded if loaded is not None else load_base(root)

    def work(chunk):
        clauses, load_diags = load_clauses(chunk)
        if load_diags or base is None:
            return load_diags, {}, [], set(), []
        partial = replace(base, clauses=clauses)
        later: list[TextComparison] = []
        found, used = check_clauses(partial, sorted(clauses), later, deadline=deadline)
        return [], {cid: facts(c) for cid, c in clauses.items()}, found, used, later

    # clause files: a few kB each; four chunks per core, taken as the workers are free
    results = map_chunks(work, files, min_weight=200, parts=4)
    all_facts: dict = {}
    found: list[Diagnostic] = []
    used_rules: set[str] = set()
    later: list[TextComparison] = []
    for load_diags, chunk_facts, chunk_found, used, chunk_later in results:
        diags.extend(load_diags)
        all_facts.update(chunk_facts)
        found.extend(chunk_found)
        used_rules |= used
        later.extend(chunk_later)
    if diags or base is None:
        return diags, base, len(files)
    found.extend(deferred_findings(base, all_facts, later, deadline))
    found = _merge_budget(found, base)
    return found + project_findings(base, all_facts, used_rules), base, len(files)


def deferred_findings(
    base: Project, all_facts: dict, later: list[TextComparison], deadline: float
) -> list[Diagnostic]:
    """The findings of the text comparisons whose cross-references needed the whole outline,
    numbered from every clause's facts; past ``deadline`` the rest are not compared and one
    ``check-budget`` error says how many."""
    if not later:
        return []
    from .assemble import _Numbers

    numbers = _Numbers.from_counts(
        base.outline, {cid: (f.kind, f.paragraphs) for cid, f in all_facts.items()}
    )
    rules = base.rule_map()
    out: list[Diagnostic] = []
    skipped = 0
    for c in later:
        if time.monotonic() >= deadline:
            skipped += 1
        elif (d := c.finding(rules, numbers)) is not None:
            out.append(d)
    if skipped:
        out.append(_budget_spent(base, skipped))
    return out


def project_findings(project: Project, all_facts: dict, used_rules: set[str]) -> list[Diagnostic]:
    """The findings that need every clause: outline, unused rules, references, coverage."""
    from .assemble import _Numbers, reference_problems
    from .coverage import coverage_diagnostics

    out = outline_diagnostics(project, {cid: f.pos for cid, f in all_facts.items()})
    out.extend(displayed_findings(project))
    for name in project.rules:
        if name not in used_rules:
            out.append(
                Diagnostic(
                    project.config_path,
                    1,
                    1,
                    "warning",
                    "unused-rule",
                    f"substitution rule '{name}' is used by no paragraph",
                )
            )
    numbers = _Numbers.from_counts(
        project.outline, {cid: (f.kind, f.paragraphs) for cid, f in all_facts.items()}
    )
    out.extend(
        reference_problems(numbers, [occ for f in all_facts.values() for occ in f.references])
    )
    out.extend(coverage_diagnostics(project, {cid: f.derivations for cid, f in all_facts.items()}))
    return out


def outline_diagnostics(project: Project, clause_pos: dict) -> list[Diagnostic]:
    """Outline entries without a clause file or given twice, and clause files (``{id: Pos}``)
    not in the outline."""
    out: list[Diagnostic] = []
    seen: set[str] = set()
    for entry in project.outline:
        if entry.clause_id in seen:
            out.append(
                _d(
                    entry.pos,
                    "duplicate-outline",
                    f"'{entry.clause_id}' appears twice in the outline",
                )
            )
        seen.add(entry.clause_id)
        if entry.clause_id not in clause_pos:
            hint = _hint(entry.clause_id, clause_pos)
            out.append(
                _d(
                    entry.pos,
                    "missing-clause",
                    f"outline entry '{entry.clause_id}' has no file clauses/{entry.clause_id}.yaml{hint}",
                )
            )
    for cid, pos in sorted(clause_pos.items()):
        if cid not in seen:
            out.append(
                _d(pos, "unused-clause", f"clause '{cid}' is not in the outline of treatydraft.yml")
            )
    return out


def _lint_shown(pos: Pos, language: str, *fields: tuple[str, str | None]) -> list[Diagnostic]:
    """The text lint on strings that are displayed but are not paragraph text."""
    out = []
    for name, value in fields:
        if value:
            for code, _offset, message in lint(value, language):
                out.append(_d(pos, code, f"{name}: {message}"))
    return out


def displayed_findings(project: Project) -> list[Diagnostic]:
    """The text lint on the treaty's title and short title, chapter names and outline ids:
    every string a reader sees is held to the same rules as paragraph text."""
    first = Pos(project.config_path, 1, 1)
    out = _lint_shown(
        first,
        project.language,
        ("treaty title", project.title),
        ("short title", project.short_title),
    )
    for src in sorted(project.sources.values(), key=lambda s: s.id):
        out.extend(
            _lint_shown(
                Pos(src.path, 1, 1), project.language, ("title", src.title), ("short", src.short)
            )
        )
    chapters: set[str] = set()
    for entry in project.outline:
        out.extend(_lint_shown(entry.pos, project.language, ("outline id", entry.clause_id)))
        if entry.chapter and entry.chapter not in chapters:
            chapters.add(entry.chapter)
            out.extend(_lint_shown(entry.pos, project.language, ("chapter name", entry.chapter)))
    return out


def draft_blockers(project: Project) -> list[Diagnostic]:
    """What makes an assembled draft wrong: missing or repeated outline entries and
    cross-references that do not resolve. ``build`` and ``export`` refuse to write then."""
    from .assemble import reference_diagnostics

    outline = [
        d
        for d in outline_diagnostics(project, {cid: c.pos for cid, c in project.clauses.items()})
        if d.code != "unused-clause"
    ]
    return outline + reference_diagnostics(project) + noncharacter_findings(project)


def noncharacter_findings(project: Project) -> list[Diagnostic]:
    """A non-character (U+FFFE…) in any displayed text: no output may silently drop it."""
    from .display import first_noncharacter

    out = [d for d in displayed_findings(project) if d.code == "noncharacter"]
    for clause in project.clauses.values():
        found = []
        if clause.title and first_noncharacter(clause.title):
            found += _lint_shown(clause.pos, project.language, ("title", clause.title))
        for item in clause.walk():
            if first_noncharacter(item.text):
                found += _lint_shown(
                    item.text_pos, project.language, (describe(item.key_path), item.text)
                )
        out.extend(d for d in found if d.code == "noncharacter")
    return out


def _weight(clause: Clause) -> int:
    """About how much checking a clause costs: its derived paragraphs and points."""
    return sum(1 for it in clause.walk() if it.provenance and it.provenance.relation != "new")


def _merge_budget(diags: list[Diagnostic], project: Project) -> list[Diagnostic]:
    """The ``check-budget`` errors of every worker as one, with the total left uncompared."""
    spent = [d for d in diags if d.code == "check-budget"]
    if len(spent) < 2:
        return diags
    skipped = sum(int(d.message.split(" ")[0].replace(",", "")) for d in spent)
    rest = [d for d in diags if d.code != "check-budget"]
    return rest + [_budget_spent(project, skipped)]


def _budget_spent(project: Project, skipped: int) -> Diagnostic:
    return Diagnostic(
        project.config_path,
        1,
        1,
        "error",
        "check-budget",
        f"{skipped:,} derived paragraph(s) were not compared: the check's time budget of "
        f"{CHECK_BUDGET_S:g} s was spent (split very long paragraphs, or check fewer clauses)",
    )


def check_clauses(
    project: Project,
    clause_ids,
    deferred: list[TextComparison] | None = None,
    *,
    deadline: float | None = None,
) -> tuple[list[Diagnostic], set[str]]:
    """The provenance findings of some clauses, and the substitution rules they use.

    With ``deferred`` (when ``project`` holds only some of the clauses, so references to
    the others cannot be numbered), the text comparisons of paragraphs with references
    are appended to it instead, for :meth:`TextComparison.finding` once the whole outline
    is known. ``deadline`` (a :func:`time.monotonic` value): after it, texts are no longer
    compared and one ``check-budget`` error counts the paragraphs left."""
    from .assemble import _Numbers
    from .negotiation.checks import item_findings

    out: list[Diagnostic] = []
    rules = project.rule_map()
    numbers = _Numbers(project)  # cross-references resolved as the draft prints them
    used_rules: set[str] = set()
    # Many paragraphs share a source text: fold and hash each one once.
    folded: dict[str, str] = {}
    pins: dict[str, str] = {}

    def source_fold(text: str) -> str:
        hit = folded.get(text)
        if hit is None:
            hit = folded[text] = fold(text)
        return hit

    def source_pin(text: str) -> str:
        hit = pins.get(text)
        if hit is None:
            hit = pins[text] = pin_hash(text)
        return hit

    skipped = 0
    for clause in (project.clauses[cid] for cid in clause_ids):
        out.extend(
            _lint_shown(
                clause.pos, project.language, ("title", clause.title), ("notes", clause.notes)
            )
        )
        for item in clause.walk():
            for code, _offset, message in lint(item.text, project.language):
                out.append(_d(item.text_pos, code, f"{describe(item.key_path)}: {message}"))
            if item.negotiation is not None:
                out.extend(item_findings(project, clause, item))
            prov = item.provenance
            if prov is None:
                continue
            if prov.note:
                out.extend(_lint_shown(prov.pos, project.language, ("provenance note", prov.note)))
            bad_rule = False
            for name in prov.substitutions:
                if name not in rules:
                    out.append(
                        _d(
                            prov.pos,
                            "unknown-rule",
                            f"unknown substitution rule '{name}'{_hint(name, rules)}",
                        )
                    )
                    bad_rule = True
                used_rules.add(name)
            res = resolve(project, clause, item, out)
            if res is None:
                continue
            where = _where(clause, item)
            if prov.pin is None:
                out.append(
                    _d(
                        prov.pos,
                        "unpinned",
                        f"{where}: no pin for {addresses.display(res.node.address)}; run 'treatydraft pin {clause.id}'",
                    )
                )
            elif prov.pin != source_pin(res.source_text):
                out.append(
                    _d(
                        prov.pin_pos or prov.pos,
                        "pin-mismatch",
                        f"{where}: the source text at {addresses.display(res.node.address)} changed since it was pinned; review it, then run 'treatydraft pin {clause.id}'",
                    )
                )
            if bad_rule or prov.relation not in ("verbatim", "adapted"):
                continue
            budget = prov.budget if prov.budget is not None else project.default_budget
            for reading, text in _readings(item.text):
                comparison = TextComparison(
                    item.text_pos,
                    where + reading,
                    addresses.display(res.node.address),
                    prov.relation,
                    source_fold(res.source_text),
                    text,
                    prov.substitutions,
                    budget,
                )
                if deferred is not None and "{{" in text:
                    deferred.append(comparison)  # its references need the whole outline
                    continue
                if deadline is not None and time.monotonic() >= deadline:
                    skipped += 1
                    continue
                finding = comparison.finding(rules, numbers)
                if finding is not None:
                    out.append(finding)
    if skipped:
        out.append(_budget_spent(project, skipped))
    return out, used_rules


@dataclass(frozen=True)
class TextComparison:
    """A derived paragraph's text against its source: ``verbatim`` must match after the
    substitutions, ``adapted`` must stay within its budget (the change measure of
    :mod:`treatydraft.measure`), both on the text as the draft prints it."""

    pos: Pos
    where: str
    address: str  # as displayed: "Art. 25(1)"
    relation: str
    source: str  # folded
    text: str  # as written (one reading of its bracket groups), references unresolved
    substitutions: tuple[str, ...]
    budget: float

    def finding(self, rules, numbers) -> Diagnostic | None:
        printed = fold(measure.resolved(self.text, numbers))  # a reading: brackets resolved
        if self.relation == "verbatim":
            expected = fold(measure.substituted_source(self.source, rules, self.substitutions)[1])
            if expected == printed:
                return None
            ops = diffing.diff(expected, printed).ops
            return _d(
                self.pos,
                "verbatim-mismatch",
                f"{self.where} is marked verbatim but differs from {self.address}: {_changes(ops)}",
            )
        m = measure.of_texts(self.source, printed, rules, self.substitutions, folded=True)
        if not m.over(self.budget):
            return None
        return _d(
            self.pos,
            "adapted-over-budget",
            f"{self.where}: {m.text(near=self.budget)} from {self.address}; its budget is {self.budget:.0%}",
        )


def _readings(text: str) -> list[tuple[str, str]]:
    """The texts a provenance claim must hold for: the text itself, or for bracketed text
    every option of every group, each in the reading that takes the first option of the
    other groups (§12)."""
    from .negotiation import brackets

    if not brackets.has_brackets(text):
        return [("", text)]
    try:
        tree = brackets.parse(text)
    except brackets.BracketError:
        return [("", text)]
    out = []
    for r in brackets.readings(tree):
        if r.group == 0:
            label = " (reading the first option of every bracket group)"
        else:
            label = f" (reading option {r.option + 1} of bracket group {r.group}, '{fold(r.option_text)}')"
        out.append((label, r.text))
    return out


def _changes(ops, limit: int = 4) -> str:
    """The changes as ``[-old-]{+new+}`` pieces (a replacement reads as one piece)."""
    parts: list[str] = []
    prev_delete = False
    for op in ops:
        old, new = op.old.strip(), op.new.strip()
        if op.kind == "delete":
            parts.append(f"[-{old}-]")
        elif op.kind == "insert" and prev_delete:
            parts[-1] += f"{{+{new}+}}"
        elif op.kind == "insert":
            parts.append(f"{{+{new}+}}")
        elif op.kind == "format":
            parts.append(f"[-{old}-]{{+{new}+}} (spacing, quotes or Unicode form)")
        prev_delete = op.kind == "delete"
    text = " ".join(parts[:limit])
    if len(parts) > limit:
        text += f" (and {len(parts) - limit} more)"
    return text


def _where(clause: Clause, item: Paragraph) -> str:
    return describe(item.key_path)


def _hint(name: str, known) -> str:
    import difflib

    m = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean '{m[0]}'?" if m else ""


def _d(pos, code: str, message: str) -> Diagnostic:
    severity: Severity = "warning" if DEFAULT_LEVELS.get(code) == "warning" else "error"
    return Diagnostic(pos.path, pos.line, pos.col, severity, code, message)
