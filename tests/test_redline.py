"""`treatydraft redline`: against the source, against an earlier draft, every format, errors."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_project
from lxml import etree

from treatydraft import api
from treatydraft.errors import InternalError
from treatydraft.redline import docx as rl_docx
from treatydraft.redline import html as rl_html
from treatydraft.redline import json as rl_json
from treatydraft.redline import pair, render

GOLDEN = Path(__file__).resolve().parent / "golden" / "redline"
SMALL = FIXTURES / "redline-small"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return copy_project(SMALL, tmp_path / "small")


# --------------------------------------------------------------------------- against the source


REMOVAL_LINES = [
    "Redline of Convention on Combating Online Child Sexual Abuse against its source articles (named substitutions applied first)",
    "Legend: [-deleted-] {+inserted+} ⟨rule: source→substituted⟩ {~format-only change~}",
    "",
    "Article 5 — Measures against websites containing or disseminating online child sexual abuse material",
    "  paragraph 1 — Directive 2011/93/EU, Art. 25(1) — adapted",
    "    ⟨states-parties: Member States→States Parties⟩[-States Parties-]{+Each State Party+} shall take the necessary"
    " measures to ensure the prompt removal of web pages containing or disseminating"
    " ⟨csam-term: child pornography→online child sexual abuse material⟩ hosted in [-their-]{+its+} territory and to"
    " endeavour to obtain the removal of such pages hosted outside [-of their-]{+its+} territory.",
    "    6 of 39 source words changed (15%, budget 20%); rules: states-parties ×1 (1 then edited), csam-term ×1",
    "  paragraph 2 — Directive 2011/93/EU, Art. 25(2) — adapted",
    "    ⟨states-parties: Member States→States Parties⟩[-States Parties-]{+Each State Party+} may take measures to block"
    " access to web pages containing or disseminating ⟨csam-term: child pornography→online child sexual abuse material⟩"
    " towards the Internet users within [-their-]{+its+} territory. These measures [-must-]{+shall+} be set by transparent"
    " procedures and provide adequate safeguards, in particular to ensure that the restriction is limited to what is"
    " necessary and proportionate, and that users are informed of the reason for the restriction. Those safeguards shall"
    " also include the possibility of judicial redress.",
    "    5 of 71 source words changed (7%, budget 10%); rules: states-parties ×1 (1 then edited), csam-term ×1",
    "  Summary: relation: adapted; 11 of 110 source words changed (10%); within budget (20%, 10%); rules applied:"
    " states-parties ×2 (2 then edited), csam-term ×2",
]


def test_bundled_removal_blocking_against_its_source(cli, treaty: Path) -> None:
    result = cli("redline", "removal-blocking", "-C", treaty)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == REMOVAL_LINES
    # the substitutions are named changes, never word noise
    body = "\n".join(REMOVAL_LINES[5:])
    assert "[-child pornography-]" not in body and "[-Member States-]" not in body


def test_raw_shows_the_plain_diff(cli, treaty: Path) -> None:
    result = cli("redline", "removal-blocking", "--raw", "-C", treaty)
    assert result.exit_code == 0
    assert "⟨" not in result.output
    assert "[-Member States-]{+Each State Party+}" in result.output
    assert "[-child pornography-]{+online child sexual abuse material+}" in result.output


def test_whole_bundled_treaty_renders_in_every_format(treaty: Path, tmp_path: Path) -> None:
    project = api.load_project(treaty)
    model = api.redline_model(project)
    # every paragraph and point of every outline clause, each rebuilding both its texts
    expected = [(i.old, i.new) for i in model.items()]
    assert len(expected) == sum(len(list(c.walk())) for c in project.clauses.values())
    assert rl_html.extract(api.redline(project, fmt="html").data) == expected
    doc = json.loads(api.redline(project, fmt="json").data)
    got = [
        ("".join(op["old"] for op in i["ops"]), "".join(op["new"] for op in i["ops"]))
        for c in doc["clauses"]
        for i in c["items"]
    ]
    assert got == expected
    headings = [c.heading for c in model.clauses]
    for fmt in ("term", "md"):
        text = api.redline(project, fmt=fmt).data
        assert [h for h in headings if h not in text] == []
    data = api.redline(project, fmt="docx", out=tmp_path / "all.docx").data
    assert (tmp_path / "all.docx").read_bytes() == data
    assert rl_docx.extract(data) == expected


def test_reference_is_compared_resolved_and_new_paragraphs_listed(cli, small: Path) -> None:
    out = cli("redline", "scope", "-C", small).output.splitlines()
    assert (
        "    Each ⟨states-parties: Member State→State Party⟩ may adopt stricter measures{+ in accordance with Article 2+}."
        in out
    )
    assert "  paragraph 3 — new (no source)" in out
    assert (
        "    5 of 7 source words changed (71%, budget 20% — OVER BUDGET); rules: states-parties ×1"
        in out
    )
    assert (
        out[-1].startswith("  Summary: relation: adapted, new; ")
        and "new paragraphs/points: 1" in out[-1]
    )


def test_format_only_changes_are_their_own_category(cli, small: Path) -> None:
    out = cli("redline", "cooperation", "-C", small).output
    assert "    by exchanging{~␣→⍽ (no-break space)~}information;" in out.splitlines()
    assert "format-only changes: 1" in out
    scope = cli("redline", "scope", "-C", small).output
    assert '{~"→“ (quote style)~}competent authorities{~"→” (quote style)~}' in scope


def test_unknown_clause_and_bad_format(cli, small: Path) -> None:
    r = cli("redline", "nope", "-C", small)
    assert r.exit_code == 2
    assert r.output.splitlines() == [
        "treatydraft: error: unknown clause 'nope' (clauses: cooperation, scope)"
    ]
    r = cli("redline", "--format", "pdf", "-C", small)
    assert r.exit_code == 2
    assert r.output.splitlines() == [
        "treatydraft: error: --format must be one of term, md, html, docx, json, not 'pdf'"
    ]


def test_docx_needs_out(cli, small: Path) -> None:
    r = cli("redline", "--format", "docx", "-C", small)
    assert r.exit_code == 2
    assert r.output.splitlines() == [
        "treatydraft: error: --format docx writes a file; give --out FILE.docx"
    ]


def test_out_writes_atomically_and_says_so(cli, small: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "r.html"
    r = cli("redline", "--format", "html", "--out", target, "-C", small)
    assert r.exit_code == 0
    assert r.output.splitlines() == [f"wrote {target}"]
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in target.parent.iterdir()] == ["r.html"]  # no temp file left


def test_integrity_failure_writes_nothing_and_exits_2(
    cli, small: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(
        rl_html, "change_html", lambda c: f"<ins>{c.new}</ins>"
    )  # loses the source side
    target = tmp_path / "r.html"
    r = cli("redline", "--format", "html", "--out", target, "-C", small)
    assert r.exit_code == 2
    lines = r.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "treatydraft: error: internal error: the html redline of paragraph 1"
    )
    assert lines[0].endswith(
        "does not rebuild the source text (first difference at character 0); nothing written"
    )
    assert not target.exists()


def test_term_colour_only_on_a_terminal_and_never_with_no_color(small: Path) -> None:
    project = api.load_project(small)
    coloured = api.redline(project, ["cooperation"], color=True).data
    assert "\x1b[31;9mCommission\x1b[0m" in coloured and "[-" not in coloured
    assert "\x1b[" not in api.redline(project, ["cooperation"], color=False).data
    env = dict(os.environ, NO_COLOR="1")
    script = "import pty,sys; pty.spawn([sys.argv[1], '-m', 'treatydraft', 'redline', 'cooperation', '-C', sys.argv[2]])"
    out = subprocess.run(
        [sys.executable, "-c", script, sys.executable, str(small)],
        capture_output=True,
        env=env,
        timeout=60,
    ).stdout
    assert b"\x1b[" not in out and b"[-Commission-]{+depositary+}" in out
    env.pop("NO_COLOR")
    out = subprocess.run(
        [sys.executable, "-c", script, sys.executable, str(small)],
        capture_output=True,
        env=env,
        timeout=60,
    ).stdout
    assert b"\x1b[31;9mCommission\x1b[0m" in out


def test_json_schema_fields(small: Path) -> None:
    project = api.load_project(small)
    doc = json.loads(api.redline(project, fmt="json").data)
    assert doc["schema"] == "treatydraft-redline" and doc["version"] == 1
    assert doc["against"] == {"kind": "source", "ref": None} and doc["approximate"] is False
    scope = doc["clauses"][0]
    assert (scope["id"], scope["number"], scope["heading"]) == ("scope", 1, "Article 1 — Scope")
    assert scope["summary"]["rules"] == {"states-parties": 2, "csam-term": 1}
    assert scope["summary"]["over_budget"] == ["paragraph 2"]
    ops = scope["items"][0]["ops"]
    assert ops[0] == {
        "kind": "rule-edit",
        "old": "Member States",
        "new": "Each State Party",
        "rule": "states-parties",
        "mid": "States Parties",
    }
    assert {"kind": "format", "old": '"', "new": "“", "category": "quote style"} in ops
    assert scope["items"][0]["source"] == {
        "id": "toy",
        "at": "1(1)",
        "display": "Toy Directive, Art. 1(1)",
    }
    for clause in doc["clauses"]:
        for item in clause["items"]:
            assert "".join(o["old"] for o in item["ops"]) == item["old"]
            assert "".join(o["new"] for o in item["ops"]) == item["new"]


# --------------------------------------------------------------------------- golden files


def _normalised_document_xml(data: bytes) -> str:
    xml = rl_docx.document_xml(data)
    root = etree.fromstring(xml)
    text = etree.tostring(root, pretty_print=True, encoding="unicode")
    return re.sub(r'w:date="[^"]*"', 'w:date="DATE"', text)


@pytest.mark.parametrize(
    "fmt,name",
    [
        ("term", "small.term.txt"),
        ("md", "small.md"),
        ("html", "small.html"),
        ("json", "small.json"),
    ],
)
def test_golden_text_formats(small: Path, fmt: str, name: str, golden) -> None:
    golden(GOLDEN / name, api.redline(api.load_project(small), fmt=fmt).data)


def test_golden_docx_document_xml(small: Path, tmp_path: Path, monkeypatch, golden) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # dates are normalised, not fixed
    data = api.redline(api.load_project(small), fmt="docx", out=tmp_path / "r.docx").data
    golden(GOLDEN / "small.document.xml", _normalised_document_xml(data))


# --------------------------------------------------------------------------- docx


def test_docx_is_real_tracked_changes_and_deterministic(
    small: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    project = api.load_project(small)
    a = api.redline(project, fmt="docx", out=tmp_path / "a.docx").data
    b = api.redline(project, fmt="docx", out=tmp_path / "b.docx").data
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        assert all(i.date_time == (2023, 11, 14, 22, 13, 20) for i in z.infolist())
        doc = z.read("word/document.xml").decode()
        settings = z.read("word/settings.xml").decode()
        core = z.read("docProps/core.xml").decode()
    assert "<w:trackRevisions/>" in settings
    assert "2023-11-14T22:13:20Z" in core
    assert 'w:author="treatydraft"' in doc and 'w:author="treatydraft (states-parties)"' in doc
    assert 'w:author="treatydraft (format: no-break space)"' in doc
    assert re.search(
        r'<w:del [^>]*w:date="2023-11-14T22:13:20Z"[^>]*><w:r><w:delText xml:space="preserve">Commission</w:delText>',
        doc,
    )
    ids = re.findall(r'<w:(?:ins|del) w:id="(\d+)"', doc)
    assert len(ids) == len(set(ids)) > 5
    pairs = rl_docx.extract(a)
    items = list(api.redline_model(project).items())
    assert pairs == [(i.old, i.new) for i in items]


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="libreoffice not installed")
def test_libreoffice_opens_the_docx(small: Path, tmp_path: Path) -> None:
    docx = tmp_path / "r.docx"
    api.redline(api.load_project(small), fmt="docx", out=docx)
    env = dict(os.environ, HOME=str(tmp_path))  # a private LibreOffice profile
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
        capture_output=True,
        timeout=180,
        env=env,
    )
    assert (tmp_path / "r.pdf").stat().st_size > 1000


# --------------------------------------------------------------------------- approximate


def test_two_unrelated_200k_texts_are_labelled_approximate() -> None:
    import random

    rnd = random.Random(7)
    words = [f"w{n}" for n in range(5000)]

    def text() -> str:
        out = []
        while sum(map(len, out)) < 200_000:
            out.append(" ".join(rnd.choice(words) for _ in range(rnd.randint(5, 25))) + ". ")
        return "".join(out)[:200_000]

    old, new = text(), text()
    started = time.perf_counter()
    model = pair(old, new, timeout=1.0)
    outputs = {fmt: render(model, fmt) for fmt in ("term", "json", "html")}
    assert time.perf_counter() - started < 10
    item = model.clauses[0].items[0]
    assert item.approximate and item.granularity in ("sentence", "paragraph")
    assert "approximate" in outputs["term"].splitlines()[0]
    assert "Approximate" in outputs["html"] and json.loads(outputs["json"])["approximate"] is True
    assert rl_html.extract(outputs["html"]) == [(old, new)]


# --------------------------------------------------------------------------- against an earlier draft


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


def _edit_second_draft(project: Path) -> None:
    """Add an article before Co-operation, move a paragraph, reword one, drop one."""
    cfg = project / "treatydraft.yml"
    cfg.write_text(cfg.read_text().replace("  - scope\n", "  - scope\n  - review\n"))
    (project / "clauses" / "review.yaml").write_text(
        "id: review\ntitle: Review\nparagraphs:\n  - text: The Conference of the States Parties shall review this Convention.\n    provenance: {relation: new}\n"
    )
    scope = (project / "clauses" / "scope.yaml").read_text()
    p1, p2, p3 = scope.split("  - text: ")[1:]
    head = scope.split("  - text: ")[0]
    p1 = p1.replace("act promptly", "act without delay")
    (project / "clauses" / "scope.yaml").write_text(
        head + "  - text: " + p2 + "  - text: " + p1
    )  # p2 first, p3 dropped


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose project lives in a subfolder; two commits."""
    root = tmp_path / "repo"
    project = copy_project(SMALL, root / "treaty")
    (root / "README").write_text("x\n")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "first")
    _edit_second_draft(project)
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "second")
    return project


