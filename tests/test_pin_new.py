"""`pin` and `new`: round-trip writes that change nothing but what they mean to."""

from __future__ import annotations

import re
from pathlib import Path

from treatydraft.loading.clauses import load_clause

REPO = Path(__file__).resolve().parents[1]


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_pin_on_a_pinned_project_leaves_every_byte(cli, treaty):
    before = snapshot(treaty)
    result = cli("pin", "-C", treaty)
    assert result.exit_code == 0
    assert result.stdout == "all pins up to date\n"
    assert snapshot(treaty) == before


def test_pin_changes_only_pin_lines(cli, mini):
    before = snapshot(mini)
    result = cli("pin", "-C", mini)
    assert result.exit_code == 0, result.output
    assert result.stdout == "pinned clauses/protection.yaml\npinned clauses/removal.yaml\n"
    after = snapshot(mini)
    assert after.keys() == before.keys()
    for name in before:
        # remove every pin the run added: what is left is the old file, byte for byte
        stripped = re.sub(
            r'\n *pin: sha256:[0-9a-f]{64}(?=\n)|, pin: "sha256:[0-9a-f]{64}"',
            "",
            after[name].decode(),
        )
        assert stripped == before[name].decode(), name
    removal = after["clauses/removal.yaml"].decode()
    # comments, quote styles, the double space and the long unfolded line all survive
    assert (
        '      at: "25(1)"   # the address\n      pin: sha256:8a6f78d619d18d38de5d33249c07646d99af51eb6d9d4c96e4862413e479c943\n'
        in removal
    )
    assert "disseminating  child pornography" in removal
    assert (
        "{source: dir-2011-93-eu, at: '25(2)', pin: \"sha256:34d54baf69e4ba13cea5c28666bfd97cfa58a8876fcd9d84c9b0728bd6c79b15\", relation: adapted"
        in removal
    )
    assert cli("check", "--strict", "--no-cache", "-C", mini).exit_code == 0
    # and a second run is a no-op
    assert cli("pin", "-C", mini).stdout == "all pins up to date\n"
    assert snapshot(mini) == after


def test_pin_refreshes_a_stale_pin_in_place(cli, mini):
    cli("pin", "-C", mini)
    path = mini / "clauses/removal.yaml"
    stale = path.read_text().replace("sha256:8a6f78d6", "sha256:00000000")
    path.write_text(stale)
    assert cli("check", "-C", mini).exit_code == 1
    assert cli("pin", "removal", "-C", mini).stdout == "pinned clauses/removal.yaml\n"
    assert "sha256:8a6f78d6" in path.read_text()
    assert cli("check", "--strict", "-C", mini).exit_code == 0


def test_pin_unknown_clause(cli, mini):
    result = cli("pin", "nope", "-C", mini)
    assert result.exit_code == 2
    assert result.stderr == "treatydraft: error: unknown clause 'nope'\n"


def test_new_clause_from_a_source_point_list(cli, mini):
    result = cli("new", "crc-34", "--from", "un-crc:34", "-C", mini)
    assert result.exit_code == 0, result.output
    assert (
        result.stdout
        == "created clauses/crc-34.yaml; add 'crc-34' to the outline in treatydraft.yml\n"
    )
    data = (mini / "clauses/crc-34.yaml").read_bytes()
    clause = load_clause(data, "clauses/crc-34.yaml", "crc-34")
    [para] = clause.paragraphs
    assert para.text.startswith("States Parties undertake to protect the child")
    assert [p.provenance.at for p in para.points] == ["34(a)", "34(b)", "34(c)"]
    assert all(p.provenance.relation == "verbatim" and p.provenance.pin for p in clause.walk())
    # a verbatim, pinned clause: check finds nothing but that it is not in the outline
    out = cli("check", "-C", mini).stdout
    assert (
        "clauses/crc-34.yaml:1:1: warning[unused-clause]: clause 'crc-34' is not in the outline of treatydraft.yml"
        in out
    )
    assert "crc-34.yaml" not in out.replace("clauses/crc-34.yaml:1:1: warning[unused-clause]", "")


