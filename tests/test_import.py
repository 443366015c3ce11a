"""`treatydraft sources import` (§11): real official files in, §3 sources out, verbatim.

The real files are in tests/fixtures/official/ (origins and licences in its README).
Quirks that none of the real files shows (13a numbering, QUOT.S) are tested on small
documents written here in the same Formex structure.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from conftest import FIXTURES

from treatydraft.importing import detect
from treatydraft.importing.importer import parse_source_text
from treatydraft.importing.writer import OriginInfo, render

OFFICIAL = FIXTURES / "official"
FMX_903 = OFFICIAL / "L_202400903EN.000101.fmx.xml"
HTML_903 = OFFICIAL / "L_202400903EN.cellar-DOC_1.html"
FMX_1319 = OFFICIAL / "L_2011334EN.01002501.xml"
HTML_LEGACY = OFFICIAL / "lexparency-crr-oj-legacy-classes.html"
AKN_UK = OFFICIAL / "oasis-uk_pga-2014-27-enacted-data.xml"
AKN_IT = OFFICIAL / "it-legge-2024-66-normattiva-akn.xml"
AKN_EU = OFFICIAL / "cirsfid-akn-32014L0092.akn.xml"


def load(path: Path, sid: str = "s"):
    """Read a file and load what the importer writes for it with the project's §3 reader."""
    data = path.read_bytes()
    doc = detect.read(data, path.name)
    text = render(doc, sid, OriginInfo(hashlib.sha256(data).hexdigest(), "2026-01-01"), "en")
    return doc, parse_source_text(text, sid), text


def formex(articles: str, extra: str = "") -> bytes:
    return (
        "<?xml version='1.0' encoding='utf-8'?><ACT><BIB.INSTANCE><LG.DOC>EN</LG.DOC>"
        "<NO.DOC><NO.CURRENT>7</NO.CURRENT><YEAR>2020</YEAR></NO.DOC></BIB.INSTANCE>"
        "<TITLE><TI><P>Regulation (EU) 2020/7 of 1 January 2020</P></TI></TITLE>"
        f"<ENACTING.TERMS>{articles}</ENACTING.TERMS>{extra}</ACT>"
    ).encode()


@pytest.fixture
def project(tmp_path, cli):
    root = tmp_path / "p"
    assert cli("init", root).exit_code == 0
    return root


# --------------------------------------------------------------------------- Formex


def test_formex_903_articles_and_front_matter():
    doc, src, text = load(FMX_903, "reg-2024-903")
    assert (doc.format, doc.layout) == ("formex", "oj-act")
    assert [a.address for a in src.articles] == [str(n) for n in range(1, 24)]
    assert len(src.recitals) == 57
    assert src.meta["celex"] == "32024R0903"
    assert src.short == "Regulation (EU) 2024/903"
    assert src.index["1"].heading == "Subject matter and scope"
    assert (
        src.index["3(2)(b)"].text
        == "the stakeholders to which the binding requirements are relevant;"
    )
    assert "sha256: f3ea062af02dd305ef0c2df5b0482ae1135cacb89bd68550d29df0f3773ca93b" in text
    assert "format: formex (layout: oj-act)" in src.meta["origin"]


def test_formex_quote_marks_restored_from_their_code_points():
    _, src, _ = load(FMX_903)
    assert src.index["2(1)"].text.startswith("‘cross-border interoperability’ means the ability")
    assert "(the ‘Board’)" in src.index["3(2)"].full_text()


def test_formex_footnotes_out_of_the_text_and_kept_as_notes():
    doc, src, text = load(FMX_903)
    assert src.index["2(3)"].text.endswith("of the European Parliament and of the Council;")
    assert "OJ L 333" not in src.index["2"].full_text()
    notes = text.split("\n## Notes\n", 1)[1]
    assert "(14) Directive (EU) 2022/2555 of the European Parliament and of the Council" in notes
    assert len(doc.notes) == 20


