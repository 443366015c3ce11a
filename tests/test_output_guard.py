"""An output never replaces a file the project is read from, even through a symbolic link."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")


def test_an_output_onto_a_clause_file_is_refused(cli, mini: Path) -> None:
    before = (mini / "clauses" / "removal.yaml").read_bytes()
    result = cli(
        "redline", "-C", mini, "--format", "md", "--out", mini / "clauses" / "removal.yaml"
    )
    assert result.exit_code == 2
    assert (
        "clauses/removal.yaml:1:1: error[output-refused]: is an input of the project"
        in result.output
    )
    assert (mini / "clauses" / "removal.yaml").read_bytes() == before


@needs_symlinks
def test_an_output_onto_the_file_a_clause_links_to_is_refused(cli, mini: Path) -> None:
    # clauses/removal.yaml is a link to kept/text.md: writing there would replace the clause
    kept = mini / "kept"
    kept.mkdir()
    (mini / "clauses" / "removal.yaml").rename(kept / "text.md")
    try:
        os.symlink(kept / "text.md", mini / "clauses" / "removal.yaml")
    except OSError:
        pytest.skip("cannot make symbolic links here")
    before = (kept / "text.md").read_bytes()
    result = cli("redline", "-C", mini, "--format", "md", "--out", kept / "text.md")
    assert result.exit_code == 2
    assert "is an input of the project" in result.output
    assert (kept / "text.md").read_bytes() == before


def test_a_file_named_like_an_input_elsewhere_is_written(cli, mini: Path) -> None:
    (mini / "notes").mkdir()
    out = mini / "notes" / "removal.yaml"
    result = cli("redline", "-C", mini, "--format", "md", "--out", out)
    assert result.exit_code in (0, 1), result.output
    assert out.read_text(encoding="utf-8").startswith("#")
