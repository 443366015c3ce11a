"""Redline behaviours as golden cases, one per file (Black's ``tests/data/cases`` style).

Each file in ``tests/golden/redline-cases/`` holds one case::

    # what the case shows (free text)
    # rule: states-parties = Member States -> States Parties
    # budget: 0.3
    # raw
    --- source
    Member States shall act.
    --- clause
    Each State Party shall act.
    --- output
    <the paragraph as the terminal redline prints it, and its summary line>

``# rule:`` lines (any number, applied in order), ``# budget:`` and ``# raw`` are
optional. The source and clause are the exact text between their markers (without the
final line end). The output is written by ``pytest --update-goldens``; a new case is a
new file with an empty ``--- output`` section.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from treatydraft.redline.compute import compare_with_source
from treatydraft.redline.model import ItemRedline, item_summary
from treatydraft.redline.term import change_text

CASES = Path(__file__).resolve().parent / "golden" / "redline-cases"
_SECTION = re.compile(r"^--- (source|clause|output)\n", re.M)
_RULE = re.compile(r"^# rule: (?P<name>[\w-]+) = (?P<pattern>.+?) -> (?P<replacement>.+)$")


def parse(text: str) -> tuple[list[str], dict[str, str]]:
    """``(header lines, {section: text})``."""
    parts = _SECTION.split(text)
    header = parts[0].splitlines()
    sections = {}
    for name, body in zip(parts[1::2], parts[2::2]):
        sections[name] = body[:-1] if body.endswith("\n") else body
    assert set(sections) == {"source", "clause", "output"}, f"sections: {sorted(sections)}"
    return header, sections


def render(header: list[str], source: str, clause: str) -> str:
    rules: dict[str, dict[str, str]] = {}
    budget = None
    raw = False
    for line in header:
        if m := _RULE.match(line):
            rules.setdefault(m["name"], {})[m["pattern"]] = m["replacement"]
        elif line.startswith("# budget: "):
            budget = float(line.removeprefix("# budget: "))
        elif line == "# raw":
            raw = True
    fields = compare_with_source(source, clause, rules=rules, names=list(rules), raw=raw)
    item = ItemRedline(
        "1",
        "paragraph 1",
        "compared",
        relation="adapted" if budget is not None else "verbatim",
        budget=budget,
        **fields,
    )
    body = "".join(change_text(c) for c in item.changes)
    return f"{body}\n{item_summary(item)}"


FILES = sorted(CASES.glob("*.txt"))


def test_there_are_cases() -> None:
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_case(path: Path, golden) -> None:
    text = path.read_text(encoding="utf-8")
    header, sections = parse(text)
    got = render(header, sections["source"], sections["clause"])
    start = text.index("--- output\n") + len("--- output\n")
    golden(path, text[:start] + got + "\n")