def test_formex_small_act_articles_without_paragraph_numbers():
    _, src, _ = load(FMX_1319)
    assert [a.address for a in src.articles] == ["1", "2"]
    assert src.index["2"].text == (
        "This Regulation shall enter into force on the day of its publication in the "
        "Official Journal of the European Union."
    )
    assert src.meta["celex"] == "32011R1319"


def test_formex_13a_numbering_and_nbsp():
    data = formex(
        "<ARTICLE><TI.ART>Article 13</TI.ART><ALINEA>One.</ALINEA></ARTICLE>"
        "<ARTICLE><TI.ART>Article\u00a013a</TI.ART><STI.ART>Added</STI.ART>"
        "<PARAG><NO.PARAG>1.</NO.PARAG><ALINEA>Member\u00a0States shall act.</ALINEA></PARAG>"
        "</ARTICLE>"
    )
    doc = detect.read(data, "x.xml")
    text = render(doc, "s", OriginInfo("0" * 64, "2026-01-01"), "en")
    src = parse_source_text(text, "s")
    assert [a.address for a in src.articles] == ["13", "13a"]
    assert src.index["13a(1)"].text == "Member States shall act."
    assert "\u00a0" not in text


def test_formex_quoted_articles_are_not_articles_of_the_act():
    data = formex(
        "<ARTICLE><TI.ART>Article 1</TI.ART><STI.ART>Amendments</STI.ART>"
        "<ALINEA>Regulation (EU) No 1/2000 is amended as follows:</ALINEA>"
        "<ALINEA><QUOT.S LEVEL='1'><ARTICLE><TI.ART><QUOT.START CODE='2018'/>Article 5</TI.ART>"
        "<PARAG><NO.PARAG>1.</NO.PARAG><ALINEA>Quoted text.<QUOT.END CODE='2019'/></ALINEA>"
        "</PARAG></ARTICLE></QUOT.S></ALINEA></ARTICLE>"
        "<ARTICLE><TI.ART>Article 2</TI.ART><ALINEA>In force.</ALINEA></ARTICLE>"
    )
    doc = detect.read(data, "x.xml")
    src = parse_source_text(render(doc, "s", OriginInfo("0" * 64, "2026-01-01"), "en"), "s")
    assert [a.address for a in src.articles] == ["1", "2"]
    assert src.index["1"].full_text() == (
        "Regulation (EU) No 1/2000 is amended as follows:\n\n‘Article 5 1. Quoted text.’"
    )


# A real QUOT.S, byte for byte: Regulation (EC) No 1137/2008, Annex, point 1 (amending Directive
# 1999/4/EC), from AlessioNar/tulit (EUPL-1.2) tests/data/sources/eu/eurlex/formex/
# e115172d-3ab3-4b14-b0a4-dfdcc9871793.0006.04/DOC_3.xml @ 35d2ec478edad83df6a1a4e2f598c955c8ee1722
# (an annex file, which is not imported on its own: here it sits in an article).
REAL_QUOT_S = (
    '<QUOT.S LEVEL="1"><ARTICLE IDENTIFIER="004"><TI.ART><QUOT.START ID="QS0001" '
    'REF.END="QE0001" CODE="2018"></QUOT.START>Article 4</TI.ART><ALINEA>A decision to bring '
    "this Directive into line with the general Community provisions applicable to foodstuffs "
    "shall be taken by the Commission. That measure, designed to amend non-essential elements "
    "of this Directive, shall be adopted in accordance with the regulatory procedure with "
    'scrutiny referred to in Article 5(2).<QUOT.END ID="QE0001" REF.START="QS0001" '
    'CODE="2019"></QUOT.END>;</ALINEA></ARTICLE></QUOT.S>'
)


