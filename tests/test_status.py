"""`treatydraft status`: golden JSON, the change since an earlier draft, counts = parser's."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import REPO, copy_project, edit
from hypothesis import given
from hypothesis import strategies as st
from test_brackets import structure

from treatydraft.model import Clause, Paragraph, Pos
from treatydraft.negotiation.status import clause_counts

GOLDEN = Path(__file__).parent / "golden" / "status"
UPDATE = os.environ.get("TREATYDRAFT_UPDATE_GOLDEN") == "1"


def golden(name: str, got: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")


@pytest.fixture
def neg(tmp_path: Path) -> Path:
    return copy_project(REPO / "examples/negotiation", tmp_path / "neg")


def test_status_json_golden(cli, neg):
    result = cli("status", "--format", "json", "-C", neg)
    assert result.exit_code == 0
    golden("negotiation.json", result.stdout)


def test_status_md_golden(cli, neg):
    result = cli("status", "--format", "md", "-C", neg)
    assert result.exit_code == 0
    golden("negotiation.md", result.stdout)


def test_status_of_the_bundled_treaty_counts_its_placeholders(cli):
    data = json.loads(cli("status", "--format", "json", "-C", REPO).stdout)
    by_clause = {a["clause"]: a for a in data["articles"]}
    assert by_clause["final/signature"]["groups"] == 2  # from [date] until [date]
    assert by_clause["final/entry-into-force"]["statuses"]["bracketed"] == 2
    assert data["totals"]["groups"] == sum(a["groups"] for a in data["articles"])


def test_change_since_an_earlier_draft(cli, neg, tmp_path):
    before = copy_project(neg, tmp_path / "before")
    edit(neg / "clauses/removal-blocking.yaml", "[prompt][swift]", "prompt")
    edit(
        neg / "clauses/removal-blocking.yaml",
        "      - options:\n          - {text: prompt, proposer: DEL-A}\n          - {text: swift, proposer: DEL-B}\n",
        "",
    )
    edit(neg / "clauses/removal-blocking.yaml", "status: agreed-informals", "status: agreed-ad-ref")
    result = cli("status", "--against", before, "--format", "json", "-C", neg)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    change = data["totals"]["change"]
    assert (change["groups"], change["options"], change["alternatives"]) == (-1, -2, 0)
    assert change["statuses"]["agreed-informals"] == -1
    assert change["statuses"]["agreed-ad-ref"] == 1
    term = cli("status", "--against", before, "-C", neg).stdout
    assert term.splitlines()[0] == f"Negotiation status (change since {before})"
    assert "agreed-informals 0 (−1), agreed-ad-ref 2 (+1)" in term


def test_bad_format_and_against_are_usage_errors(cli, neg):
    result = cli("status", "--format", "xml", "-C", neg)
    assert result.exit_code == 2
    assert (
        result.stderr == "treatydraft: error: --format must be one of term, md, json, not 'xml'\n"
    )
    assert cli("status", "--against", "source", "-C", neg).exit_code == 2


@given(st.lists(structure(escapes=False), min_size=1, max_size=4))
def test_status_counts_equal_the_parsers(texts):
    """An independent count: every '[' opens an option; an option starts a new group
    unless it follows a ']' directly or after one space."""
    items = tuple(
        Paragraph(t, None, (), Pos("c.yaml"), Pos("c.yaml"), ("paragraphs", i))
        for i, t in enumerate(texts)
    )
    clause = Clause("c", None, "article", items, None, "c.yaml", Pos("c.yaml"))
    counts = clause_counts(clause)
    options = sum(t.count("[") for t in texts)
    groups = 0
    for t in texts:
        for i, ch in enumerate(t):
            if ch == "[" and not (t[:i].endswith("]") or t[:i].endswith("] ")):
                groups += 1
    assert (counts.groups, counts.options) == (groups, options)
    assert counts.statuses["bracketed"] == sum("[" in t for t in texts)
    assert counts.statuses["adopted"] == sum("[" not in t for t in texts)


def test_change_since_a_git_revision(cli, neg):
    import subprocess

    def git(*args):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=neg,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "draft 1")
    edit(neg / "clauses/removal-blocking.yaml", "[may][shall]", "[may][shall][must]")
    edit(
        neg / "clauses/removal-blocking.yaml",
        "          - {text: shall, proposer: DEL-B}\n",
        "          - {text: shall, proposer: DEL-B}\n          - {text: must, proposer: DEL-B}\n",
    )
    data = json.loads(cli("status", "--against", "HEAD", "--format", "json", "-C", neg).stdout)
    assert data["against"] == "HEAD"
    assert data["totals"]["change"]["options"] == 1
    assert data["articles"][0]["change"]["groups"] == 0
