"""The correlation table: the model, its formats (golden files) and ``treatydraft table``.

Regenerate the golden files after an intended change:

    .venv/bin/pytest tests/test_table.py --update-goldens
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, copy_project, edit

from treatydraft.api import load_project
from treatydraft.assemble import assemble
from treatydraft.correlation import build_table
from treatydraft.tables import FORMATTERS

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden" / "table"
SMALL = FIXTURES / "table-small"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return copy_project(SMALL, tmp_path / "small")


# --------------------------------------------------------------------------- model


def test_rows_have_final_numbers_relations_and_change_shares():
    table = build_table(load_project(SMALL))
    got = [
        (r.provision, r.clause_id, r.relation, r.source, r.at, r.changed, r.total, r.rules)
        for r in table.rows
    ]
    assert got == [
        ("Preamble, para. 1", "preamble", "new", None, None, None, None, ()),
        ("Preamble, para. 2", "preamble", "new", None, None, None, None, ()),
        ("Art. 1", "definitions", "new", None, None, None, None, ()),
        ("Art. 1(a)", "definitions", "verbatim", "dir-x", "2(a)", 0, 12, (("provider-term", 1),)),
        ("Art. 1(b)", "definitions", "adapted", "dir-x", "2(b)", 10, 13, (("provider-term", 1),)),
        ("Art. 1(c)", "definitions", "new", None, None, None, None, ()),
        ("Art. 2(1)", "duties", "verbatim", "dir-x", "5(1)", 0, 17, (("states-parties", 1),)),
        ("Art. 2(2)", "duties", "adapted", "dir-x", "5(2)", 3, 17, (("states-parties", 1),)),
        ("Art. 3", "scope", "verbatim", "conv-y", "1", 0, 10, ()),
        ("Testimonium, para. 1", "testimonium", "new", None, None, None, None, ()),
    ]
    assert [g.label for g in table.groups] == [
        "Preamble",
        "Article 1 — Definitions *and* terms | scope",
        "Article 2 — Duties of providers",
        "Article 3 — Scope",
        "Testimonium",
    ]
    # the text is the draft's: cross-references resolved
    assert (
        table.rows[5].text
        == '"service", "content" and "removal" have the meaning given in Article 2, paragraph 2.'
    )


def test_by_source_view_lists_treaty_provisions_per_source_provision():
    table = build_table(load_project(SMALL))
    got = [
        (g.label, [(e.display, [r.provision for r in e.rows]) for e in g.entries])
        for g in table.by_source
    ]
    assert got == [
        ("Convention Y (conv-y)", [("Art. 1", ["Art. 3"])]),
        (
            "Directive X (dir-x)",
            [
                ("Art. 2(a)", ["Art. 1(a)"]),
                ("Art. 2(b)", ["Art. 1(b)"]),
                ("Art. 5(1)", ["Art. 2(1)"]),
                ("Art. 5(2)", ["Art. 2(2)"]),
            ],
        ),
        (
            "New text (no source)",
            [
                (
                    None,
                    [
                        "Preamble, para. 1",
                        "Preamble, para. 2",
                        "Art. 1",
                        "Art. 1(c)",
                        "Testimonium, para. 1",
                    ],
                )
            ],
        ),
    ]


def test_unknown_rule_or_address_leaves_the_share_blank_instead_of_failing(small):
    edit(
        small / "clauses/duties.yaml",
        "substitutions: [states-parties]\n      budget",
        "substitutions: [states-partys]\n      budget",
    )
    edit(small / "clauses/duties.yaml", 'at: "5(1)"', 'at: "5(9)"')
    rows = {r.provision: r for r in build_table(load_project(small)).rows}
    assert (rows["Art. 2(1)"].at, rows["Art. 2(1)"].share, rows["Art. 2(1)"].rules) == (
        "5(9)",
        None,
        (("states-parties", None),),
    )
    assert (rows["Art. 2(2)"].share, rows["Art. 2(2)"].rules) == (None, (("states-partys", None),))


def test_bundled_treaty_has_a_row_for_every_paragraph_and_point():
    project = load_project(REPO)
    draft = assemble(project)

    def count(items):
        return sum(1 + count(i.items) for i in items)

    table = build_table(project, draft)
    assert len(table.rows) == count(draft.preamble) + sum(
        count(a.paragraphs) for a in draft.articles
    ) + count(draft.testimonium)
    rows = {r.provision: r for r in table.rows}
    assert (
        rows["Art. 5(1)"].source == "dir-2011-93-eu"
        and rows["Art. 5(1)"].at == "25(1)"
        and rows["Art. 5(1)"].relation == "adapted"
    )
    assert rows["Art. 5(2)"].at == "25(2)"
    assert rows["Art. 2(a)"].relation == "adapted" and rows["Art. 2(b)"].relation == "new"
    assert "Art. 2(e)(ii)" in rows
    # a share within the clause's budget, as check says
    assert 0 < rows["Art. 5(1)"].share <= 0.2


# --------------------------------------------------------------------------- golden files

CASES = [
    ("small-by-article.md", "md", "article"),
    ("small-by-source.md", "md", "source"),
    ("small-by-article.csv", "csv", "article"),
    ("small-by-source.csv", "csv", "source"),
]


@pytest.mark.parametrize("case,fmt,by", CASES, ids=[c[0] for c in CASES])
def test_golden(case, fmt, by, golden):
    golden(GOLDEN / case, FORMATTERS[fmt](build_table(load_project(SMALL)), by))


# --------------------------------------------------------------------------- formats


def test_csv_reads_back_with_the_csv_module_and_quotes_commas_and_quotes():
    data = FORMATTERS["csv"](build_table(load_project(SMALL)), "article")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    by = {r["treaty_provision"]: r for r in rows if r["section"] == "provision"}
    assert (
        by["Art. 1(c)"]["text"]
        == '"service", "content" and "removal" have the meaning given in Article 2, paragraph 2.'
    )
    assert (
        b'"""service"", ""content"" and ""removal"" have the meaning given in Article 2, paragraph 2."'
        in data
    )
    assert (
        by["Art. 2(2)"]["change_share"] == "0.1765"
        and by["Art. 2(2)"]["words_changed"] == "3"
        and by["Art. 2(2)"]["substitutions"] == "states-parties=1"
    )
    assert (
        by["Preamble, para. 2"]["text"]
        == 'Recognizing that "online services", as defined in Article 1, need common rules,'
    )
    cov = [
        (r["relation"], r["source_provision"], r["note"])
        for r in rows
        if r["section"] == "coverage"
    ]
    assert cov == [
        ("uncovered", "Art. 2(c)", ""),
        ("uncovered", "Art. 5(3)", ""),
        ("uncovered", "Art. 7(1)", ""),
        ("omitted", "Art. 7(2)", "Internal-market rule, with no equivalent in a treaty"),
        (
            "not-in-sources",
            "Articles 6, 8–12",
            "Articles 6, 8–12 are not in sources/: coverage cannot be checked for them",
        ),
        ("uncovered", "Art. 2", ""),
    ]
    assert all(len(r) == len(rows[0]) for r in rows)