def test_formex_real_quoted_article_stays_a_block_of_the_amending_point():
    data = formex(
        "<ARTICLE><TI.ART>Article 1</TI.ART><ALINEA><P>Directive 1999/4/EC is hereby amended "
        "as follows:</P><LIST TYPE='ARAB'><ITEM><NP><NO.P>1.</NO.P><TXT>Article 4 shall be "
        f"replaced by the following:</TXT><P>{REAL_QUOT_S}</P></NP></ITEM></LIST></ALINEA>"
        "</ARTICLE>"
    )
    doc = detect.read(data, "x.xml")
    src = parse_source_text(render(doc, "s", OriginInfo("0" * 64, "2026-01-01"), "en"), "s")
    assert [a.address for a in src.articles] == ["1"]  # quoted Article 4 is not the act's
    point = src.index["1(1)"]
    assert point.text == "Article 4 shall be replaced by the following:"
    assert point.full_text().endswith(
        "\n\n‘Article 4 A decision to bring this Directive into line with the general Community "
        "provisions applicable to foodstuffs shall be taken by the Commission. That measure, "
        "designed to amend non-essential elements of this Directive, shall be adopted in "
        "accordance with the regulatory procedure with scrutiny referred to in Article 5(2).’;"
    )


# --------------------------------------------------------------------------- CLI


def test_cli_import_writes_reports_and_shows_origin(project, cli):
    result = cli("sources", "import", FMX_903, "-C", project)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "wrote sources/reg-2024-903.md (formex, oj-act): 23 articles, 110 paragraphs, "
        "103 points, 57 recitals; 20 notes kept out of the text\n"
    )
    again = cli("sources", "import", FMX_903, "-C", project, "--check")
    assert again.exit_code == 0
    assert again.output.startswith("sources/reg-2024-903.md is up to date")
    shown = cli("sources", "show", "reg-2024-903", "--origin", "-C", project)
    assert shown.exit_code == 0
    assert "celex: 32024R0903" in shown.output
    assert "  file: L_202400903EN.000101.fmx.xml" in shown.output
    assert re.search(r"  sha256: f3ea062a[0-9a-f]{56}\n", shown.output)
    assert re.search(r"  imported: \d{4}-\d{2}-\d{2}\n", shown.output)


def test_cli_import_needs_an_id_when_the_document_has_none(project, cli, tmp_path):
    f = tmp_path / "x.xml"
    f.write_bytes(formex("<ARTICLE><TI.ART>Article 1</TI.ART><ALINEA>A.</ALINEA></ARTICLE>"))
    result = cli("sources", "import", f, "-C", project, "--id", "bad id")
    assert result.exit_code == 2
    assert "'bad id' is not a source id" in result.stderr
    assert not (project / "sources" / "bad id.md").exists()


def round_trip(project: Path, cli, path: Path, sid: str) -> int:
    """Import, make a verbatim clause of every article, put them all in the outline, check.

    The first clause is made by `treatydraft new`, the others by the function it calls
    (api.new_clause) on one loaded project, which is the same code without a reload each."""
    from treatydraft import api

    result = cli("sources", "import", path, "--id", sid, "-C", project)
    assert result.exit_code == 0, result.output
    loaded = api.load_project(project)
    src = loaded.sources[sid]
    ids = []
    for k, art in enumerate(src.articles):
        cid = f"{sid}-{art.address}"
        if k == 0:
            made = cli("new", cid, "--from", f"{sid}:{art.address}", "-C", project)
            assert made.exit_code == 0, made.output
        else:
            api.new_clause(loaded, cid, f"{sid}:{art.address}")
        ids.append(cid)
    cfg = project / "treatydraft.yml"
    cfg.write_text(
        cfg.read_text().replace("outline:\n", "outline:\n" + "".join(f"  - {i}\n" for i in ids))
    )
    checked = cli("check", "--strict", "-C", project)
    assert checked.exit_code == 0, checked.output + checked.stderr
    files = len(list((project / "clauses").rglob("*.yaml")))
    assert f"in {files} clauses" in checked.stderr  # every clause file was checked
    return len(ids)


