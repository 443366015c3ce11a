"""`treatydraft build` through the CLI: outputs, --check, numbering, determinism, errors."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import edit

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def copy_project(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("build", "__pycache__"))
    return dst


OUTPUTS = ("draft.md", "draft.html", "draft.docx")


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return copy_project(FIXTURES / "build-small", tmp_path / "small")


def snapshot(folder: Path) -> dict:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_build_writes_all_three_formats_into_build(cli, small, monkeypatch):
    monkeypatch.chdir(small)
    result = cli("build")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "wrote build/draft.md",
        "wrote build/draft.html",
        "wrote build/draft.docx",
    ]
    assert sorted(p.name for p in (small / "build").iterdir()) == sorted(OUTPUTS)
    assert (
        (small / "build/draft.md")
        .read_text(encoding="utf-8")
        .startswith("# Small Test Convention\n")
    )
    assert zipfile.is_zipfile(small / "build/draft.docx")
    again = cli("build")
    assert again.exit_code == 0
    assert again.stdout.splitlines() == [
        "unchanged build/draft.md",
        "unchanged build/draft.html",
        "unchanged build/draft.docx",
    ]


def test_format_and_out(cli, small, tmp_path):
    out = tmp_path / "elsewhere"
    result = cli("build", "-C", small, "--format", "html", "--out", out)
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["draft.html"]
    assert not (small / "build").exists()


def test_unknown_format_is_a_usage_error(cli, small):
    result = cli("build", "-C", small, "--format", "md,pdf")
    assert result.exit_code == 2
    assert result.stderr == "treatydraft: error: unknown format 'pdf'; choose from md, html, docx\n"
    assert not (small / "build").exists()


def test_notes_add_provenance(cli, small):
    assert cli("build", "-C", small, "--notes").exit_code == 0
    md = (small / "build/draft.md").read_text(encoding="utf-8")
    html = (small / "build/draft.html").read_text(encoding="utf-8")
    for text in (md, html):
        assert "Source: Tiny Directive, Art. 3(2) (adapted)" in text
        assert "New text — Standard opening formula." in text
    assert cli("build", "-C", small).exit_code == 0
    assert "Source:" not in (small / "build/draft.md").read_text(encoding="utf-8")


def test_check_is_0_after_a_build_and_1_after_a_change_and_writes_nothing(cli, small):
    fresh = cli("build", "-C", small, "--check")
    assert fresh.exit_code == 1
    assert not (small / "build").exists()
    assert cli("build", "-C", small).exit_code == 0
    before = snapshot(small / "build")
    ok = cli("build", "-C", small, "--check")
    assert ok.exit_code == 0, ok.output
    assert ok.stdout == ""
    assert ok.stderr == "3 output(s) up to date\n"
    edit(small / "clauses/final/entry.yaml", "is read", "is read aloud")
    changed = cli("build", "-C", small, "--check")
    assert changed.exit_code == 1
    assert changed.stdout.splitlines() == [
        f"would change {p}"
        for p in (small / "build/draft.md", small / "build/draft.html", small / "build/draft.docx")
    ]
    assert changed.stderr == "3 of 3 output(s) would change\n"
    assert snapshot(small / "build") == before


def test_reordering_the_outline_renumbers_articles_and_references(cli, small):
    assert cli("build", "-C", small, "--format", "md").exit_code == 0
    md = (small / "build/draft.md").read_text(encoding="utf-8")
    assert "### Article 1\n\n#### Scope\n" in md
    assert "the terms defined in Article 2." in md
    assert "(ii) a set of lists, as in Article 1, paragraph 2." in md
    assert "the day after Article 1 is read." in md
    edit(
        small / "treatydraft.yml",
        "      - scope\n      - terms\n",
        "      - terms\n      - scope\n",
    )
    assert cli("build", "-C", small, "--format", "md").exit_code == 0
    md = (small / "build/draft.md").read_text(encoding="utf-8")
    assert "### Article 1\n\n#### Use of terms\n" in md
    assert "### Article 2\n\n#### Scope\n" in md
    assert "the terms defined in Article 1." in md
    assert "(ii) a set of lists, as in Article 2, paragraph 2." in md
    assert "the day after Article 2 is read." in md
    html = (
        cli("build", "-C", small, "--format", "html"),
        (small / "build/draft.html").read_text(encoding="utf-8"),
    )[1]
    assert (
        '<article class="article" id="art-1">\n<h3 class="article-heading">Article 1</h3>\n<h4 class="article-title">Use of terms</h4>'
        in html
    )


def test_dangling_reference_is_a_finding_and_nothing_is_written(cli, small):
    edit(small / "clauses/final/entry.yaml", 'ref("scope")', 'ref("nowhere")')
    result = cli("build", "-C", small)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        'clauses/final/entry.yaml:4:11: error[dangling-reference]: ref("nowhere") names no article in the outline'
    ]
    assert result.stderr == "1 error(s); nothing written\n"
    assert not (small / "build").exists()


def test_a_project_that_does_not_load_exits_2(cli, small):
    (small / "clauses/scope.yaml").write_text("id: scope\ntitle: [unclosed\n", encoding="utf-8")
    result = cli("build", "-C", small)
    assert result.exit_code == 2
    assert result.stderr.startswith("clauses/scope.yaml:")
    assert "Traceback" not in result.output
    assert not (small / "build").exists()


def _core(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("docProps/core.xml").decode("utf-8")


def test_docx_is_deterministic_with_source_date_epoch(cli, small, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert cli("build", "-C", small, "--format", "docx", "--out", tmp_path / "a").exit_code == 0
    assert cli("build", "-C", small, "--format", "docx", "--out", tmp_path / "b").exit_code == 0
    a, b = (tmp_path / "a/draft.docx").read_bytes(), (tmp_path / "b/draft.docx").read_bytes()
    assert a == b
    core = _core(a)
    assert "2023-11-14T22:13:20Z" in core
    assert "<dc:title>Small Test Convention</dc:title>" in core
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        infos = z.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}


def test_docx_is_deterministic_without_source_date_epoch_too(small, monkeypatch):
    from treatydraft.api import load_project
    from treatydraft.assemble import assemble
    from treatydraft.render import RENDERERS, RenderOptions

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    draft = assemble(load_project(small))
    a = RENDERERS["docx"](draft, RenderOptions())
    b = RENDERERS["docx"](draft, RenderOptions())
    assert a == b
    assert "dcterms:created" not in _core(a) and "dcterms:modified" not in _core(a)


def test_docx_uses_the_treaty_styles(small):
    from docx import Document

    from treatydraft.api import load_project
    from treatydraft.assemble import assemble
    from treatydraft.render import RENDERERS, RenderOptions

    data = RENDERERS["docx"](assemble(load_project(small)), RenderOptions(notes=True))
    doc = Document(io.BytesIO(data))
    used = [p.style.name for p in doc.paragraphs]
    for style in (
        "Treaty Title",
        "Preamble",
        "Chapter Heading",
        "Article Heading",
        "Article Title",
        "Treaty Paragraph",
        "Treaty Point",
        "Treaty Sub-point",
        "Testimonium",
    ):
        assert style in used, style
    assert [p.text for p in doc.paragraphs if p.style.name == "Article Heading"] == [
        "Article 1",
        "Article 2",
        "Article 3",
    ]
    table = doc.tables[-1]
    assert [c.text for c in table.rows[0].cells] == ["Provision", "Provenance"]
    assert ["Art. 1(2)", "Source: Tiny Directive, Art. 3(2) (adapted)"] in [
        [c.text for c in r.cells] for r in table.rows
    ]


def test_bundled_treaty_builds(cli, treaty):
    result = cli("build", "-C", treaty)
    assert result.exit_code == 0, result.output
    md = (treaty / "build/draft.md").read_text(encoding="utf-8")
    assert md.startswith(
        "# Convention on Combating Online Child Sexual Abuse\n\nThe States Parties to this Convention,\n"
    )
    assert "\nHave agreed as follows:\n\n## Chapter I — General provisions\n\n### Article 1\n" in md
    assert md.rstrip().endswith("in a single original.")
    assert cli("build", "-C", treaty, "--check").exit_code == 0


def test_help_does_not_import_heavy_modules():
    import subprocess
    import sys

    code = "import sys, treatydraft.cli; print([m for m in ('jinja2', 'docx', 'lxml') if m in sys.modules])"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"


def test_a_missing_or_repeated_outline_entry_stops_build_and_export(cli, small):
    cfg = small / "treatydraft.yml"
    text = cfg.read_text()
    first = next(line for line in text.splitlines() if line.startswith("  - "))
    cfg.write_text(text.replace(first, f"{first}\n  - nosuch\n{first}", 1))
    for command in (["build"], ["export", "--format", "akn", "--out", str(small / "x.xml")]):
        result = cli(*command, "-C", small)
        assert result.exit_code == 1, result.output
        assert (
            "error[missing-clause]: outline entry 'nosuch' has no file clauses/nosuch.yaml"
            in result.output
        )
        assert "error[duplicate-outline]" in result.output
    assert not (small / "build").exists() and not (small / "x.xml").exists()