def test_html_escapes_every_text(small):
    edit(
        small / "clauses/scope.yaml",
        "title: Scope",
        'title: "Scope <script>alert(1)</script> & more"',
    )
    html = FORMATTERS["html"](build_table(load_project(small)), "article").decode("utf-8")
    assert "<script>" not in html
    assert "<h3>Article 3 — Scope &lt;script&gt;alert(1)&lt;/script&gt; &amp; more</h3>" in html
    assert html.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert '<td>Art. 1(b)</td><td>definitions</td><td class="relation-adapted">adapted</td>' in html


def test_docx_has_every_provision_and_is_deterministic(monkeypatch):
    import docx

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    table = build_table(load_project(SMALL))
    data = FORMATTERS["docx"](table, "article")
    assert data == FORMATTERS["docx"](table, "article")
    doc = docx.Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    for r in table.rows:
        assert r.provision in cells
    assert "not covered" in cells and "omitted (declared)" in cells
    paras = [p.text for p in doc.paragraphs]
    assert "Articles 6, 8–12 are not in sources/: coverage cannot be checked for them." in paras
    assert doc.core_properties.created.year == 2023


# --------------------------------------------------------------------------- CLI


def test_cli_md_prints_the_golden_table(cli):
    result = cli("table", "-C", SMALL)
    assert result.exit_code == 0, result.output
    assert result.stdout.encode("utf-8") == (GOLDEN / "small-by-article.md").read_bytes()