def test_every_formex_article_round_trips_through_new_and_check(project, cli):
    assert round_trip(project, cli, FMX_903, "reg-2024-903") == 23
    assert round_trip(project, cli, FMX_1319, "reg-2011-1319") == 2


# --------------------------------------------------------------------------- EUR-Lex XHTML


def nodes(src):
    def walk(n):
        yield n
        for c in n.children:
            yield from walk(c)

    for art in src.articles:
        yield from walk(art)


def test_formex_and_xhtml_of_2024_903_give_the_same_articles_paragraph_by_paragraph():
    _, fmx, _ = load(FMX_903)
    _, xhtml, _ = load(HTML_903)
    assert [a.address for a in fmx.articles] == [a.address for a in xhtml.articles]
    left, right = list(nodes(fmx)), list(nodes(xhtml))
    assert len(left) == len(right) == 243
    for a, b in zip(left, right):
        assert (a.address, a.kind, a.label, a.heading) == (b.address, b.kind, b.label, b.heading)
        assert a.text == b.text, a.address
    assert [r.text for r in fmx.recitals] == [r.text for r in xhtml.recitals]


def test_xhtml_current_layout_metadata_nbsp_notes_and_annex():
    doc, src, text = load(HTML_903)
    assert (doc.format, doc.layout) == ("eurlex-xhtml", "oj-classes")
    assert src.meta["eli"] == "http://data.europa.eu/eli/reg/2024/903/oj"
    assert src.meta["celex"] == "32024R0903"
    # "1.\u00a0\u00a0\u00a0Before …" in the page: a plain paragraph label in the source
    assert src.index["3(1)"].text.startswith("Before taking a decision")
    assert "\u00a0" not in text
    # "… of the Council <a>(14)</a>;": the marker and the space before it are gone
    assert src.index["2(3)"].text.endswith("of the European Parliament and of the Council;")
    assert doc.not_imported == ["ANNEX"]
    assert "not imported: ANNEX" in src.meta["origin"]


def test_xhtml_older_layout_reindented():
    doc, src, _ = load(HTML_LEGACY)
    assert (doc.format, doc.layout) == ("eurlex-xhtml", "legacy-classes")
    assert [a.address for a in src.articles] == ["1", "2", "3", "4", "521"]
    assert src.index["1"].heading == "Scope"
    # newlines and indentation inside <p> are folded; points come from two-cell tables
    assert src.index["1(b)"].text == "requirements limiting large exposures;"
    # "(1)" definitions under paragraph "1." are points of that paragraph
    assert src.index["4(1)(1)"].kind == "point"
    assert src.index["4(1)(1)"].text.startswith("‧credit institution‧ means an undertaking")
    assert src.meta["celex"] == "32013R0575"
    assert src.index["recital 1"].text


def test_xhtml_quoted_article_titles_stay_text_of_the_amending_article(tmp_path):
    page = (
        "<html><body><p class='oj-doc-ti'>Regulation (EU) 2020/1</p>"
        "<p class='oj-ti-art'>Article 1</p><p class='oj-sti-art'>Amendments</p>"
        "<p class='oj-normal'>Article 4 is replaced by the following:</p>"
        "<p class='oj-ti-art'>‘Article 4</p><p class='oj-sti-art'>Scope</p>"
        "<p class='oj-normal'>Quoted text.’</p>"
        "<p class='oj-ti-art'>Article 2</p><p class='oj-normal'>In force.</p></body></html>"
    )
    f = tmp_path / "a.html"
    f.write_text(page, encoding="utf-8")
    doc, src, _ = load(f)
    assert [a.address for a in src.articles] == ["1", "2"]
    assert src.index["1"].heading == "Amendments"
    assert src.index["1"].full_text().split("\n\n") == [
        "Article 4 is replaced by the following:",
        "‘Article 4",
        "Scope",
        "Quoted text.’",
    ]
    assert doc.unplaced == []


