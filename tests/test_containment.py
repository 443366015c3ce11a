"""The tool reads and writes inside the project only, and never hangs on a special file (§9)."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import edit

SECRET = "TOP-SECRET-OUTSIDE-THE-PROJECT"


def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "secret.yaml").write_text(f"id: secret\nparagraphs:\n  - text: {SECRET}\n")
    (folder / "x.md").write_text(
        f"---\nid: x\ntitle: X\nshort: X\norigin: o\n---\n## Article 1\n\n{SECRET}\n"
    )
    (folder / "draft.md.j2").write_text('{% include "secret.txt" %}\n')
    (folder / "secret.txt").write_text(SECRET)
    return folder


def test_a_clause_file_linking_out_of_the_project_is_not_read(cli, mini, tmp_path):
    (mini / "clauses" / "secret.yaml").symlink_to(outside(tmp_path) / "secret.yaml")
    result = cli("check", "-C", mini)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        f"clauses/secret.yaml:1:1: error[io]: is a symbolic link to {tmp_path / 'elsewhere' / 'secret.yaml'}, outside the project; not read"
    ]
    assert SECRET not in result.output


def test_a_source_file_linking_out_of_the_project_is_not_read(cli, mini, tmp_path):
    (mini / "sources" / "x.md").symlink_to(outside(tmp_path) / "x.md")
    result = cli("check", "-C", mini)
    assert (
        result.exit_code == 2
        and "sources/x.md:1:1: error[io]: is a symbolic link to" in result.stdout
    )


def test_sources_folder_outside_the_project_is_refused(cli, mini, tmp_path):
    outside(tmp_path)
    edit(
        mini / "treatydraft.yml",
        "title: Mini Convention\n",
        "title: Mini Convention\nsources: ../elsewhere\n",
    )
    result = cli("check", "-C", mini)
    assert result.exit_code == 2
    assert (
        f"treatydraft.yml:1:1: error[schema]: 'sources' must be a folder inside the project, not '../elsewhere' (it resolves to {tmp_path / 'elsewhere'})"
        in result.stdout
    )


def test_a_template_folder_linking_out_of_the_project_is_refused(cli, mini, tmp_path):
    (mini / "templates").symlink_to(outside(tmp_path))
    result = cli("build", "--format", "md", "-C", mini)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "templates:1:1: error[template]: the template folder resolves outside the project"
    )
    assert SECRET not in result.output and not (mini / "build").exists()


def test_a_named_pipe_is_refused_without_waiting_for_it(cli, mini):
    os.mkfifo(mini / "clauses" / "pipe.yaml")
    result = cli("check", "-C", mini)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        "clauses/pipe.yaml:1:1: error[io]: not a regular file (a folder, pipe or device); only plain files are read"
    ]


def test_new_does_not_write_through_a_link_out_of_the_project(cli, mini, tmp_path):
    (mini / "clauses" / "link").symlink_to(outside(tmp_path))
    result = cli("new", "link/evil", "--from", "un-crc:34", "-C", mini)
    assert result.exit_code == 2
    assert "would be written outside the project's clauses/ folder" in result.stderr
    assert not (tmp_path / "elsewhere" / "evil.yaml").exists()


def test_outputs_that_cannot_be_written_are_one_line_and_exit_2(cli, mini):
    (mini / "outdir").mkdir()
    result = cli("export", "--format", "akn", "--out", mini / "outdir", "-C", mini)
    assert (result.exit_code, result.stderr) == (
        2,
        f"treatydraft: error: {mini / 'outdir'}: is a folder; give a file name\n",
    )
    (mini / "afile").write_text("x")
    result = cli("redline", "--format", "html", "--out", mini / "afile" / "x.html", "-C", mini)
    assert (result.exit_code, result.stderr) == (
        2,
        f"treatydraft: error: {mini / 'afile'}: File exists\n",
    )