def test_cli_csv_by_source_prints_to_stdout(cli):
    result = cli("table", "--format", "csv", "--by", "source", "-C", SMALL)
    assert result.exit_code == 0
    assert result.stdout_bytes == (GOLDEN / "small-by-source.csv").read_bytes()


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_cli_binary_formats_need_out(cli, fmt):
    result = cli("table", "--format", fmt, "-C", SMALL)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"treatydraft: error: --format {fmt} writes a file; give --out FILE.{fmt}"
    ]


def test_cli_bad_format_and_bad_by(cli):
    result = cli("table", "--format", "pdf", "-C", SMALL)
    assert (result.exit_code, result.stderr.splitlines()) == (
        2,
        ["treatydraft: error: --format must be one of md, html, docx, csv, not 'pdf'"],
    )
    result = cli("table", "--by", "clause", "-C", SMALL)
    assert (result.exit_code, result.stderr.splitlines()) == (
        2,
        ["treatydraft: error: --by must be article or source, not 'clause'"],
    )


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "csv"])
def test_cli_out_writes_the_file_atomically(cli, tmp_path, fmt):
    out = tmp_path / "out" / f"table.{fmt}"
    result = cli("table", "--format", fmt, "--out", out, "-C", SMALL)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"wrote {out}"]
    assert out.read_bytes() == FORMATTERS[fmt](build_table(load_project(SMALL)), "article")
    assert sorted(p.name for p in out.parent.iterdir()) == [f"table.{fmt}"]  # no temp file left


def test_cli_bad_project_exits_2(cli, small):
    edit(small / "treatydraft.yml", "omitted:", "omited:")
    result = cli("table", "-C", small)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "treatydraft.yml:21:1: error[unknown-key]: unknown key 'omited' in treatydraft.yml; did you mean 'omitted'?"
    ]


def test_cli_bundled_treaty(cli):
    result = cli("table", "-C", REPO)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert (
        "### Article 5 — Measures against websites containing or disseminating online child sexual abuse material"
        in lines
    )
    assert any(
        line.startswith(
            "| Art. 5(1) | removal-blocking | adapted | Directive 2011/93/EU | Art. 25(1) | "
        )
        for line in lines
    )
    assert "| Art. 2(e)(ii) | definitions | new | — | — | — | — |" in lines
    assert "| Preamble, para. 1 | preamble | new | — | — | — | — |" in lines
    assert (
        "Coverage list: 2, 15, 21, 23, 25, 28. The source is shipped in part (Article 25 only)."
        in lines
    )
    assert (
        "Articles 2, 15, 21, 23, 28 are not in sources/: coverage cannot be checked for them."
        in lines
    )


def test_cli_bundled_treaty_with_the_directive_articles_the_proposal_follows(cli, treaty):
    edit(
        treaty / "treatydraft.yml",
        'dir-2011-93-eu: ["2", "15", "21", "23", "25", "28"]',
        'dir-2011-93-eu: ["1", "2", "15", "21-28"]',
    )
    result = cli("table", "-C", treaty)
    assert result.exit_code == 0
    section = result.stdout.split("## Coverage of source provisions\n", 1)[1]
    assert section.splitlines() == [
        "",
        "### Directive 2011/93/EU (dir-2011-93-eu)",
        "",
        "Coverage list: 1, 2, 15, 21-28. The source is shipped in part (Article 25 only).",
        "",
        "Every shipped provision in the coverage list has a clause derived from it.",
        "",
        "Articles 1, 2, 15, 21–24, 26–28 are not in sources/: coverage cannot be checked for them.",
    ]


def test_without_coverage_the_section_says_how_to_get_one(cli):
    result = cli("table", "-C", FIXTURES / "mini")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-3:] == [
        "## Coverage of source provisions",
        "",
        "treatydraft.yml has no coverage: list; add one to see the source provisions no clause derives from.",
    ]