def test_every_xhtml_article_round_trips_through_new_and_check(project, cli):
    assert round_trip(project, cli, HTML_903, "reg-2024-903-html") == 23
    assert round_trip(project, cli, HTML_LEGACY, "crr") == 5


# --------------------------------------------------------------------------- Akoma Ntoso


def test_akn_uk_act_wd17_sections_as_units():
    doc, src, _ = load(AKN_UK, "ukpga-2014-27")
    assert (doc.format, doc.layout) == ("akn", "akn-3.0-wd17")
    assert [a.address for a in src.articles] == [str(n) for n in range(1, 9)]
    assert src.meta["frbr"] == "http://www.legislation.gov.uk/id/ukpga/2014/27/enacted"
    assert src.short == "Data Retention and Investigatory Powers Act 2014"
    assert src.index["1"].heading == (
        "Powers for retention of relevant communications data subject to safeguards"
    )
    assert (
        src.index["1(2)(b)"].text == "require the retention of all data or any description of data,"
    )
    # a bare <num>1</num> is printed "(1)"; list introductions stay in the text
    assert src.index["2(1)"].text == "In this section and section 1—"
    # subsections quoted in amending text are one block of the quoting subsection
    assert "4(2A)" not in src.index and "2A" not in src.index
    quoted = src.index["4(2)"].full_text()
    assert "“(2A) A copy of a warrant may be served" in quoted
    assert "(2C) Service under subsection (2)" in quoted


AKN_FINAL = """<?xml version="1.0" encoding="UTF-8"?>
<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act name="act">
<meta><identification source="#x"><FRBRWork><FRBRthis value="/akn/za/act/2020/3/main"/>
<FRBRuri value="/akn/za/act/2020/3"/></FRBRWork><FRBRExpression>
<FRBRlanguage language="eng"/></FRBRExpression></identification></meta>
<preface><p><docTitle>Test Act, 2020</docTitle></p></preface>
<body><chapter id="chp_1"><num>1</num><heading>Start</heading>
<section id="sec_35"><num>35.</num><heading>Old</heading><content><p>Old text.</p></content></section>
<section id="sec_35A"><num>35A.</num><heading>Inserted</heading>
<subsection id="sec_35A__subsec_1"><num>(1)</num><content><p>Every person<authorialNote marker="1"
 placement="bottom"><p>Inserted by Act 4 of 2021.</p></authorialNote> must comply.</p></content></subsection>
</section></chapter></body></act></akomaNtoso>
"""


def test_akn_final_namespace_id_attributes_35a_and_authorial_notes(tmp_path):
    f = tmp_path / "act.xml"
    f.write_text(AKN_FINAL)
    doc, src, text = load(f, "za-act-2020-3")
    assert doc.layout == "akn-3.0"
    assert [a.address for a in src.articles] == ["35", "35A"]
    assert src.index["35A(1)"].text == "Every person must comply."
    assert "(1) Inserted by Act 4 of 2021." in text.split("## Notes", 1)[1]
    assert src.meta["frbr"] == "/akn/za/act/2020/3"
    assert src.index["35"].context == "1 Start"


def test_akn_final_namespace_real_act_with_attachments_not_imported():
    doc, src, _ = load(AKN_IT, "it-legge-2024-66")
    assert (doc.format, doc.layout, doc.language) == ("akn", "akn-3.0", "it")
    assert [a.address for a in src.articles] == ["1", "2", "3", "4"]  # "Art. 1." …
    assert src.index["3"].heading == "Clausola di invarianza finanziaria"
    assert src.index["3(2)"].text.startswith("Le amministrazioni interessate provvedono")
    assert src.meta["frbr"] == "/akn/it/act/legge/stato/2024-05-14/66"
    assert len(doc.not_imported) == 21 and doc.not_imported[0] == "Accordo-art. 1"
    assert "Entrata in vigore" not in src.index["4"].full_text()  # the preface's note


