"""`treatydraft amend` and `amend apply`: a real pair of drafts, errors, the round trip to
clause files, and one golden file per instruction kind and style."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, copy_project, edit

from treatydraft.amend import run as amend_run
from treatydraft.amend.doc import Part, Unit
from treatydraft.amend.formats import term
from treatydraft.amend.grammar import render
from treatydraft.amend.instructions import (
    AnchorError,
    apply_words,
    generate,
    word_instructions,
)

GOLDEN = Path(__file__).resolve().parent / "golden" / "amend"
UPDATE = os.environ.get("TREATYDRAFT_UPDATE_GOLDEN") == "1"


def _git(cwd: Path, *args: str) -> str:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.org",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.org",
    )
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env
    ).stdout


def second_revision(project: Path) -> None:
    """The bundled treaty's next draft: a word, a new article before Article 5 (so the
    reference to it in Reporting changes), a new paragraph, words added."""
    edit(
        project / "clauses" / "removal-blocking.yaml",
        "Each State Party may take measures to block",
        "Each State Party shall take measures to block",
    )
    edit(
        project / "clauses" / "reporting.yaml",
        "  - text: >-\n      The Secretary-General",
        "  - text: >-\n      The report shall cover the cooperation between competent authorities.\n"
        "    provenance:\n      relation: new\n  - text: >-\n      The Secretary-General",
    )
    edit(
        project / "clauses" / "reporting.yaml",
        "received under paragraph 1 of this article",
        "received under paragraph 1 of this article without delay",
    )
    (project / "clauses" / "cooperation.yaml").write_text(
        "id: cooperation\ntitle: International cooperation\nparagraphs:\n"
        "  - text: States Parties shall cooperate with each other to the widest extent possible.\n"
        "    provenance:\n      relation: new\n"
        '  - text: "Cooperation shall include:"\n    provenance:\n      relation: new\n'
        "    points:\n      - text: mutual legal assistance;\n"
        "      - text: the exchange of information.\n",
        encoding="utf-8",
    )
    edit(
        project / "treatydraft.yml",
        "      - prevention\n",
        "      - prevention\n      - cooperation\n",
    )


@pytest.fixture
def revisions(tmp_path: Path) -> Path:
    """The bundled treaty in a git repository at two commits; the project is HEAD."""
    project = copy_project(REPO, tmp_path / "repo")
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "first")
    second_revision(project)
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "second")
    return project


SHEET = """\
# Amendments to Convention on Combating Online Child Sexual Abuse

Against HEAD~1; style un. Article, paragraph and point numbers refer to the earlier draft.

## Article 3 — Investigation

1. In article 3, paragraph 3, the words “Article 5” are replaced by “Article 6”.

## New article 5 — International cooperation

2. The following article is inserted after article 4:
   “Article 5 — International cooperation
   1. States Parties shall cooperate with each other to the widest extent possible.
   2. Cooperation shall include:
      (a) mutual legal assistance;
      (b) the exchange of information.”

## Article 5 — Measures against websites containing or disseminating online child sexual abuse material

3. In article 5, paragraph 2, the word “may” is replaced by “shall”.

## Article 6 — Reporting

4. In article 6, paragraph 1, the words “Article 5” are replaced by “Article 6”.
5. In article 6, the following paragraph is inserted after paragraph 1:
   “2. The report shall cover the cooperation between competent authorities.”
6. In article 6, paragraph 2, the words “without delay” are inserted after the word “article”.
7. In article 6, paragraph 2 is renumbered 3.

## Renumbering of articles

