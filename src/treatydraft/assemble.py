"""Outline → numbered :class:`~treatydraft.model.Draft` (pure).

Articles are numbered 1..n in outline order; an article with one paragraph has
no paragraph number; points are lettered (a), (b)…, sub-points (i), (ii)….
Cross-references ``{{ ref("id") }}`` and ``{{ ref("id", 2) }}`` in clause text
resolve to "Article 5" / "Article 5, paragraph 2" from the final numbering.
Clause text is never evaluated as a template: only this one pattern is read.
"""

from __future__ import annotations

import re

from .diagnostics import Diagnostic
from .model import Clause, Draft, DraftArticle, DraftItem, Paragraph, Project
from .numbering import label

#: Every repeat is bounded, so that matching is linear in the text whatever it holds
#: (unbounded ``[^"']*`` made ``{{ref('x',`` repeated cost the square of its length).
REF = re.compile(
    r"""\{\{\s{0,40}ref\(\s{0,40}(?P<q>["'])(?P<id>[^"']{0,200})(?P=q)\s{0,40}"""
    r"""(?:,\s{0,40}(?P<para>[^)\s]{0,20})\s{0,40})?\)\s{0,40}\}\}"""
)
_ANY_REF = re.compile(r"\{\{\s*ref\b")


class _Numbers:
    """Clause id → (article number, number of paragraphs)."""

    def __init__(self, project: Project):
        self._number(
            project.outline,
            {cid: (c.kind, len(c.paragraphs)) for cid, c in project.clauses.items()},
        )

    @classmethod
    def from_counts(cls, outline, counts: dict) -> _Numbers:
        """From the outline and ``{clause id: (kind, number of paragraphs)}``."""
        numbers = cls.__new__(cls)
        numbers._number(outline, counts)
        return numbers

    def _number(self, outline, counts: dict) -> None:
        self.articles: dict[str, tuple[int, int]] = {}
        n = 0
        for entry in outline:
            kind, paragraphs = counts.get(entry.clause_id, (None, 0))
            if kind != "article" or entry.clause_id in self.articles:
                continue
            n += 1
            self.articles[entry.clause_id] = (n, paragraphs)

    def resolve(self, target: str, para: str | None) -> tuple[str | None, str | None]:
        """(text, None) or (None, problem)."""
        if target not in self.articles:
            return None, f'ref("{target}") names no article in the outline'
        number, count = self.articles[target]
        if para is None:
            return f"Article {number}", None
        if not (para.isascii() and para.isdigit()):
            return None, f'ref("{target}", {para}): the paragraph must be a number'
        p = int(para)
        if count < 2:
            return (
                None,
                f'ref("{target}", {p}): Article {number} has a single unnumbered paragraph; refer to the article',
            )
        if not 1 <= p <= count:
            return None, f'ref("{target}", {p}): Article {number} has paragraphs 1 to {count}'
        return f"Article {number}, paragraph {p}", None


def _substitute(text: str, numbers: _Numbers, problems: list[str] | None = None) -> str:
    def repl(m: re.Match) -> str:
        resolved, problem = numbers.resolve(m.group("id"), m.group("para"))
        if problem is not None:
            if problems is not None:
                problems.append(problem)
            return m.group(0)
        return resolved or ""

    out = REF.sub(repl, text)
    if problems is not None and _ANY_REF.search(out):
        for m in _ANY_REF.finditer(out):
            if not REF.match(out, m.start()):
                problems.append(
                    'malformed cross-reference; write {{ ref("clause-id") }} or {{ ref("clause-id", 2) }}'
                )
    return out


def reference_diagnostics(project: Project) -> list[Diagnostic]:
    """A ``dangling-reference`` finding for each reference that does not resolve."""
    occurrences = [
        (item.text_pos, item.text)
        for clause in project.clauses.values()
        for item in clause.walk()
        if "{{" in item.text
    ]
    return reference_problems(_Numbers(project), occurrences)


def reference_problems(numbers: _Numbers, occurrences) -> list[Diagnostic]:
    """``dangling-reference`` findings for texts (``(Pos, text)`` pairs) holding references."""
    out = []
    for pos, text in occurrences:
        problems: list[str] = []
        _substitute(text, numbers, problems)
        for problem in dict.fromkeys(problems):  # each once: 8,000 alike are one line
            out.append(
                Diagnostic(pos.path, pos.line, pos.col, "error", "dangling-reference", problem)
            )
    return out


def assemble(project: Project) -> Draft:
    """The numbered draft. Missing clauses are skipped (``check`` reports them)."""
    numbers = _Numbers(project)

    def items(
        paragraphs: tuple[Paragraph, ...], depth: int, anchor: str, numbered: bool
    ) -> tuple[DraftItem, ...]:
        out = []
        for i, p in enumerate(paragraphs):
            lab = label(i, depth) if numbered else None
            a = f"{anchor}-{lab}" if lab else anchor
            out.append(
                DraftItem(
                    lab,
                    _substitute(p.text, numbers),
                    p.provenance,
                    items(p.points, depth + 1, a, True),
                    a,
                    p.negotiation,
                )
            )
        return tuple(out)

    preamble: list[DraftItem] = []
    testimonium: list[DraftItem] = []
    articles: list[DraftArticle] = []
    chapters: list[tuple[str, int]] = []
    done: set[str] = set()
    for entry in project.outline:
        clause: Clause | None = project.clauses.get(entry.clause_id)
        if clause is None or entry.clause_id in done:
            continue
        done.add(entry.clause_id)
        if clause.kind == "preamble":
            preamble.extend(items(clause.paragraphs, 1, "preamble", False))
            continue
        if clause.kind == "testimonium":
            testimonium.extend(items(clause.paragraphs, 1, "testimonium", False))
            continue
        number = numbers.articles[entry.clause_id][0]
        if entry.chapter and (not chapters or chapters[-1][0] != entry.chapter):
            chapters.append((entry.chapter, number))
        anchor = f"art-{number}"
        paras = items(clause.paragraphs, 1, anchor, len(clause.paragraphs) > 1)
        articles.append(DraftArticle(number, clause.id, clause.title, entry.chapter, paras, anchor))
    shorts = {sid: s.short for sid, s in project.sources.items()}
    return Draft(
        project.title,
        project.short_title,
        project.language,
        tuple(preamble),
        tuple(articles),
        tuple(testimonium),
        tuple(chapters),
        shorts,
    )
