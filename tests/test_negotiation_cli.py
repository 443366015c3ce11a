"""The negotiation layer through the CLI: each finding code with its exact line, pin locks."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, copy_project, edit

CLAUSE = "clauses/removal-blocking.yaml"


@pytest.fixture
def neg(tmp_path: Path) -> Path:
    """A copy of examples/negotiation (pinned and locked, passes check --strict)."""
    return copy_project(REPO / "examples/negotiation", tmp_path / "neg")


def test_example_passes_strict(cli, neg):
    result = cli("check", "--strict", "-C", neg)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_unbalanced_bracket_points_at_the_bracket(cli, neg):
    edit(neg / CLAUSE, "[to endeavour] to obtain", "[to endeavour to obtain")
    result = cli("check", "-C", neg)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        "clauses/removal-blocking.yaml:8:44: error[unbalanced-bracket]: opening bracket '[' is never closed; write \\[ or \\] for a literal",
    ]


def test_stray_closing_bracket_in_a_quoted_scalar(cli, neg):
    edit(
        neg / CLAUSE,
        "  - text: >-\n      Each State Party shall take the necessary",
        '  - text: "Each State Party ] shall take the necessary',
    )
    edit(neg / CLAUSE, "outside its territory.\n", 'outside its territory."\n')
    result = cli("check", "-C", neg)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        "clauses/removal-blocking.yaml:5:29: error[unbalanced-bracket]: closing bracket ']' without an opening '['; write \\[ or \\] for a literal",
    ]


def test_unknown_delegation_has_a_did_you_mean(cli, neg):
    edit(neg / CLAUSE, "{text: swift, proposer: DEL-B}", "{text: swift, proposer: DEL-C}")
    edit(neg / CLAUSE, "reservations: [DEL-B]", "reservations: [EU]")
    result = cli("check", "-C", neg)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "clauses/removal-blocking.yaml:14:37: error[unknown-delegation]: paragraph 1: unknown delegation 'DEL-C'; did you mean 'DEL-B'?",
        "clauses/removal-blocking.yaml:61:20: error[unknown-delegation]: paragraph 4: unknown delegation 'EU'; delegations: DEL-A, DEL-B",
    ]


def test_changed_group_is_attribution_drift(cli, neg):
    edit(neg / CLAUSE, "[prompt][swift]", "[prompt][rapid]")
    result = cli("check", "-C", neg)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "clauses/removal-blocking.yaml:12:9: error[bracket-attribution-drift]: paragraph 1, bracket group 1: option 2 is attributed as 'swift' (proposed by DEL-B) but the text now reads 'rapid'",
    ]


def test_lifted_bracket_is_attribution_drift(cli, neg):
    edit(neg / CLAUSE, "[prompt][swift]", "prompt")
    result = cli("check", "-C", neg)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "clauses/removal-blocking.yaml:11:5: error[bracket-attribution-drift]: paragraph 1: 'groups' attributes 2 bracket group(s) but the text has 1; update the attribution",
        "clauses/removal-blocking.yaml:12:9: error[bracket-attribution-drift]: paragraph 1, bracket group 1: attributes 2 option(s) but the group has 1 (to endeavour)",
    ]


def test_agreed_text_changed_until_reopened(cli, neg):
    edit(neg / CLAUSE, "to obtain the removal of web\n", "to secure the removal of web\n")
    result = cli("check", "-C", neg)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "clauses/removal-blocking.yaml:50:11: error[agreed-text-changed]: paragraph 3 is agreed-ad-ref but its text changed since it was agreed; restore the agreed text, or set 'status: reopened'",
    ]
    edit(neg / CLAUSE, "status: agreed-ad-ref", "status: reopened")
    assert cli("check", "--strict", "-C", neg).exit_code == 0


def test_pin_locks_agreed_text_and_reopening_unlocks_it(cli, neg):
    path = neg / CLAUSE
    edit(path, "status: agreed-informals", "status: adopted")
    result = cli("check", "-C", neg)
    assert result.stdout.splitlines() == [
        "clauses/removal-blocking.yaml:60:13: warning[agreed-unpinned]: paragraph 4 is adopted but its text is not locked yet; run 'treatydraft pin removal-blocking'",
    ]
    before = path.read_text(encoding="utf-8")
    assert cli("pin", "-C", neg).exit_code == 0
    after = path.read_text(encoding="utf-8")
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert len(added) == 1 and added[0].startswith("    agreed: sha256:")
    lines = after.splitlines()
    assert lines[lines.index("    status: adopted") + 1] == added[0]
    assert cli("check", "--strict", "-C", neg).exit_code == 0
    # reopening lifts the lock: pin removes the 'agreed:' line, nothing else changes
    edit(path, "status: agreed-ad-ref", "status: reopened")
    reopened = path.read_text(encoding="utf-8")
    assert cli("pin", "-C", neg).exit_code == 0
    final = path.read_text(encoding="utf-8").splitlines()
    gone = [line for line in reopened.splitlines() if line not in final]
    assert len(gone) == 1 and gone[0].startswith("    agreed: sha256:")
    assert cli("pin", "-C", neg).stdout == "all pins up to date\n"


def test_provenance_failure_names_the_option(cli, neg):
    edit(
        neg / CLAUSE,
        "[prompt][swift]",
        "[prompt][swift, complete, lasting and final removal, and the]",
    )
    edit(
        neg / CLAUSE,
        "{text: swift, proposer: DEL-B}",
        "{text: 'swift, complete, lasting and final removal, and the', proposer: DEL-B}",
    )
    result = cli("check", "-C", neg)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "clauses/removal-blocking.yaml:5:11: error[adapted-over-budget]: paragraph 1 (reading option 2 of bracket group 1, 'swift, complete, lasting and final removal, and the'): 14 of 39 source words changed (36%) from Art. 25(1); its budget is 20%",
    ]


def test_bad_status_and_label_are_input_errors(cli, neg):
    edit(neg / CLAUSE, "status: agreed-informals", "status: agreed-informal")
    edit(neg / CLAUSE, "label: bis", "label: second")
    result = cli("check", "-C", neg)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        "clauses/removal-blocking.yaml:38:16: error[schema]: alternative label must be bis, ter, quater … (an additional paragraph) or alt, alt 2 … (a replacement), not 'second'",
        "clauses/removal-blocking.yaml:60:13: error[schema]: status must be one of proposed, bracketed, agreed-informals, agreed-ad-ref, adopted, reopened, not 'agreed-informal'; did you mean 'agreed-informals'?",
    ]


def test_delegations_must_be_a_mapping(cli, neg):
    edit(neg / "treatydraft.yml", "delegations:\n", "delegations: [DEL-A]\nx:\n")
    result = cli("check", "-C", neg)
    assert result.exit_code == 2
    assert (
        "treatydraft.yml:18:14: error[wrong-type]: 'delegations' must map delegation codes to their names"
        in result.stdout
    )


def test_redline_against_an_earlier_draft_reports_status_changes(cli, neg, tmp_path):
    before = copy_project(neg, tmp_path / "before")
    path = neg / CLAUSE
    edit(path, "[prompt][swift]", "prompt")
    edit(
        path,
        "      - options:\n          - {text: prompt, proposer: DEL-A}\n          - {text: swift, proposer: DEL-B}\n",
        "",
    )
    edit(path, "status: agreed-ad-ref", "status: reopened")
    edit(path, "status: agreed-informals", "status: agreed-ad-ref")
    edit(path, "reservations: [DEL-B]", "reservations: []")
    result = cli("redline", "--against", before, "-C", neg)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("  paragraph 1: bracket lifted (2 → 1 groups)")
    assert lines[start : start + 5] == [
        "  paragraph 1: bracket lifted (2 → 1 groups)",
        "  paragraph 1: attribution changed",
        "  paragraph 3: reopened (was agreed ad referendum)",
        "  paragraph 4: agreed ad referendum (was agreed in informals)",
        "  paragraph 4: reservation lifted (DEL-B)",
    ]
    data = __import__("json").loads(
        cli("redline", "--against", before, "--format", "json", "-C", neg).stdout
    )
    assert "paragraph 3: reopened (was agreed ad referendum)" in data["clauses"][0]["notes"]


def test_table_and_akn_carry_the_status(cli, neg):
    table = cli("table", "-C", neg).stdout
    assert "| Art. 1(3) | removal-blocking | new; agreed-ad-ref | — | — | — | — |" in table
    csv = cli("table", "--format", "csv", "-C", neg).stdout
    assert ",status: agreed-informals,Each State Party shall report" in csv
    akn = cli("export", "--format", "akn", "-C", neg).stdout
    assert '<td:derivation href="#art_1__para_3" relation="new" status="agreed-ad-ref"/>' in akn
    assert 'href="#art_1__para_1" relation="adapted" status="bracketed"' in akn


def test_bracketed_text_is_measured_in_its_first_reading(cli, neg):
    # the first reading ("prompt", "to endeavour") is the bundled treaty's Article 5(1)
    bundled = cli("table", "-C", REPO).stdout
    assert (
        "| Art. 5(1) | removal-blocking | adapted | Directive 2011/93/EU | Art. 25(1) | 6 of 39 source words changed (15%) |"
        in bundled
    )
    table = cli("table", "-C", neg).stdout
    assert (
        "| Art. 1(1) | removal-blocking | adapted; bracketed | Directive 2011/93/EU | Art. 25(1) | 6 of 39 source words changed (15%) |"
        in table
    )