8. Articles 5 to 11 are renumbered 6 to 12.
"""


def test_amend_md_on_the_bundled_treaty_reads_like_an_amendment_sheet(cli, revisions):
    r = cli("amend", "--against", "HEAD~1", "--format", "md", "-C", revisions)
    assert r.exit_code == 0, r.output
    assert r.output == SHEET


def test_amend_eu_style(cli, revisions):
    r = cli("amend", "--against", "HEAD~1", "--style", "eu", "-C", revisions)
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert "(2) The following Article is inserted after Article 4:" in lines
    assert "(3) Article 5(2) is amended as follows: the word “may” is replaced by “shall”." in lines
    assert "(8) Articles 5 to 11 are renumbered 6 to 12." in lines


def _builds(project: Path, out: Path) -> dict[str, bytes]:
    from treatydraft import api

    api.build(api.load_project(project), formats=["md", "html", "docx"], out=out)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_amend_apply_reproduces_the_newer_build_byte_for_byte(
    cli, revisions, tmp_path, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    sheet = tmp_path / "amendments.md"
    r = cli("amend", "--against", "HEAD~1", "--format", "md", "--out", sheet, "-C", revisions)
    assert r.exit_code == 0 and r.output == f"wrote {sheet}\n"
    older = copy_project(REPO, tmp_path / "older")  # the first revision
    r = cli("amend", "apply", sheet, "-C", older)
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        "changed clauses/removal-blocking.yaml",
        "changed clauses/reporting.yaml",
        "created clauses/international-cooperation.yaml",
        "changed treatydraft.yml",
    ]
    assert _builds(older, tmp_path / "b1") == _builds(revisions, tmp_path / "b2")
    # the reference in Reporting is still a reference, and untouched lines are as they were
    reporting = (older / "clauses" / "reporting.yaml").read_text(encoding="utf-8")
    assert 'with {{ ref("removal-blocking") }}, accompanied' in reporting
    assert cli("check", "-C", older).exit_code == 0


def test_amend_apply_check_writes_nothing(cli, revisions, tmp_path):
    sheet = tmp_path / "a.txt"
    assert cli("amend", "--against", "HEAD~1", "--out", sheet, "-C", revisions).exit_code == 0
    older = copy_project(REPO, tmp_path / "older")
    before = {p: p.read_bytes() for p in older.rglob("*") if p.is_file()}
    r = cli("amend", "apply", sheet, "--check", "-C", older)
    assert r.exit_code == 0
    assert r.output.splitlines()[0] == "would have changed clauses/removal-blocking.yaml"
    assert {p: p.read_bytes() for p in older.rglob("*") if p.is_file()} == before


def test_a_hand_edited_instruction_quoting_absent_words_is_one_error_and_nothing_is_written(
    cli, revisions, tmp_path
):
    sheet = tmp_path / "amendments.md"
    cli("amend", "--against", "HEAD~1", "--format", "md", "--out", sheet, "-C", revisions)
    text = sheet.read_text(encoding="utf-8").replace("the word “may”", "the word “might”")
    sheet.write_text(text, encoding="utf-8")
    older = copy_project(REPO, tmp_path / "older")
    before = {p: p.read_bytes() for p in older.rglob("*") if p.is_file()}
    r = cli("amend", "apply", sheet, "-C", older)
    assert r.exit_code == 2
    assert r.output == (
        f"{sheet}:20:1: error[amend-anchor]: instruction 3 (article 5, paragraph 2) does not "
        "apply: the words “might” are not in the text\n"
    )
    assert {p: p.read_bytes() for p in older.rglob("*") if p.is_file()} == before


def test_a_phrase_that_is_not_unique_must_say_which(cli, revisions, tmp_path):
    sheet = tmp_path / "a.txt"
    sheet.write_text(
        "1. In article 5, paragraph 1, the word “the” is replaced by “a”.\n", encoding="utf-8"
    )
    older = copy_project(REPO, tmp_path / "older")
    r = cli("amend", "apply", sheet, "-C", older)
    assert r.exit_code == 2
    assert r.output == (
        f"{sheet}:1:1: error[amend-anchor]: instruction 1 (article 5, paragraph 1) does not "
        "apply: the words “the” occur 3 times; say 'where it first occurs' or 'each time it occurs'\n"
    )
    sheet.write_text(
        "1. In article 5, paragraph 1, the word “the” is replaced by “a” where it first occurs.\n"
        "2. In article 5, paragraph 1, the word “prompt” is deleted.\n"
        "3. In article 5, paragraph 7 is deleted.\n",
        encoding="utf-8",
    )
    r = cli("amend", "apply", sheet, "-C", older)
    assert r.exit_code == 2
    assert r.output.splitlines()[0] == (
        f"{sheet}:3:1: error[amend-anchor]: instruction 3 (article 5, paragraph 7) does not "
        "apply: article 5, paragraph 7 is not in the earlier draft"
    )
    assert len(r.output.splitlines()) == 1
    sheet.write_text("1. In article 9, the word “shall” is deleted.\n", encoding="utf-8")
    r = cli("amend", "apply", sheet, "-C", older)
    assert r.exit_code == 2
    assert r.output == (
        f"{sheet}:1:1: error[amend-grammar]: instruction 1: article 9 has 2 paragraphs; name one\n"
    )


def test_an_unreadable_instruction_is_named(cli, tmp_path):
    older = copy_project(REPO, tmp_path / "older")
    sheet = tmp_path / "a.txt"
    sheet.write_text("Amendments\n\n1. Article 5 is improved.\n", encoding="utf-8")
    r = cli("amend", "apply", sheet, "-C", older)
    assert r.exit_code == 2
    assert r.output == (
        f"{sheet}:3:1: error[amend-grammar]: instruction 1: not an instruction this tool can read\n"
    )


def test_the_invariant_failing_writes_nothing_and_exits_2(cli, revisions, tmp_path, monkeypatch):
    real = amend_run.generate
    monkeypatch.setattr(amend_run, "generate", lambda *a: real(*a)[1:])
    out = tmp_path / "a.md"
    r = cli("amend", "--against", "HEAD~1", "--out", out, "-C", revisions)
    assert r.exit_code == 2
    assert r.output == (
        f"{out}:1:1: error[internal]: the generated instructions do not turn the earlier "
        "draft into the current one (article 3 differs); nothing written\n"
    )
    assert not out.exists()


def test_amend_usage_errors(cli, revisions):
    r = cli("amend", "-C", revisions)
    assert r.exit_code == 2
    assert r.output == "treatydraft: error: amend needs --against REV|DIR (the earlier draft)\n"
    r = cli("amend", "--against", "HEAD~1", "--style", "fr", "-C", revisions)
    assert r.exit_code == 2 and "--style must be one of un, eu, not 'fr'" in r.output
    r = cli("amend", "--against", "source", "-C", revisions)
    assert r.exit_code == 2 and "amend compares two drafts" in r.output


def test_no_change_no_instruction(cli, revisions):
    r = cli("amend", "--against", "HEAD", "-C", revisions)
    assert r.exit_code == 0
    assert r.output.splitlines()[-1] == "No amendments: the two drafts are the same."


def test_amend_threshold_is_configurable_and_validated(cli, revisions):
    cfg = revisions / "treatydraft.yml"
    edit(cfg, "default_budget: 0.25\n", "default_budget: 0.25\namend_threshold: 0\n")
    r = cli("amend", "--against", "HEAD~1", "-C", revisions)
    assert r.exit_code == 0
    assert "In article 5, paragraph 2 is replaced by the following:" in r.output
    edit(cfg, "amend_threshold: 0\n", "amend_threshold: 1.5\n")
    r = cli("amend", "--against", "HEAD~1", "-C", revisions)
    assert r.exit_code == 2
    assert r.output == (
        "treatydraft.yml:6:18: error[schema]: amend_threshold must be between 0 and 1 "
        "(a share of words), not 1.5\n"
    )


def test_apply_keeps_comments_quotes_and_layout_of_untouched_lines(cli, tmp_path):
    old = copy_project(FIXTURES / "mini", tmp_path / "old")
    new = copy_project(FIXTURES / "mini", tmp_path / "new")
    edit(new / "clauses" / "removal.yaml", "States Parties may take", "States Parties shall take")
    sheet = tmp_path / "a.json"
    r = cli("amend", "--against", old, "--format", "json", "--out", sheet, "-C", new)
    assert r.exit_code == 0
    r = cli("amend", "apply", sheet, "-C", old)
    assert r.exit_code == 0 and r.output == "changed clauses/removal.yaml\n"
    # exactly the hand-edited file: comments, single quotes, flow mappings, double spaces
    assert (old / "clauses" / "removal.yaml").read_bytes() == (
        new / "clauses" / "removal.yaml"
    ).read_bytes()


# --------------------------------------------------------------------------- the core


def test_word_instructions():
    assert word_instructions("It may act. It may not.", "It shall act. It shall not.") == [
        ("replace", "may", "shall", "each")
    ]
    assert word_instructions("the cat and the dog", "a cat and the dog") == [
        ("replace", "the", "a", "first")
    ]
    assert word_instructions("See Article 5 and Article 7.", "See Article 6 and Article 7.") == [
        ("replace", "Article 5", "Article 6", None)
    ]
    assert word_instructions("The cat sat.", "The cat sat still.") == [
        ("insert-after", "sat", "still", None)
    ]
    assert word_instructions("The big cat sat.", "The cat sat.") == [("delete", "big", "", None)]


def test_apply_words_anchors_on_whole_words():
    assert apply_words("may mayor", "replace", "may", "shall", None) == "shall mayor"
    with pytest.raises(AnchorError, match="not in the text"):
        apply_words("mayor", "replace", "may", "shall", None)
    with pytest.raises(AnchorError, match="occur 2 times"):
        apply_words("may or may not", "delete", "may", "", None)
    assert apply_words("may or may not", "delete", "may", "", "each") == "or not"


# --------------------------------------------------------------------------- golden files

BASE = (
    Part("preamble", "preamble", None, (Unit("Recognising the need to act,"),)),
    Part("article", "scope", "Scope", (Unit("States Parties shall apply this Convention."),)),
    Part(
        "article",
        "measures",
        "Measures",
        (
            Unit("Each State Party may take the necessary measures in the territory."),
            Unit(
                "The measures shall include:",
                (Unit("blocking;"), Unit("removal.")),
            ),
            Unit("Article 1 applies to the measures."),
        ),
    ),
    Part("article", "final", "Final", (Unit("This Convention is open for signature."),)),
    Part("testimonium", "testimonium", None, ()),
)


def _change(part: int, unit: int, text: str):
    parts = list(BASE)
    p = parts[part]
    items = list(p.items)
    items[unit] = Unit(text, items[unit].items)
    parts[part] = Part(p.kind, p.key, p.title, tuple(items))
    return tuple(parts)


def _items(part: int, items):
    parts = list(BASE)
    p = parts[part]
    parts[part] = Part(p.kind, p.key, p.title, tuple(items))
    return tuple(parts)


M = BASE[2].items
CASES = {
    "words-replace": _change(
        2, 0, "Each State Party shall take the necessary measures in the territory."
    ),
    "words-first": _change(
        2, 0, "Each State Party may take a necessary measures in the territory."
    ),
    "words-each": _change(2, 0, "Each State Party may take a necessary measures in a territory."),
    "words-delete": _change(2, 0, "Each State Party may take measures in the territory."),
    "words-insert-after": _change(
        2, 0, "Each State Party may take the necessary and proportionate measures in the territory."
    ),
    "words-insert-before": _change(1, 0, "All States Parties shall apply this Convention."),
    "cross-reference": _change(2, 2, "Article 2 applies to the measures."),
    "paragraph-replaced": _change(2, 2, "Nothing in this article limits other obligations."),
    "paragraph-deleted": _items(2, (M[0], M[2])),
    "paragraph-inserted": _items(
        2, (M[0], Unit("Each State Party shall report on them."), M[1], M[2])
    ),
    "point-inserted": _items(
        2, (M[0], Unit(M[1].text, (M[1].items[0], Unit("filtering;"), M[1].items[1])), M[2])
    ),
    "point-deleted": _items(2, (M[0], Unit(M[1].text, (M[1].items[1],)), M[2])),
    "heading": tuple(
        Part(p.kind, p.key, "Scope of application" if p.key == "scope" else p.title, p.items)
        for p in BASE
    ),
    "article-inserted": (
        *BASE[:2],
        Part("article", "new", "Definitions", (Unit("“Child” means a person below 18."),)),
        *BASE[2:],
    ),
    "article-deleted": (BASE[0], *BASE[2:]),
    "preamble": _items(0, (BASE[0].items[0], Unit("Convinced of the urgency,"))),
}


@pytest.mark.parametrize("style", ["un", "eu"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case, style):
    new = CASES[case]
    instructions = generate(BASE, new)
    got = term(
        render(instructions, BASE, style), title="Test Convention", against="OLD", style=style
    )
    path = GOLDEN / f"{case}.{style}.txt"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- docx and akn


def test_amend_docx_holds_every_line_and_is_deterministic(cli, revisions, tmp_path, monkeypatch):
    import docx

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    r = cli("amend", "--against", "HEAD~1", "--format", "docx", "-C", revisions)
    assert r.exit_code == 2 and "give --out FILE.docx" in r.output
    for out in (a, b):
        assert (
            cli(
                "amend", "--against", "HEAD~1", "--format", "docx", "--out", out, "-C", revisions
            ).exit_code
            == 0
        )
    assert a.read_bytes() == b.read_bytes()
    got = [p.text for p in docx.Document(str(a)).paragraphs]
    want = [line.lstrip(" #") for line in SHEET.splitlines() if line.strip()]
    assert got == want


def test_amend_akn_is_a_valid_amendment_document(cli, revisions, tmp_path):
    from test_akn import assert_valid, parse

    out = tmp_path / "a.xml"
    r = cli(
        "amend",
        "--against",
        "HEAD~1",
        "--format",
        "akn",
        "--proposer",
        "ABC",
        "--out",
        out,
        "-C",
        revisions,
    )
    assert r.exit_code == 0
    doc = parse(out.read_bytes())
    assert_valid(doc)
    ns = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
    assert [e.tag.split("}")[1] for e in doc] == ["amendment"]
    mods = doc.findall(".//a:mod", ns)
    assert len(mods) == 8
    assert "".join(mods[2].itertext()) == (
        "3. In article 5, paragraph 2, the word may is replaced by shall."
    )
    assert [q.text for q in mods[2].findall("a:quotedText", ns)] == ["may", "shall"]
    assert doc.find(".//a:FRBRWork/a:FRBRauthor", ns).get("href") == "#proposer"
    assert doc.find(".//a:TLCOrganization[@eId='proposer']", ns).get("showAs") == "ABC"


def test_proposer_is_named_in_the_heading(cli, revisions):
    r = cli("amend", "--against", "HEAD~1", "--proposer", "ABC", "-C", revisions)
    assert r.output.splitlines()[1] == (
        "Against HEAD~1; style un. Proposed by ABC. Article, paragraph and point numbers refer "
        "to the earlier draft."
    )


# --------------------------------------------------------------------------- hostile amendment files

HOSTILE = Path(__file__).resolve().parent / "hostile" / "amend"


def _hostile(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "line", "code", "message"),
    [
        (
            (HOSTILE / "windows-1252.txt").read_bytes(),
            1,
            "encoding",
            "not UTF-8 (byte 64); save the file as UTF-8",
        ),
        (
            (HOSTILE / "bad-indentation.txt").read_bytes(),
            1,
            "amend-grammar",
            "instruction 1: the quoted text is not indented as its levels",
        ),
        (
            (HOSTILE / "missing-quoted-text.txt").read_bytes(),
            1,
            "amend-grammar",
            "instruction 1: the quoted text is missing",
        ),
        (b'{"instructions": ' + b"[" * 100_000, 1, "amend-grammar", "JSON nested too deeply"),
        (
            b'{"instructions": 3}',
            1,
            "amend-grammar",
            "a JSON amendment list has an 'instructions' list",
        ),
        (
            b"x" * (3 * 1024 * 1024),
            1,
            "too-large",
            "the file is 3145728 bytes; the limit is 2097152",
        ),
        (
            b"1. In article 5, the words \xe2\x80\x9c"
            + "” are replaced by “".encode() * 60_000
            + b"\xe2\x80\x9d are deleted.\n",
            1,
            "amend-grammar",
            "instruction 1: the sentence is 1140039 characters long; the limit is 20000 (quote long text as a whole paragraph instead)",
        ),
        (b"just some text\n", 1, "amend-grammar", "no instructions in the file"),
    ],
    ids=[
        "windows-1252",
        "bad-indentation",
        "missing-quoted-text",
        "deep-json",
        "json-shape",
        "too-large",
        "long-sentence",
        "empty",
    ],
)
def test_hostile_amendment_files_are_one_error_line(cli, tmp_path, data, line, code, message):
    older = copy_project(FIXTURES / "mini", tmp_path / "p")
    path = _hostile(tmp_path, "a.txt", data)
    r = cli("amend", "apply", path, "-C", older)
    assert r.exit_code == 2
    assert r.output == f"{path}:{line}:1: error[{code}]: {message}\n"


def test_apply_structural_changes_to_clause_files(cli, tmp_path):
    """Deleted article, new heading, a point deleted and one inserted, a preamble paragraph
    added, a paragraph moved to another article: applied to the older copy, the build is
    the newer one, byte for byte."""
    older = copy_project(REPO, tmp_path / "older")
    newer = copy_project(REPO, tmp_path / "newer")
    edit(newer / "treatydraft.yml", "      - prevention\n", "")
    edit(newer / "clauses" / "definitions.yaml", "title: Definitions", "title: Use of terms")
    d = newer / "clauses" / "definitions.yaml"
    text = d.read_text(encoding="utf-8")
    first_point = text.index("      - text: >-\n          any material that visually")
    second_point = text.index("      - text: >-\n          any depiction")
    d.write_text(
        text[:first_point]
        + "      - text: any representation of a child made by artificial means;\n"
        + text[second_point:],
        encoding="utf-8",
    )
    edit(
        newer / "clauses" / "preamble.yaml",
        "paragraphs:\n",
        "paragraphs:\n  - text: Mindful of the speed of technological change,\n",
    )
    sheet = tmp_path / "a.md"
    r = cli("amend", "--against", older, "--format", "md", "--out", sheet, "-C", newer)
    assert r.exit_code == 0, r.output
    body = sheet.read_text(encoding="utf-8")
    assert "1. In the preamble, the following paragraph is inserted before paragraph 1:" in body
    assert "In article 2, the heading is replaced by “Use of terms”." in body
    assert "Article 4 is deleted." in body
    r = cli("amend", "apply", sheet, "-C", older)
    assert r.exit_code == 0, r.output
    assert "changed treatydraft.yml" in r.output.splitlines()
    assert _builds(older, tmp_path / "b1") == _builds(newer, tmp_path / "b2")
    assert "prevention" not in (older / "treatydraft.yml").read_text(encoding="utf-8")


def test_apply_keeps_a_file_own_list_indentation(cli, tmp_path):
    def project(root: Path, word: str) -> Path:
        (root / "clauses").mkdir(parents=True)
        (root / "treatydraft.yml").write_text("title: T\noutline:\n- a\n- b\n", encoding="utf-8")
        (root / "clauses" / "a.yaml").write_text(
            "id: a  # first\ntitle: A\nparagraphs:\n- text: One text.\n  provenance: {relation: new}\n"
            f"- text: Two {word} texts.\n  points:\n  - text: first;\n  - text: 'second.'\n",
            encoding="utf-8",
        )
        (root / "clauses" / "b.yaml").write_text(
            "id: b\nparagraphs:\n- text: Three.\n", encoding="utf-8"
        )
        return root

    old, new = project(tmp_path / "old", "small"), project(tmp_path / "new", "large")
    sheet = tmp_path / "a.txt"
    assert cli("amend", "--against", old, "--out", sheet, "-C", new).exit_code == 0
    assert "In article 1, paragraph 2, the word “small” is replaced by “large”." in (
        sheet.read_text(encoding="utf-8")
    )
    assert cli("amend", "apply", sheet, "-C", old).exit_code == 0
    assert (old / "clauses" / "a.yaml").read_bytes() == (new / "clauses" / "a.yaml").read_bytes()


def test_an_article_moved_keeps_its_clause_file(cli, tmp_path):
    older = copy_project(REPO, tmp_path / "older")
    newer = copy_project(REPO, tmp_path / "newer")
    cfg = newer / "treatydraft.yml"
    edit(cfg, "      - prevention\n", "")
    edit(cfg, "      - reporting\n", "      - reporting\n      - prevention\n")
    sheet = tmp_path / "a.txt"
    assert cli("amend", "--against", older, "--out", sheet, "-C", newer).exit_code == 0
    text = sheet.read_text(encoding="utf-8")
    assert "Article 4 is deleted." in text
    assert "The following article is inserted after article 6:" in text
    r = cli("amend", "apply", sheet, "-C", older)
    assert r.exit_code == 0 and r.output == "changed treatydraft.yml\n"
    assert (older / "treatydraft.yml").read_bytes() == cfg.read_bytes()


def test_amend_json_carries_each_instruction_and_reads_back(cli, revisions, tmp_path):
    import json

    r = cli("amend", "--against", "HEAD~1", "--format", "json", "-C", revisions)
    assert r.exit_code == 0
    doc = json.loads(r.output)
    assert (doc["against"], doc["style"], doc["proposer"]) == ("HEAD~1", "un", None)
    words = doc["instructions"][2]
    assert words == {
        "number": "3",
        "group": "Article 5 — Measures against websites containing or disseminating online "
        "child sexual abuse material",
        "kind": "words",
        "text": "3. In article 5, paragraph 2, the word “may” is replaced by “shall”.",
        "part": {"kind": "article", "number": 5},
        "path": [1],
        "op": "replace",
        "old": "may",
        "new": "shall",
        "which": None,
    }
    inserted = doc["instructions"][1]
    assert inserted["kind"] == "insert-article" and inserted["label"] == "5"
    assert inserted["units"][1]["items"][0]["text"] == "mutual legal assistance;"
    sheet = tmp_path / "a.json"
    sheet.write_text(r.output, encoding="utf-8")
    older = copy_project(REPO, tmp_path / "older")
    assert cli("amend", "apply", sheet, "-C", older).exit_code == 0
    assert _builds(older, tmp_path / "b1") == _builds(revisions, tmp_path / "b2")


def test_proposer_must_be_a_known_delegation_when_the_project_names_them(cli, tmp_path):
    old = copy_project(REPO / "examples" / "negotiation", tmp_path / "old")
    new = copy_project(REPO / "examples" / "negotiation", tmp_path / "new")
    r = cli("amend", "--against", old, "--proposer", "DEL-C", "-C", new)
    assert r.exit_code == 2
    assert r.output == (
        "treatydraft: error: --proposer 'DEL-C' is not under delegations: in treatydraft.yml"
        " (DEL-A, DEL-B)\n"
    )
    r = cli("amend", "--against", old, "--proposer", "DEL-A", "-C", new)
    assert r.exit_code == 0 and "Proposed by DEL-A." in r.output
