"""The one change measure (treatydraft.measure) and the four commands that show it.

``check``, ``redline``, ``table`` and ``export`` must give every paragraph the same figure,
computed on the text the draft prints (cross-references resolved).
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, copy_project, edit
from lxml import etree

from treatydraft import api
from treatydraft.diffing import DELETE, EQUAL, INSERT, RULE, Op
from treatydraft.measure import Measure, of_ops, of_texts
from treatydraft.numbering import describe

# --------------------------------------------------------------------------- the measure


def test_a_replaced_word_is_one_change_of_one_word() -> None:
    ops = [
        Op(EQUAL, "inform the ", "inform the "),
        Op(DELETE, "Commission", ""),
        Op(INSERT, "", "depositary"),
        Op(EQUAL, " now.", " now."),
    ]
    assert of_ops(ops) == Measure(1, 4)


def test_each_change_counts_the_larger_side() -> None:
    ops = [
        Op(DELETE, "one", ""),
        Op(INSERT, "", "two three four"),
        Op(EQUAL, " and ", " and "),
        Op(DELETE, "five six", ""),
        Op(EQUAL, " end", " end"),
    ]
    # max(1, 3) + max(2, 0) of the source's 5 words (one, and, five, six, end)
    assert of_ops(ops) == Measure(5, 5)


def test_rule_applications_are_not_changes_and_the_total_is_the_source() -> None:
    ops = [Op(RULE, "Member States", "States Parties", "states-parties"), Op(EQUAL, " act", " act")]
    assert of_ops(ops) == Measure(0, 3)


def test_share_text_and_budget() -> None:
    m = Measure(5, 38)
    assert m.text() == "5 of 38 source words changed (13%)"
    assert m.text(budget=0.15) == "5 of 38 source words changed (13%, budget 15%)"
    assert m.text(budget=0.1) == "5 of 38 source words changed (13%, budget 10% — OVER BUDGET)"
    assert m.over(0.13) and not m.over(0.14) and not m.over(None)
    # rounding never hides which side of the budget a share is on
    assert Measure(6, 39).text(budget=0.15) == (
        "6 of 39 source words changed (15.4%, budget 15% — OVER BUDGET)"
    )
    assert Measure(6, 39).text(near=0.15) == "6 of 39 source words changed (15.4%)"
    assert Measure(3, 20).text(budget=0.15) == "3 of 20 source words changed (15%, budget 15%)"
    assert Measure(0, 0).share == 0.0
    assert Measure(3, 0).share == 1.0 and Measure(3, 0).text() == "3 words added"


def test_of_texts_applies_rules_and_folds_whitespace() -> None:
    rules = {"states-parties": {"Member States": "States Parties"}}
    m = of_texts(
        "Member States  shall act.",
        "States Parties shall\u00a0act promptly.",
        rules,
        ["states-parties"],
    )
    assert m == Measure(1, 4)


# --------------------------------------------------------------------------- the reported bug


def _scope_citing_itself(tmp_path: Path) -> Path:
    """redline-small with paragraph 2 of scope citing ``ref("scope", 1)``, budget 0.31."""
    root = copy_project(FIXTURES / "redline-small", tmp_path / "p")
    clause = root / "clauses" / "scope.yaml"
    edit(clause, '{{ ref(\\"cooperation\\") }}', '{{ ref(\\"scope\\", 1) }}')
    edit(clause, "budget: 0.2", "budget: 0.31")
    return root


def test_check_and_redline_give_a_cross_reference_the_same_verdict(cli, tmp_path: Path) -> None:
    # the old code measured check on the unresolved "ref scope 1" (6 of 20 words, 30%: passed)
    # and redline on "Article 1, paragraph 1" (7 of 21, 33%: OVER BUDGET)
    root = _scope_citing_itself(tmp_path)
    r = cli("check", "-C", root)
    assert r.exit_code == 1, r.output
    over = [line for line in r.output.splitlines() if "adapted-over-budget" in line]
    assert over == [
        "clauses/scope.yaml:10:11: error[adapted-over-budget]: paragraph 2: 7 of 7 source words "
        "changed (100%) from Art. 1(2); its budget is 31%"
    ]
    r = cli("redline", "scope", "-C", root)
    assert (
        "    7 of 7 source words changed (100%, budget 31% — OVER BUDGET); rules: states-parties ×1"
        in r.output.splitlines()
    )


# --------------------------------------------------------------------------- four commands agree


def _zero_budgets(project):
    """The project with every budget 0, so ``check`` reports every changed adapted paragraph."""

    def item(p):
        prov = p.provenance
        if prov is not None and prov.relation == "adapted":
            prov = dataclasses.replace(prov, budget=0.0)
        return dataclasses.replace(p, provenance=prov, points=tuple(item(q) for q in p.points))

    clauses = {
        cid: dataclasses.replace(c, paragraphs=tuple(item(p) for p in c.paragraphs))
        for cid, c in project.clauses.items()
    }
    return dataclasses.replace(project, clauses=clauses, default_budget=0.0)


_FROM_CHECK = re.compile(
    r"^(?P<where>.+?): (?P<changed>\d+) of (?P<total>\d+) source words changed"
)


def _by_check(project) -> dict:
    out = {}
    path_to_id = {c.path: cid for cid, c in project.clauses.items()}
    for d in api.check(_zero_budgets(project)).diagnostics:
        if d.code == "adapted-over-budget":
            m = _FROM_CHECK.match(d.message)
            assert m, d.message
            out[(path_to_id[d.path], m["where"])] = (int(m["changed"]), int(m["total"]))
    return out


def _by_redline(project) -> dict:
    data = json.loads(api.redline(project, fmt="json").data)
    out = {}
    for c in data["clauses"]:
        for i in c["items"]:
            if i["status"] == "compared":
                out[(c["id"], i["where"])] = (i["changed_words"], i["total_words"])
    return out


def _by_table_and_export(project) -> tuple[dict, dict]:
    from treatydraft.correlation import build_table

    table, export = {}, {}
    rows = build_table(project).rows
    xml = etree.fromstring(api.export_akn(project).data)
    derivations = xml.findall(".//{urn:x-treatydraft:provenance:1}derivation")
    assert len(derivations) == len(rows)
    seen: dict[str, int] = {}
    for row, d in zip(rows, derivations):
        n = seen[row.clause_id] = seen.get(row.clause_id, -1) + 1
        item = list(project.clauses[row.clause_id].walk())[n]
        key = (row.clause_id, describe(item.key_path))
        if row.changed is not None:
            table[key] = (row.changed, row.total)
        change = d.find("{urn:x-treatydraft:provenance:1}change")
        if change is not None:
            export[key] = (int(change.get("words")), int(change.get("of")))
    return table, export


PROJECTS = sorted(p.name for p in FIXTURES.iterdir() if (p / "treatydraft.yml").exists())


@pytest.mark.parametrize("name", [*PROJECTS, "treaty", "cross-reference"])
def test_check_redline_table_and_export_agree_on_every_paragraph(name: str, tmp_path: Path) -> None:
    if name == "treaty":
        root = copy_project(REPO, tmp_path / "treaty")
    elif name == "cross-reference":
        root = _scope_citing_itself(tmp_path)
    else:
        root = copy_project(FIXTURES / name, tmp_path / name)
    project = api.load_project(root)
    redline = _by_redline(project)
    table, export = _by_table_and_export(project)
    check = _by_check(project)
    derived = [
        it
        for c in project.clauses.values()
        for it in c.walk()
        if it.provenance is not None and it.provenance.relation != "new"
    ]
    assert bool(redline) == bool(derived)
    assert table == redline
    assert export == redline
    # check reports the adapted paragraphs that changed anything (budget 0): the same figures
    adapted = {
        (cid, describe(it.key_path))
        for cid, c in project.clauses.items()
        for it in c.walk()
        if it.provenance is not None and it.provenance.relation == "adapted"
    }
    assert check == {k: v for k, v in redline.items() if k in adapted and v[0] > 0}


def test_check_numbers_references_from_the_whole_outline_when_checking_in_chunks(
    tmp_path: Path, monkeypatch
) -> None:
    # large projects are loaded and checked in chunks of clause files; a reference to a
    # clause of another chunk must still read "Article 1, paragraph 1", as in the redline
    import treatydraft.parallel

    root = copy_project(FIXTURES / "redline-small", tmp_path / "p")
    edit(
        root / "clauses" / "cooperation.yaml",
        'of the measures taken:"',
        'of the measures taken under {{ ref(\\"scope\\", 1) }}:"',
    )
    one_file_each = lambda fn, items, **_: [fn([item]) for item in items]  # noqa: E731
    monkeypatch.setattr(treatydraft.parallel, "map_chunks", one_file_each)
    report = api.check_path(root).report
    over = [d.message for d in report.diagnostics if d.code == "adapted-over-budget"]
    assert "paragraph 1: 6 of 17 source words changed (35%) from Art. 2; its budget is 30%" in over
    redline = _by_redline(api.load_project(root))
    assert redline[("cooperation", "paragraph 1")] == (6, 17)