def test_against_previous_revision(cli, repo: Path) -> None:
    r = cli("redline", "--against", "HEAD~1", "-C", repo)
    assert r.exit_code == 0, r.output
    out = r.output.splitlines()
    assert out[0] == "Redline of Toy Convention against revision HEAD~1"
    assert "Article 2 — Review (added)" in out
    assert "Article 3 — Co-operation (was Article 2)" in out
    assert any(line.startswith("  Summary: unchanged; renumbered from Article 2;") for line in out)
    start = out.index("Article 1 — Scope")
    scope = out[start : out.index("Article 2 — Review (added)")]
    assert scope == [
        "Article 1 — Scope",
        "  paragraph 1 moved to paragraph 2",
        # the reference follows the renumbering, so the resolved text changed
        "  paragraph 1 — changed",
        "    Each State Party may adopt stricter measures in accordance with Article [-2-]{+3+}.",
        "    was paragraph 2; 1 of 12 earlier words changed (8%)",
        "  paragraph 3 — removed",
        "    [-Nothing in this Convention <b>affects</b> obligations under 1990. instruments.-]",
        "    11 of 11 earlier words changed (100%)",
        "  paragraph 2 — moved",
        "    Each State Party shall ensure that the “competent authorities” act [-promptly-]{+without delay+} against child sexual abuse material.",
        "    moved from paragraph 1; 2 of 16 earlier words changed (12%)",
        "  Summary: changed; 1 changed, 1 removed, 1 moved, 1 moved out; 14 of 39 earlier words changed (36%)",
        "",
    ]
    assert out[out.index("Article 2 — Review (added)") + 1 :][:3] == [
        "  paragraph 1 — added",
        "    {+The Conference of the States Parties shall review this Convention.+}",
        "    10 words added",
    ]


