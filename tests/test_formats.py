"""The output-format registry (treatydraft.formats): every registered format is reachable
from the CLI, documented in the README, and covered by a golden file.

A new format is its module plus one ``register(...)`` line; these tests then demand a
README mention and a golden file (create it with ``pytest --update-goldens``).
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, copy_project

from treatydraft import api, formats
from treatydraft.assemble import assemble
from treatydraft.correlation import build_table
from treatydraft.formats import FAMILIES, Format
from treatydraft.render import RenderOptions

GOLDEN = Path(__file__).resolve().parent / "golden"
README = (REPO / "README.md").read_text(encoding="utf-8")
EVERY = formats.every()
IDS = [f.qualified for f in EVERY]

#: the fixture each family renders, and the command that renders it
FIXTURE = {
    "build": "build-small",
    "redline": "redline-small",
    "table": "table-small",
    "export": "table-small",
}
DAY = datetime.date(2025, 3, 4)


def test_the_registry_lists_every_format_of_every_family() -> None:
    assert {f: formats.names(f) for f in FAMILIES} == {
        "build": ("md", "html", "docx"),
        "redline": ("term", "md", "html", "docx", "json"),
        "table": ("md", "html", "docx", "csv"),
        "export": ("akn",),
    }
    assert api.BUILD_FORMATS == formats.names("build")
    assert api.REDLINE_FORMATS == formats.names("redline")
    assert api.TABLE_FORMATS == formats.names("table")
    assert api.EXPORT_FORMATS == formats.names("export")


def test_a_format_is_registered_once() -> None:
    with pytest.raises(ValueError, match=r"^format build:md is registered twice$"):
        formats.register(Format("build", "md", "render.markdown", "md", "again"))
    with pytest.raises(ValueError, match=r"^unknown output family 'pdf'$"):
        formats.register(Format("pdf", "x", "render.markdown", "x", "x"))


def test_unknown_formats_name_the_choices() -> None:
    from treatydraft.errors import UsageError

    with pytest.raises(UsageError, match=r"^--format must be one of md, html, docx, csv, not 'x'$"):
        formats.get("table", "x")
    with pytest.raises(UsageError, match=r"^--format must be akn, not 'x'$"):
        formats.get("export", "x")


@pytest.mark.parametrize("fmt", EVERY, ids=IDS)
def test_renderer_is_a_callable_in_its_module(fmt: Format) -> None:
    render = formats.renderer(fmt)
    assert callable(render)
    assert render.__module__ == f"treatydraft.{fmt.module}"


@pytest.mark.parametrize("fmt", EVERY, ids=IDS)
def test_every_format_is_reachable_from_the_cli(fmt: Format, cli, tmp_path: Path) -> None:
    root = copy_project(FIXTURES / FIXTURE[fmt.family], tmp_path / "p")
    help_text = re.sub(r"\s+", " ", cli(fmt.family, "--help").output)
    assert f"{fmt.name} ({fmt.description}" in help_text
    if fmt.family == "build":
        r = cli("build", "--format", fmt.name, "--out", tmp_path / "out", "-C", root)
        target = tmp_path / "out" / f"draft.{fmt.extension}"
    else:
        target = tmp_path / f"out.{fmt.extension}"
        r = cli(fmt.family, "--format", fmt.name, "--out", target, "-C", root)
    assert r.exit_code == 0, r.output
    assert target.stat().st_size > 0
    if fmt.stdout and fmt.family != "build":
        printed = cli(fmt.family, "--format", fmt.name, "-C", root)
        assert printed.exit_code == 0
        assert printed.stdout_bytes.rstrip(b"\n") == target.read_bytes().rstrip(b"\n")
    elif fmt.family != "build":
        r = cli(fmt.family, "--format", fmt.name, "-C", root)
        assert r.exit_code == 2
        assert f"--format {fmt.name} writes a file; give --out FILE.{fmt.extension}" in r.stderr


def _readme_section(command: str) -> str:
    m = re.search(rf"^### `treatydraft {command}\b.*?(?=^##)", README, re.S | re.M)
    assert m, f"README has no section for treatydraft {command}"
    return m.group(0)


@pytest.mark.parametrize("fmt", EVERY, ids=IDS)
def test_every_format_is_documented_in_the_readme(fmt: Format) -> None:
    section = _readme_section(fmt.family)
    prose = re.sub(r"^```.*?^```", "", section, flags=re.S | re.M)  # code blocks aside
    spans = re.findall(r"`([^`]+)`", prose)
    assert any(re.search(rf"(?<![\w-]){re.escape(fmt.name)}(?![\w-])", s) for s in spans), (
        f"the README section on treatydraft {fmt.family} does not name `{fmt.name}`"
    )


def _render(fmt: Format, root: Path, tmp_path: Path) -> str | bytes:
    """The format's output on its family's fixture, volatile parts normalised."""
    from test_redline import _normalised_document_xml as redline_docx
    from test_render_golden import normalise_document_xml, normalise_text

    project = api.load_project(root)
    render = formats.renderer(fmt)
    if fmt.family == "build":
        data = render(
            assemble(project),
            RenderOptions(
                notes=False, template_dirs=(str(root / "templates"),), project_root=str(root)
            ),
        )
        return normalise_document_xml(data) if fmt.name == "docx" else normalise_text(data)
    if fmt.family == "redline":
        out = tmp_path / f"r.{fmt.extension}" if not fmt.stdout else None
        data = api.redline(project, fmt=fmt.name, out=out).data
        return redline_docx(data) if fmt.name == "docx" else data
    if fmt.family == "table":
        data = render(build_table(project), "article")
        return normalise_document_xml(data) if fmt.name == "docx" else data
    return render(project, date=DAY)


@pytest.mark.parametrize("fmt", EVERY, ids=IDS)
def test_every_format_is_covered_by_a_golden_file(
    fmt: Format, golden, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert fmt.golden, f"{fmt.qualified} names no golden file"
    root = copy_project(FIXTURES / FIXTURE[fmt.family], tmp_path / FIXTURE[fmt.family])
    if fmt.family == "build":
        root = FIXTURES / FIXTURE[fmt.family]  # the golden files were made in place
    golden(GOLDEN / fmt.golden, _render(fmt, root, tmp_path))
