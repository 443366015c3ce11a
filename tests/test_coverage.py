"""Coverage of source provisions: the analysis and the ``uncovered-provision`` finding of ``check``."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, copy_project, edit

from treatydraft.api import check, load_project
from treatydraft.coverage import analyse, compress

SMALL = FIXTURES / "table-small"
WARN = "warning[uncovered-provision]"
HINT = "is in the coverage list but no clause derives from it; derive a clause from it or declare it under 'omitted:' with a reason"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return copy_project(SMALL, tmp_path / "small")


def test_compress():
    assert compress(["15", "16", "17", "19", "20", "25a", "3"]) == "3, 15–17, 19, 20, 25a"
    assert compress([str(n) for n in range(15, 29) if n != 25]) == "15–24, 26–28"
    assert compress([]) == ""


def test_uncovered_units_are_the_largest_untouched_provisions():
    report = analyse(load_project(SMALL))
    assert report.problems == ()
    dirx, convy = report.sources
    assert dirx.examined == ("2", "5", "7")
    assert [(u.display, u.declared, u.pos.line, u.pos.col) for u in dirx.uncovered] == [
        ("Art. 2(c)", False, 19, 11),  # the "2" entry
        ("Art. 5(3)", False, 19, 16),  # the "5-12" entry
        ("Art. 7(1)", False, 19, 16),
        ("Art. 7(2)", True, 19, 16),
    ]
    assert (
        dirx.uncovered[3].omission.reason == "Internal-market rule, with no equivalent in a treaty"
    )
    assert dirx.not_shipped_articles == ("6", "8", "9", "10", "11", "12")
    assert dirx.not_shipped_notes() == (
        "Articles 6, 8–12 are not in sources/: coverage cannot be checked for them",
    )
    assert dirx.partial and dirx.included == "Articles 2, 5 and 7"
    # an empty list: the whole source; Article 2 untouched, so listed whole
    assert [u.display for u in convy.uncovered] == ["Art. 2"]
    assert not convy.partial


def test_a_clause_from_a_whole_article_covers_its_paragraphs(small):
    edit(small / "clauses/duties.yaml", 'at: "5(1)"', 'at: "5"')
    report = analyse(load_project(small))
    assert [u.display for u in report.sources[0].uncovered] == [
        "Art. 2(c)",
        "Art. 7(1)",
        "Art. 7(2)",
    ]


def test_an_omission_of_a_whole_article_declares_it(small):
    edit(small / "treatydraft.yml", 'at: "7(2)"', 'at: "7"')
    report = analyse(load_project(small))
    assert [(u.display, u.declared) for u in report.sources[0].uncovered] == [
        ("Art. 2(c)", False),
        ("Art. 5(3)", False),
        ("Art. 7", True),
    ]


def test_check_reports_undeclared_provisions_at_their_coverage_entry(cli):
    result = cli("check", "-C", SMALL)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"treatydraft.yml:19:11: {WARN}: Directive X Art. 2(c) {HINT}",
        f"treatydraft.yml:19:16: {WARN}: Directive X Art. 5(3) {HINT}",
        f"treatydraft.yml:19:16: {WARN}: Directive X Art. 7(1) {HINT}",
        f"treatydraft.yml:20:3: {WARN}: Convention Y Art. 2 {HINT}",
    ]
    assert cli("check", "--strict", "-C", SMALL).exit_code == 1


@pytest.mark.parametrize("level,code,lines", [("error", 1, 4), ("ignore", 0, 0)])
def test_the_level_is_configurable(cli, small, level, code, lines):
    edit(
        small / "treatydraft.yml",
        "coverage:",
        f"checks:\n  uncovered-provision: {level}\ncoverage:",
    )
    result = cli("check", "-C", small)
    assert result.exit_code == code
    assert len(result.stdout.splitlines()) == lines
    assert all(f"{level}[uncovered-provision]" in line for line in result.stdout.splitlines())


def test_omissions_naming_nothing_are_errors(cli, small):
    edit(
        small / "treatydraft.yml",
        "omitted:\n",
        "omitted:\n"
        '  - {source: dir-x, at: "5(9)", reason: "no such paragraph"}\n'
        '  - {source: conv-y, at: "3", reason: "the source ships all of it; there is no Article 3"}\n'
        '  - {source: dir-z, at: "1", reason: "no such source"}\n'
        '  - {source: dir-x, at: "Article five", reason: "not an address"}\n'
        '  - {source: dir-x, at: "6(1)", reason: "not shipped: cannot be checked, accepted"}\n',
    )
    edit(
        small / "treatydraft.yml", "conv-y: []", 'conv-y: ["1"]'
    )  # keep the output to the omissions
    result = cli("check", "-C", small)
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if "uncovered-provision" not in line]
    assert lines == [
        "treatydraft.yml:22:5: error[unknown-address]: omitted: Directive X has no Art. 5(9) (shipped in part: Articles 2, 5 and 7); nearby: 5, 5(1), 5(2), 5(3)",
        "treatydraft.yml:23:5: error[unknown-address]: omitted: Convention Y has no Art. 3; nearby: 1, 2",
        "treatydraft.yml:24:5: error[unknown-source]: omitted: unknown source 'dir-z' (sources: conv-y, dir-x)",
        'treatydraft.yml:25:5: error[bad-address]: omitted: \'Article five\' is not an address; write e.g. "25", "25(1)", "2(c)" or "recital 24"',
    ]


def test_bad_coverage_entries_are_errors(cli, small):
    edit(
        small / "treatydraft.yml",
        'dir-x: ["2", "5-12"]',
        'dir-x: ["2(z)", "12-5", "two", "30"]\n  dir-q: ["1"]',
    )
    result = cli("check", "-C", small)
    assert result.exit_code == 1
    assert [line for line in result.stdout.splitlines() if "uncovered-provision" not in line] == [
        "treatydraft.yml:19:11: error[unknown-address]: coverage: Directive X has no Art. 2(z) (shipped in part: Articles 2, 5 and 7); nearby: 2, 2(a), 2(b), 2(c)",
        "treatydraft.yml:19:19: error[bad-address]: coverage: '12-5' is not a range; write the lower number first, e.g. \"15-28\"",
        'treatydraft.yml:19:27: error[bad-address]: coverage: \'two\' is not an address or range; write e.g. "25", "25(1)", "15-28" or "recital 24"',
        "treatydraft.yml:20:3: error[unknown-source]: coverage: unknown source 'dir-q' (sources: conv-y, dir-x)",
    ]
    report = analyse(load_project(small))
    assert report.sources[0].not_shipped_notes() == (
        "Article 30 is not in sources/: coverage cannot be checked for it",
    )


def test_bundled_treaty_is_clean_and_its_directive_partial():
    project = load_project(REPO)
    assert not [d for d in check(project).diagnostics if d.code == "uncovered-provision"]
    [sc] = analyse(project).sources
    assert (sc.source, sc.partial, sc.examined, sc.uncovered) == (
        "dir-2011-93-eu",
        True,
        ("25",),
        (),
    )


def test_bundled_treaty_with_wider_coverage_says_what_cannot_be_checked(treaty):
    edit(
        treaty / "treatydraft.yml",
        'dir-2011-93-eu: ["2", "15", "21", "23", "25", "28"]',
        'dir-2011-93-eu: ["2", "15-28"]',
    )
    [sc] = analyse(load_project(treaty)).sources
    assert sc.uncovered == ()
    assert sc.not_shipped_notes() == (
        "Articles 2, 15–24, 26–28 are not in sources/: coverage cannot be checked for them",
    )


def test_recitals_and_single_articles_not_shipped(small):
    edit(small / "treatydraft.yml", "conv-y: []", 'conv-y: ["recital 3", "recitals 5-7", "1", "9"]')
    sc = analyse(load_project(small)).sources[1]
    assert sc.examined == ("1",)
    assert sc.not_shipped_notes() == (
        "Article 9 is not in sources/: coverage cannot be checked for it",
        "Recitals 3, 5–7 are not in sources/: coverage cannot be checked for them",
    )