def test_against_revision_errors(cli, repo: Path, tmp_path: Path) -> None:
    r = cli("redline", "--against", "no-such-rev", "-C", repo)
    assert r.exit_code == 2
    top = repo.parent.resolve()
    assert r.output.splitlines() == [
        f"treatydraft: error: revision 'no-such-rev' does not exist in the git repository at {top}"
    ]
    r = cli("redline", "--against", "--upload-pack=x", "-C", repo)
    assert r.exit_code == 2 and r.output.count("\n") == 1
    plain = copy_project(SMALL, tmp_path / "plain")
    r = cli("redline", "--against", "HEAD~1", "-C", plain)
    assert r.exit_code == 2
    assert r.output.splitlines() == [
        f"treatydraft: error: {plain.resolve()} is not in a git repository; --against HEAD~1 needs one (or give a project directory)"
    ]


def test_against_revision_without_project(cli, repo: Path) -> None:
    empty_tree = _git(repo.parent, "hash-object", "-t", "tree", "-w", "/dev/null").strip()
    _git(
        repo.parent,
        "tag",
        "empty",
        _git(repo.parent, "commit-tree", "-m", "empty", empty_tree).strip(),
    )
    r = cli("redline", "--against", "empty", "-C", repo)
    assert r.exit_code == 2
    assert r.output.splitlines() == [
        "treatydraft: error: revision 'empty' has no treaty/treatydraft.yml; it holds no treatydraft project there"
    ]