def test_akn_authorial_notes_inside_sentences_leave_the_text():
    doc, src, text = load(AKN_EU, "dir-2014-92")
    assert len(src.articles) == 31
    assert src.index["2(8)"].text == "credit institution;"
    assert "(1) Directive 2007/64/EC of the European Parliament" in text.split("## Notes")[1]
    assert "OJ L 176" not in src.index["2"].full_text()
    assert all("OJ L" not in n.text for n in nodes(src))


def test_every_akn_unit_round_trips_through_new_and_check(project, cli, tmp_path):
    assert round_trip(project, cli, AKN_UK, "ukpga-2014-27") == 8
    assert round_trip(project, cli, AKN_IT, "it-legge-2024-66") == 4
    assert round_trip(project, cli, AKN_EU, "dir-2014-92") == 31
    f = tmp_path / "act.xml"
    f.write_text(AKN_FINAL)
    assert round_trip(project, cli, f, "za-act") == 2


# --------------------------------------------------------------------------- re-import


P1 = (
    "Member States shall take the necessary measures to ensure the prompt removal of web pages "
    "containing or disseminating child pornography hosted in their territory and to endeavour "
    "to obtain the removal of such pages hosted outside of their territory."
)


def directive(p2: str) -> bytes:
    """A Formex file shaped like Directive 2011/93/EU, with Article 25(2) as given."""
    return (
        "<?xml version='1.0' encoding='utf-8'?><ACT><BIB.INSTANCE><LG.DOC>EN</LG.DOC>"
        "<NO.DOC><NO.CURRENT>93</NO.CURRENT><YEAR>2011</YEAR></NO.DOC></BIB.INSTANCE>"
        "<TITLE><TI><P>Directive 2011/93/EU of the European Parliament and of the Council</P>"
        "</TI></TITLE><ENACTING.TERMS>"
        "<ARTICLE><TI.ART>Article 1</TI.ART><STI.ART>Subject matter</STI.ART>"
        "<ALINEA>This Directive establishes minimum rules.</ALINEA></ARTICLE>"
        "<ARTICLE><TI.ART>Article 25</TI.ART><STI.ART>Measures against websites containing "
        "or disseminating child pornography</STI.ART>"
        f"<PARAG><NO.PARAG>1.</NO.PARAG><ALINEA>{P1}</ALINEA></PARAG>"
        f"<PARAG><NO.PARAG>2.</NO.PARAG><ALINEA>{p2}</ALINEA></PARAG>"
        "</ARTICLE></ENACTING.TERMS></ACT>"
    ).encode()


def test_reimport_lists_changes_and_failing_pins_check_writes_nothing(treaty, cli, tmp_path):
    f = tmp_path / "dir.xml"
    f.write_bytes(directive("Member States may take measures to block access."))
    source = treaty / "sources" / "dir-2011-93-eu.md"
    clause = treaty / "clauses" / "removal-blocking.yaml"
    before, clause_before = source.read_bytes(), clause.read_bytes()
    result = cli("sources", "import", f, "--id", "dir-2011-93-eu", "--check", "-C", treaty)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[:2] == ["changes Art. 1 (added)", "changes Art. 25 (changed)"]
    assert lines[2].startswith("will fail clauses/removal-blocking.yaml:")
    assert "removal-blocking at 25(2): its source text changes; pin-mismatch" in lines[2]
    assert not any("25(1)" in line for line in lines)  # 25(1) is the same text
    assert lines[3].startswith("would write sources/dir-2011-93-eu.md (formex, oj-act): 2 articles")
    assert source.read_bytes() == before
    written = cli("sources", "import", f, "--id", "dir-2011-93-eu", "-C", treaty)
    assert written.exit_code == 0
    assert source.read_bytes() != before
    assert clause.read_bytes() == clause_before  # clauses are never rewritten
    checked = cli("check", "-C", treaty)
    assert checked.exit_code == 1
    assert "clauses/removal-blocking.yaml" in checked.output
    assert "error[pin-mismatch]" in checked.output
    again = cli("sources", "import", f, "--id", "dir-2011-93-eu", "--check", "-C", treaty)
    assert again.exit_code == 0
    assert again.output.startswith("sources/dir-2011-93-eu.md is up to date")


