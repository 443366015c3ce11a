"""api.py is a facade: each use case returns a result carrying its exit code, and the
modules it re-exports from are the ones that do the work."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES, copy_project

from treatydraft import api, newclause, outputs, pinning, project_init
from treatydraft.lookup import lookup


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