def test_against_directory_and_removed_clause(cli, small: Path, tmp_path: Path) -> None:
    newer = copy_project(SMALL, tmp_path / "newer")
    cfg = newer / "treatydraft.yml"
    cfg.write_text(cfg.read_text().replace("  - cooperation\n", ""))
    (newer / "clauses" / "cooperation.yaml").unlink()
    text = (
        (newer / "clauses" / "scope.yaml")
        .read_text()
        .replace('in accordance with {{ ref(\\"cooperation\\") }}', "as appropriate")
    )
    (newer / "clauses" / "scope.yaml").write_text(text)
    r = cli("redline", "--against", small, "--format", "json", "-C", newer)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["against"] == {"kind": "dir", "ref": str(small)}
    status = {c["id"]: (c["status"], c["number"], c["old_number"]) for c in doc["clauses"]}
    assert status == {"scope": ("changed", 1, 1), "cooperation": ("removed", None, 2)}
    removed = doc["clauses"][1]
    assert removed["heading"] == "Article 2 — Co-operation (removed)"
    assert [i["status"] for i in removed["items"]] == ["removed"] * 3


def test_moves_across_articles(small: Path, tmp_path: Path) -> None:
    newer = copy_project(SMALL, tmp_path / "newer")
    scope = (newer / "clauses" / "scope.yaml").read_text()
    moved = scope.split("  - text: ")[3]
    (newer / "clauses" / "scope.yaml").write_text(scope.replace("  - text: " + moved, ""))
    coop = (newer / "clauses" / "cooperation.yaml").read_text()
    (newer / "clauses" / "cooperation.yaml").write_text(
        coop + "  - text: " + moved.replace("<b>affects</b>", "affects")
    )
    model = api.redline_model(api.load_project(newer), against=str(small))
    scope_rl, coop_rl = model.clauses
    assert scope_rl.notes == ("paragraph 3 moved to Article 2, paragraph 2",)
    last = coop_rl.items[-1]
    assert (last.status, last.where, last.note) == (
        "moved",
        "paragraph 2",
        "moved from Article 1, paragraph 3",
    )
    assert last.substantive >= 1


def test_raw_is_for_the_source_only(cli, small: Path) -> None:
    r = cli("redline", "--against", small, "--raw", "-C", small)
    assert r.exit_code == 2
    assert r.output.splitlines() == [
        "treatydraft: error: --raw applies to redlines against the source only"
    ]


def test_integrity_error_is_internal() -> None:
    with pytest.raises(InternalError):
        from treatydraft.redline import verify_output

        model = pair("a b", "a c")
        verify_output(model, "json", rl_json.render(model).replace('"c"', '"d"'))


def test_against_a_draft_the_terminal_names_unchanged_paragraphs_without_repeating_them(
    cli, small: Path, tmp_path: Path
) -> None:
    newer = copy_project(SMALL, tmp_path / "newer")
    r = cli("redline", "--against", small, "-C", newer)
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert "  paragraph 1 — unchanged" in lines
    assert lines[lines.index("  paragraph 1 — unchanged") + 1].startswith("  paragraph 2")