def test_whole_directive_then_check_reports_what_the_readme_says(treaty, cli, tmp_path):
    """README: importing the whole Directive leaves uncovered-provision warnings for the
    covered articles no clause derives from, and no pin failure when Art. 25 is unchanged."""
    bundled = parse_source_text(
        (treaty / "sources" / "dir-2011-93-eu.md").read_text(encoding="utf-8"), "dir-2011-93-eu"
    )
    p2 = bundled.index["25(2)"].text
    data = directive(p2).replace(
        b"<ARTICLE><TI.ART>Article 25",
        b"<ARTICLE><TI.ART>Article 2</TI.ART><ALINEA>Definitions.</ALINEA></ARTICLE>"
        b"<ARTICLE><TI.ART>Article 15</TI.ART><ALINEA>Investigation.</ALINEA></ARTICLE>"
        b"<ARTICLE><TI.ART>Article 25",
    )
    f = tmp_path / "dir.xml"
    f.write_bytes(data)
    result = cli("sources", "import", f, "--id", "dir-2011-93-eu", "-C", treaty)
    assert result.exit_code == 0
    assert "will fail" not in result.output and "Art. 25" not in result.output
    checked = cli("check", "-C", treaty)
    assert checked.exit_code == 0, checked.output
    warned = [line for line in checked.output.splitlines() if "uncovered-provision" in line]
    assert [w.split("Directive 2011/93/EU ")[1].split(" is")[0] for w in warned] == [
        "Art. 2",
        "Art. 15",
    ]


def test_reimport_on_another_day_changes_nothing(project, tmp_path):
    import datetime

    from treatydraft import api
    from treatydraft.importing.importer import run_import

    proj = api.load_project(project)
    first = run_import(Path(proj.root), "sources/", str(FMX_1319), today=datetime.date(2025, 1, 1))
    assert first.written
    data = (project / first.path).read_bytes()
    later = run_import(Path(proj.root), "sources/", str(FMX_1319), today=datetime.date(2026, 6, 1))
    assert (later.changed, later.written) == (False, False)
    assert (project / first.path).read_bytes() == data
    assert b"imported: 2025-01-01" in data


# --------------------------------------------------------------------------- fetching (no network)


def test_celex_reference_downloads_eurlex_html(project, cli, monkeypatch):
    from treatydraft.importing import fetch

    asked = []

    def fake(url):
        asked.append(url)
        return HTML_903.read_bytes()  # the page EUR-Lex serves, recorded

    monkeypatch.setattr(fetch, "download", fake)
    result = cli("sources", "import", "celex:32024r0903", "-C", project)
    assert result.exit_code == 0, result.output
    assert asked == ["https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=CELEX:32024R0903"]
    shown = cli("sources", "show", "reg-2024-903", "--origin", "-C", project).output
    assert "celex: 32024R0903\n" in shown
    assert f"  url: {asked[0]}\n" in shown
    assert "  format: eurlex-xhtml (layout: oj-classes)\n" in shown


