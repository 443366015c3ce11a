"""`treatydraft check` through the CLI: exit codes and exact diagnostic lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import edit


def test_bundled_treaty_passes_strict(cli):
    result = cli("check", "--strict", "-C", Path(__file__).resolve().parents[1])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("0 error(s), 0 warning(s) in ")


def test_unpinned_paragraphs_are_warnings_and_fail_only_under_strict(cli, mini):
    result = cli("check", "-C", mini)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "clauses/protection.yaml:6:7: warning[unpinned]: paragraph 1: no pin for Art. 34; run 'treatydraft pin protection'",
        "clauses/protection.yaml:12:11: warning[unpinned]: paragraph 1, point (a): no pin for Art. 34(a); run 'treatydraft pin protection'",
        "clauses/removal.yaml:8:7: warning[unpinned]: paragraph 1: no pin for Art. 25(1); run 'treatydraft pin removal'",
        "clauses/removal.yaml:13:17: warning[unpinned]: paragraph 2: no pin for Art. 25(2); run 'treatydraft pin removal'",
    ]
    assert cli("check", "--strict", "-C", mini).exit_code == 1


def test_one_changed_word_in_a_verbatim_paragraph(cli, mini):
    cli("pin", "-C", mini)
    edit(mini / "clauses/removal.yaml", "the prompt removal", "the swift removal")
    result = cli("check", "-C", mini)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "clauses/removal.yaml:5:11: error[verbatim-mismatch]: paragraph 1 is marked verbatim but differs from Art. 25(1): [-prompt-]{+swift+}",
    ]


def test_changed_word_in_the_bundled_treaty_is_over_budget(cli, treaty):
    edit(
        treaty / "clauses/removal-blocking.yaml",
        "prompt\n      removal of web pages",
        "prompt\n      removal or suppression or deletion of web pages",
    )
    result = cli("check", "-C", treaty)
    assert result.exit_code == 1
    [line] = result.stdout.splitlines()
    assert line.startswith("clauses/removal-blocking.yaml:")
    assert line.endswith(
        "error[adapted-over-budget]: paragraph 1: 10 of 39 source words changed (26%)"
        " from Art. 25(1); its budget is 20%"
    )


def test_edited_source_breaks_the_pin(cli, treaty):
    edit(treaty / "sources/dir-2011-93-eu.md", "and to endeavour to obtain", "and to try to obtain")
    result = cli("check", "-C", treaty)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(
        ": error[pin-mismatch]: paragraph 1: the source text at Art. 25(1) changed since it was pinned; review it, then run 'treatydraft pin removal-blocking'"
        in line
        and line.startswith("clauses/removal-blocking.yaml:")
        for line in lines
    ), lines


def test_every_bad_file_is_reported_in_one_run(cli, mini):
    clauses = mini / "clauses"
    (clauses / "syntax.yaml").write_text("id: syntax\nparagraphs: [\n", encoding="utf-8")
    (clauses / "tag.yaml").write_text(
        "id: tag\nparagraphs: !!python/object/apply:os.system ['true']\n", encoding="utf-8"
    )
    (clauses / "alias.yaml").write_text("id: &a alias\nparagraphs: []\n", encoding="utf-8")
    (clauses / "dup.yaml").write_text("id: dup\nid: dup\nparagraphs: []\n", encoding="utf-8")
    (clauses / "float.yaml").write_text(
        "id: float\nparagraphs:\n  - text: Some text.\n    provenance: {source: dir-2011-93-eu, at: 1.10, relation: adapted}\n",
        encoding="utf-8",
    )
    (clauses / "cp1252.yaml").write_bytes(b"id: cp1252\nparagraphs:\n  - text: It\x92s text.\n")
    result = cli("check", "-C", mini)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        "clauses/alias.yaml:1:5: error[yaml-alias]: anchors (&a) are not allowed",
        "clauses/cp1252.yaml:3:13: error[encoding]: not valid UTF-8: byte 0x92 (looks like Windows-1252; save the file as UTF-8)",
        "clauses/dup.yaml:2:1: error[yaml-duplicate-key]: duplicate key 'id' (first at line 1)",
        """clauses/float.yaml:4:46: error[wrong-type]: 'at' must be a string, not a number; write "1.10" (quoted) if it is meant as text""",
        "clauses/syntax.yaml:3:1: error[yaml-syntax]: did not find expected node content",
        "clauses/tag.yaml:2:13: error[yaml-tag]: tags (tag:yaml.org,2002:python/object/apply:os.system) are not allowed",
    ]
    assert "Traceback" not in result.output


def test_unknown_keys_get_a_did_you_mean(cli, mini):
    edit(mini / "clauses/protection.yaml", "title: Protection", "titel: Protection")
    edit(mini / "treatydraft.yml", "short_title:", "shortitle:")
    result = cli("check", "-C", mini)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        "clauses/protection.yaml:2:1: error[unknown-key]: unknown key 'titel' in clause; did you mean 'title'?",
        "treatydraft.yml:2:1: error[unknown-key]: unknown key 'shortitle' in treatydraft.yml; did you mean 'short_title'?",
    ]


def test_outline_and_clause_files_must_match(cli, mini):
    edit(mini / "treatydraft.yml", "  - protection\n", "  - protecton\n")
    result = cli("check", "-C", mini)
    assert result.exit_code == 1
    out = [line for line in result.stdout.splitlines() if "unpinned" not in line]
    assert out == [
        "clauses/protection.yaml:1:1: warning[unused-clause]: clause 'protection' is not in the outline of treatydraft.yml",
        "treatydraft.yml:5:5: error[missing-clause]: outline entry 'protecton' has no file clauses/protecton.yaml; did you mean 'protection'?",
    ]


def test_wrong_address_names_the_addresses_nearby(cli, mini):
    edit(mini / "clauses/removal.yaml", 'at: "25(1)"', 'at: "25(3)"')
    result = cli("check", "-C", mini)
    assert (
        "clauses/removal.yaml:9:11: error[unknown-address]: Directive 2011/93/EU has no Art. 25(3) (shipped in part: Article 25 only); nearby: 25, 25(1), 25(2)"
        in result.stdout.splitlines()
    )


def test_check_levels_are_configurable(cli, mini):
    (mini / "treatydraft.yml").write_text(
        (mini / "treatydraft.yml").read_text() + "checks:\n  unpinned: ignore\n"
    )
    result = cli("check", "--strict", "-C", mini)
    assert result.exit_code == 0, result.output


def test_dangling_reference(cli, mini):
    edit(mini / "clauses/protection.yaml", 'ref(\\"removal\\", 2)', 'ref(\\"removal\\", 7)')
    result = cli("check", "-C", mini)
    assert (
        'clauses/protection.yaml:15:15: error[dangling-reference]: ref("removal", 7): Article 1 has paragraphs 1 to 2'
        in result.stdout.splitlines()
    )


def test_json_and_github_formats(cli, mini):
    edit(mini / "clauses/removal.yaml", "the prompt removal", "the swift removal")
    data = json.loads(cli("check", "--format", "json", "-C", mini).stdout)
    assert data["errors"] == 1 and data["warnings"] == 4
    assert data["diagnostics"][2] == {
        "path": "clauses/removal.yaml",
        "line": 5,
        "col": 11,
        "severity": "error",
        "code": "verbatim-mismatch",
        "message": "paragraph 1 is marked verbatim but differs from Art. 25(1): [-prompt-]{+swift+}",
    }
    gh = cli("check", "--format", "github", "-C", mini).stdout.splitlines()
    assert (
        "::error file=clauses/removal.yaml,line=5,col=11,title=verbatim-mismatch::paragraph 1 is marked verbatim but differs from Art. 25(1): [-prompt-]{+swift+}"
        in gh
    )


def test_no_project_found(cli, tmp_path):
    result = cli("check", "-C", tmp_path)
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"treatydraft: error: no treatydraft.yml found in {tmp_path} or any parent directory (use -C DIR)\n"
    )


@pytest.mark.parametrize("fmt", ["xml", "JSON", "", "text "])
def test_bad_format_is_a_usage_error(cli, mini, fmt):
    result = cli("check", "--format", fmt, "-C", mini)
    assert result.exit_code == 2
    assert (
        result.stderr == f"treatydraft: error: --format must be text, json or github, not '{fmt}'\n"
    )
