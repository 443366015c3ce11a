"""api.py is a facade: each use case returns a result carrying its exit code, and the
modules it re-exports from are the ones that do the work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_project, edit

from treatydraft import api, newclause, outputs, pinning, project_init
from treatydraft.errors import TreatyDraftError
from treatydraft.lookup import lookup

FMX_903 = FIXTURES / "official" / "L_202400903EN.000101.fmx.xml"


def bad_input(fn, *args, **kwargs) -> str:
    """Call a use case with bad input: it raises a tool error whose exit code is 2."""
    with pytest.raises(TreatyDraftError) as info:
        fn(*args, **kwargs)
    assert info.value.exit_code == 2
    return str(info.value)


def test_the_facade_re_exports_the_use_cases_under_their_old_names() -> None:
    assert api.pin is pinning.pin
    assert api.new_clause is newclause.new_clause
    assert api.CLAUSE_ID is newclause.CLAUSE_ID
    assert api.init_project is project_init.init_project
    assert api.lookup is lookup
    assert api.BuildResult is outputs.BuildResult and api.BuildOutput is outputs.BuildOutput


def test_check_result_exit_code_follows_strict(mini: Path) -> None:
    lenient = api.check_path(mini)
    strict = api.check_path(mini, strict=True)
    assert (lenient.report.errors, lenient.report.warnings) == (0, 4)
    assert (lenient.exit_code, strict.exit_code) == (0, 1)
    assert (lenient.clauses, lenient.sources) == (2, 2)


def test_pin_result_lists_the_files_and_unpacks(mini: Path) -> None:
    result = api.pin(api.load_project(mini))
    assert result.changed == ["clauses/protection.yaml", "clauses/removal.yaml"]
    assert result.exit_code == 0
    changed, report = api.pin(api.load_project(mini))
    assert (changed, report.errors, report.warnings) == ([], 0, 0)
    assert api.check_path(mini, strict=True).exit_code == 0


def test_new_clause_result(mini: Path) -> None:
    result = api.new_clause(api.load_project(mini), "blocking", "dir-2011-93-eu:25(2)")
    assert (result.clause_id, result.path, result.exit_code) == (
        "blocking",
        "clauses/blocking.yaml",
        0,
    )
    assert (mini / "clauses" / "blocking.yaml").is_file()


def test_init_result(tmp_path: Path) -> None:
    result = api.init_project(tmp_path / "new")
    assert result.exit_code == 0
    assert sorted(Path(p).relative_to(tmp_path / "new").as_posix() for p in result.created) == [
        ".gitignore",
        "clauses/removal.yaml",
        "sources/dir-2011-93-eu.md",
        "templates/README.md",
        "treatydraft.yml",
    ]


def test_build_result_exit_code_in_check_mode(tmp_path: Path) -> None:
    root = copy_project(FIXTURES / "build-small", tmp_path / "p")
    project = api.load_project(root)
    stale = api.build(project, ["md"], check=True)
    assert [o.path.name for o in stale.changed] == ["draft.md"] and stale.exit_code == 1
    assert not (root / "build" / "draft.md").exists()
    written = api.build(project, ["md"])
    assert written.exit_code == 0 and written.outputs[0].written
    fresh = api.build(project, ["md"], check=True)
    assert fresh.changed == () and fresh.exit_code == 0


def test_redline_result_carries_the_output_and_where_it_went(mini: Path, tmp_path: Path) -> None:
    project = api.load_project(mini)
    shown = api.redline(project, ["removal"], fmt="json")
    assert (shown.exit_code, shown.out) == (0, None)
    assert [c["id"] for c in json.loads(shown.data)["clauses"]] == ["removal"]
    written = api.redline(project, fmt="docx", out=tmp_path / "r.docx")
    assert written.exit_code == 0 and written.out == tmp_path / "r.docx"
    assert (tmp_path / "r.docx").read_bytes() == written.data
    assert bad_input(api.redline, project, fmt="docx") == (
        "--format docx writes a file; give --out FILE.docx"
    )
    assert "applies to redlines against the source only" in bad_input(
        api.redline, project, against=str(mini), raw=True
    )


def test_table_result(mini: Path) -> None:
    result = api.table(api.load_project(mini), "csv")
    assert (result.exit_code, result.out) == (0, None)
    assert "removal" in result.text and result.text == result.data.decode("utf-8")
    assert bad_input(api.table, api.load_project(mini), "csv", by="clause") == (
        "--by must be article or source, not 'clause'"
    )


def test_export_result_findings_are_exit_1_and_nothing_is_written(
    mini: Path, tmp_path: Path
) -> None:
    clean = api.export(api.load_project(mini), out=tmp_path / "a.xml")
    assert (clean.exit_code, clean.out, clean.report.diagnostics) == (0, tmp_path / "a.xml", [])
    assert (tmp_path / "a.xml").read_bytes() == clean.data and clean.data.startswith(b"<?xml")
    edit(mini / "treatydraft.yml", "  - protection\n", "  - protection\n  - missing\n")
    blocked = api.export(api.load_project(mini), out=tmp_path / "b.xml")
    assert blocked.exit_code == 1 and blocked.data == b""
    assert [d.code for d in blocked.report.diagnostics] == ["missing-clause"]
    assert not (tmp_path / "b.xml").exists()
    assert bad_input(api.export, api.load_project(mini), "pdf") == "--format must be akn, not 'pdf'"


def test_export_findings_through_the_cli(mini: Path, cli) -> None:
    edit(mini / "treatydraft.yml", "  - protection\n", "  - protection\n  - missing\n")
    result = cli("export", "-C", mini)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "treatydraft.yml:6:5: error[missing-clause]: "
        "outline entry 'missing' has no file clauses/missing.yaml\n"
    )


def test_sources_results(mini: Path) -> None:
    project = api.load_project(mini)
    listed = api.list_sources(project)
    assert listed.exit_code == 0
    assert [s.id for s in listed] == [s.id for s in listed.sources] == ["dir-2011-93-eu", "un-crc"]
    origin = api.source_origin(project, "dir-2011-93-eu")
    assert origin.exit_code == 0 and dict(origin)["id"] == "dir-2011-93-eu"
    assert "unknown source 'nope'" in bad_input(api.source_origin, project, "nope")
    shown = api.lookup(project, "dir-2011-93-eu:25(1)")
    src, node = shown
    assert shown.exit_code == 0 and (src.id, node.address) == ("dir-2011-93-eu", "25(1)")
    assert "is not SOURCE:ADDRESS" in bad_input(api.lookup, project, "dir-2011-93-eu")


def test_sources_import_result_exit_1_when_check_finds_a_change(mini: Path) -> None:
    would = api.import_source(mini, str(FMX_903), check=True)
    assert (would.changed, would.written, would.exit_code) == (True, False, 1)
    assert not (mini / would.path).exists()
    done = api.import_source(mini, str(FMX_903))
    assert (done.written, done.exit_code) == (True, 0)
    again = api.import_source(mini, str(FMX_903), check=True)
    assert (again.changed, again.exit_code) == (False, 0)
    assert "no such file" in bad_input(api.import_source, mini, str(mini / "absent.xml"))


def test_status_result(mini: Path) -> None:
    result = api.negotiation_status(api.load_project(mini), fmt="json")
    assert result.exit_code == 0 and json.loads(result.data)
    assert "--format must be one of" in bad_input(
        api.negotiation_status, api.load_project(mini), fmt="pdf"
    )
    assert "needs a git revision or a project directory" in bad_input(
        api.negotiation_status, api.load_project(mini), against="source"
    )


def test_amend_and_amend_apply_results(mini: Path, tmp_path: Path) -> None:
    older = copy_project(FIXTURES / "mini", tmp_path / "older")
    edit(mini / "clauses" / "removal.yaml", "ensure the prompt removal", "ensure the removal")
    sheet = tmp_path / "amendments.md"
    made = api.amend(api.load_project(mini), str(older), fmt="md", out=sheet)
    assert (made.exit_code, made.out) == (0, sheet)
    assert (
        sheet.read_text(encoding="utf-8") == made.data
        and "the word “prompt” is deleted" in made.text
    )
    assert bad_input(api.amend, api.load_project(mini), None) == (
        "amend needs --against REV|DIR (the earlier draft)"
    )
    before = (older / "clauses" / "removal.yaml").read_bytes()
    checked = api.amend_apply(api.load_project(older), sheet, check=True)
    assert (checked.exit_code, checked.check) == (0, True)
    assert list(checked) == [("changed", "clauses/removal.yaml")]
    assert (older / "clauses" / "removal.yaml").read_bytes() == before
    applied = api.amend_apply(api.load_project(older), sheet)
    assert (applied.exit_code, applied.changed) == (0, (("changed", "clauses/removal.yaml"),))
    assert "prompt" not in (older / "clauses" / "removal.yaml").read_text(encoding="utf-8")
    assert bad_input(api.amend_apply, api.load_project(older), tmp_path / "absent.md")


def test_the_api_facade_lists_its_lazily_imported_use_cases():
    import treatydraft.api as api_module

    names = {"lookup", "new_clause", "pin", "init_project", "CLAUSE_ID", "PinResult"}
    assert names <= set(dir(api_module))
    assert names <= set(api_module.__all__)
    assert callable(api_module.pin) and callable(api_module.init_project)
    with pytest.raises(AttributeError, match="no attribute 'lookpu'"):
        api_module.lookpu  # noqa: B018