class _Response:
    def __init__(self, body: bytes, length: str | None = None):
        self.body, self.headers = body, {"Content-Length": length} if length else {}

    def read(self, n):
        return self.body[:n]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_celex_number_asked_for_wins_over_the_title(project, cli, monkeypatch):
    """The OJ printed Directive 2011/93/EU as "2011/92/EU": the CELEX asked for is recorded."""
    from treatydraft.importing import fetch

    page = HTML_LEGACY.read_bytes()  # stands in for the page EUR-Lex serves
    monkeypatch.setattr(fetch, "download", lambda url: page)
    result = cli("sources", "import", "celex:32013R0999", "--id", "crr", "-C", project)
    assert result.exit_code == 0, result.output
    front = (project / "sources" / "crr.md").read_text().split("---")[1]
    assert 'celex: "32013R0999"' in front


def test_redirects_away_from_https_are_refused():
    import urllib.request

    from treatydraft.importing import fetch

    handler = fetch._https_only_redirects()
    req = urllib.request.Request("https://eur-lex.europa.eu/x")
    with pytest.raises(fetch.FetchError, match="redirected to a non-https address"):
        handler.redirect_request(req, None, 302, "Found", {}, "http://evil.example/x")
    ok = handler.redirect_request(req, None, 302, "Found", {}, "https://eur-lex.europa.eu/y")
    assert ok.full_url == "https://eur-lex.europa.eu/y"


def test_offline_is_one_clear_line(project, cli, monkeypatch):
    import urllib.error
    import urllib.request

    def offline(self, request, timeout=None):
        assert timeout == 30
        raise urllib.error.URLError("Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", offline)
    result = cli("sources", "import", "celex:32011L0093", "--id", "dir-2011-93-eu", "-C", project)
    assert result.exit_code == 2
    assert result.stderr == (
        "treatydraft: error: cannot reach https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/"
        "?uri=CELEX:32011L0093; download the page and run `sources import FILE`\n"
    )
    assert result.stdout == ""


def test_fetch_refuses_http_and_oversized_answers(project, cli, monkeypatch):
    import urllib.request

    from treatydraft.importing import fetch

    result = cli("sources", "import", "http://example.org/act.xml", "-C", project)
    assert result.exit_code == 2
    assert "only https:// addresses are fetched" in result.stderr
    monkeypatch.setattr(
        urllib.request.OpenerDirector,
        "open",
        lambda self, req, timeout=None: _Response(b"x" * 50, length=str(fetch.MAX_BYTES + 1)),
    )
    big = cli("sources", "import", "https://example.org/act.xml", "-C", project)
    assert big.exit_code == 2
    assert "larger than 20 MiB" in big.stderr
    monkeypatch.setattr(
        urllib.request.OpenerDirector, "open", lambda self, req, timeout=None: _Response(b"y" * 11)
    )
    with pytest.raises(fetch.FetchError, match="larger than"):
        fetch.download("https://example.org/a", max_bytes=10)
    assert fetch.download("https://example.org/a", max_bytes=11) == b"y" * 11


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<?xml version='1.0'?><CONS.ACT><CONS.DOC/></CONS.ACT>", "a consolidated Formex act"),
        (b"<?xml version='1.0'?>\n<ANNEX><TITLE/></ANNEX>", "a Formex annex on its own"),
        (
            b"<html><body><p class='title-article-norm'>Article 1</p></body></html>",
            "a consolidated EUR-Lex page",
        ),
        (b"%PDF-1.7 ...", "a PDF; download the HTML or XML instead"),
        (b"<html><body><p>Request blocked.</p></body></html>", "a web page without an act"),
    ],
)
def test_unsupported_inputs_are_refused_clearly(project, cli, tmp_path, data, message):
    f = tmp_path / "in.xml"
    f.write_bytes(data)
    result = cli("sources", "import", f, "--id", "x", "-C", project)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{f}:")
    assert "error[import-format]" in result.stderr and message in result.stderr
    assert not (project / "sources" / "x.md").exists()


def test_official_fixtures_are_byte_for_byte_the_recorded_files():
    readme = (OFFICIAL / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, re.M)
    assert len(listed) == 7
    for digest, name in listed:
        assert hashlib.sha256((OFFICIAL / name).read_bytes()).hexdigest() == digest, name