def test_new_clause_article_with_paragraphs_keeps_long_lines(cli, mini):
    assert cli("new", "art-25", "--from", "dir-2011-93-eu:25", "-C", mini).exit_code == 0
    text = (mini / "clauses/art-25.yaml").read_text()
    # width is unlimited: each paragraph's text is on one line
    assert (
        "  - text: Member States may take measures to block access to web pages containing or disseminating child pornography towards the Internet users within their territory. These measures"
        in text
    )
    clause = load_clause(text.encode(), "clauses/art-25.yaml", "art-25")
    assert clause.title == "Measures against websites containing or disseminating child pornography"
    assert [p.provenance.at for p in clause.paragraphs] == ["25(1)", "25(2)"]


def test_new_clause_errors(cli, mini):
    r = cli("new", "removal", "--from", "un-crc:34", "-C", mini)
    assert (r.exit_code, r.stderr) == (
        2,
        "treatydraft: error: clause 'removal' exists already (clauses/removal.yaml)\n",
    )
    r = cli("new", "x", "--from", "un-crc:35", "-C", mini)
    assert (r.exit_code, r.stderr) == (
        2,
        "treatydraft: error: Convention on the Rights of the Child has no Art. 35 (shipped in part: Article 34); nearby: 34\n",
    )
    r = cli("new", "x", "--from", "un-crc", "-C", mini)
    assert (r.exit_code, r.stderr) == (
        2,
        "treatydraft: error: 'un-crc' is not SOURCE:ADDRESS, e.g. dir-2011-93-eu:25(1)\n",
    )
    r = cli("new", "../x", "--from", "un-crc:34", "-C", mini)
    assert r.exit_code == 2 and "is not a clause id" in r.stderr
    assert not (mini / "clauses/x.yaml").exists()


def test_init_creates_a_project_that_checks_clean(cli, tmp_path):
    target = tmp_path / "new-treaty"
    result = cli("init", target)
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        ".gitignore",
        "clauses/removal.yaml",
        "sources/dir-2011-93-eu.md",
        "templates/README.md",
        "treatydraft.yml",
    ]
    assert cli("check", "--strict", "-C", target).exit_code == 0
    again = cli("init", target)
    assert again.exit_code == 2
    assert (
        again.stderr
        == f"treatydraft: error: {target / 'treatydraft.yml'} exists already; not overwriting a project\n"
    )


def test_sources_list_and_show(cli):
    out = cli("sources", "list", "-C", REPO).stdout.splitlines()
    assert "dir-2011-93-eu  Directive 2011/93/EU (partial: Article 25 only)" in out
    show = cli("sources", "show", "dir-2011-93-eu:25(1)", "-C", REPO)
    assert show.exit_code == 0
    assert show.stdout.splitlines() == [
        "Directive 2011/93/EU, Art. 25(1)",
        "",
        "Member States shall take the necessary measures to ensure the prompt removal of web pages containing or disseminating child pornography hosted in their territory and to endeavour to obtain the removal of such pages hosted outside of their territory.",
    ]
    bad = cli("sources", "show", "dir-2011-93-eu:26", "-C", REPO)
    assert (bad.exit_code, bad.stderr) == (
        2,
        "treatydraft: error: Directive 2011/93/EU has no Art. 26 (shipped in part: Article 25 only); nearby: 25\n",
    )


def test_new_clause_from_a_paragraph_quotes_the_address_and_takes_the_article_heading(cli, mini):
    assert cli("new", "blocking", "--from", "dir-2011-93-eu:25(2)", "-C", mini).exit_code == 0
    text = (mini / "clauses/blocking.yaml").read_text()
    assert (
        "title: Measures against websites containing or disseminating child pornography\n" in text
    )
    assert '      at: "25(2)"\n' in text


def test_init_never_overwrites_a_file(cli, tmp_path):
    target = tmp_path / "p"
    (target / "templates").mkdir(parents=True)
    (target / "templates" / "README.md").write_text("mine")
    result = cli("init", target)
    assert (result.exit_code, result.stderr) == (
        2,
        f"treatydraft: error: {target / 'templates' / 'README.md'} exists already; init never overwrites a file\n",
    )
    assert (target / "templates" / "README.md").read_text() == "mine"
    assert not (target / "treatydraft.yml").exists()


def test_new_refuses_ids_that_would_not_load(cli, mini):
    for bad in ("a/./b", "a//b", "sp ace", ".hidden", "x.yaml", "trail/", "back\\slash"):
        result = cli("new", bad, "--from", "un-crc:34", "-C", mini)
        assert result.exit_code == 2, bad
        assert "is not a clause id" in result.stderr
    assert cli("check", "-C", mini).exit_code == 0
