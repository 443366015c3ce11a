"""The check cache (issue 15): a cached run says exactly what an uncached one says.

Every test compares a run through the cache with a ``--no-cache`` run of the same files:
exit code, stdout and stderr byte for byte. No timing assertions (the speed is measured
by ``python -m bench``); what is asserted is which files are parsed again.
"""

from __future__ import annotations

import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import REPO, copy_project, edit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from treatydraft import api, cache
from treatydraft.cli import app

RUNNER = CliRunner()


@pytest.fixture(autouse=True)
def user_cache(tmp_path, monkeypatch):
    """The per-user signing key lives in a temporary user cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    return tmp_path / "user-cache"


def run(project: Path, *args: str, cached: bool = True):
    argv = ["check", "-C", str(project), *args] + ([] if cached else ["--no-cache"])
    r = RUNNER.invoke(app, argv, catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def same(project: Path, *args: str):
    """Run cached, then uncached; they must agree. Returns the cached run."""
    a = run(project, *args)
    b = run(project, *args, cached=False)
    assert a == b
    return a


@contextmanager
def parsed_files():
    """Record which clause files the cache had to load and check again."""
    seen: list[str] = []
    real = cache._check_files

    def spy(base, digests, chunk, deadline=None):
        seen.extend(rel for rel, _cid, _data in chunk)
        return real(base, digests, chunk, deadline)

    cache._check_files = spy
    try:
        yield seen
    finally:
        cache._check_files = real


def symlink(link: Path, target: Path) -> None:
    try:
        link.symlink_to(target)
    except OSError as exc:  # Windows without the privilege
        pytest.skip(f"cannot make symbolic links here: {exc}")


def test_rerun_replays_without_loading_anything(treaty, monkeypatch):
    first = same(treaty)
    assert first[0] == 0
    folder = treaty / ".treatydraft_cache"
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (folder / "CACHEDIR.TAG").read_bytes().startswith(b"Signature: 8a477f597d28d172")

    import treatydraft.loading.project as loader

    def refuse(*a, **k):
        raise AssertionError("loaded the project although nothing changed")

    monkeypatch.setattr(loader, "load_base", refuse)
    assert run(treaty) == first


def test_an_edited_clause_is_the_only_file_checked_again(treaty):
    same(treaty)
    edit(treaty / "clauses/removal-blocking.yaml", "the prompt", "the swift")
    with parsed_files() as seen:
        same(treaty)
    assert seen == ["clauses/removal-blocking.yaml"]
    with parsed_files() as seen:
        same(treaty)
    assert seen == []


@contextmanager
def files_read():
    """Record which input files the cached replay read (not known from their stat)."""
    seen: list[str] = []
    real = cache._read_plain

    def spy(path):
        seen.append(Path(path).name)
        return real(path)

    cache._read_plain = spy
    try:
        yield seen
    finally:
        cache._read_plain = real


def test_an_unchanged_file_is_known_from_its_stat(treaty, monkeypatch):
    first = same(treaty)
    with files_read() as seen:
        assert run(treaty) == first  # reads every file, and records their stats
    assert "removal-blocking.yaml" in seen
    with files_read() as seen:
        assert run(treaty) == first
    # recorded just now, so still "racy": a same-size edit in this tick would not show
    assert "removal-blocking.yaml" in seen
    monkeypatch.setattr(cache, "RACY_NS", -(10**18))  # as if recorded long after the edits
    run(treaty)
    with files_read() as seen:
        assert run(treaty) == first
    assert seen == []


def test_a_same_size_edit_with_its_old_mtime_put_back_is_seen(treaty, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", -(10**18))  # every recorded stat trusted
    same(treaty)
    run(treaty)  # records the stats
    path = treaty / "clauses/removal-blocking.yaml"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert "the prompt" in text
    path.write_text(text.replace("the prompt", "the swift!", 1), encoding="utf-8")
    assert path.stat().st_size == before.st_size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # size and mtime as before
    with files_read() as seen:
        same(treaty)  # the ctime moved: the file is read, its change found
    assert "removal-blocking.yaml" in seen


def test_an_edited_source_invalidates_the_clauses_that_derive_from_it(treaty):
    same(treaty)
    edit(treaty / "sources/dir-2011-93-eu.md", "and to endeavour to obtain", "and to try to obtain")
    with parsed_files() as seen:
        code, out, _ = same(treaty)
    assert code == 1 and "pin-mismatch" in out
    users = sorted(
        f"clauses/{p.relative_to(treaty / 'clauses').as_posix()}"
        for p in (treaty / "clauses").rglob("*.yaml")
        if "source: dir-2011-93-eu" in p.read_text(encoding="utf-8")
    )
    assert users and sorted(seen) == users


def test_config_changes_invalidate_every_clause(treaty):
    same(treaty)
    edit(treaty / "treatydraft.yml", "adapted-over-budget: error", "unpinned: error")
    with parsed_files() as seen:
        same(treaty)
    assert len(seen) == len(list((treaty / "clauses").rglob("*.yaml")))


def test_project_wide_checks_still_run_on_a_cache_hit(treaty):
    same(treaty)
    (treaty / "clauses/final/testimonium.yaml").unlink()
    code, out, _ = same(treaty)
    assert code == 1 and "missing-clause" in out
    edit(treaty / "treatydraft.yml", "  - final/testimonium\n", "")
    code, out, _ = same(treaty)
    assert code == 0


def test_no_cache_neither_reads_nor_writes(treaty):
    run(treaty, cached=False)
    assert not (treaty / ".treatydraft_cache").exists()


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"garbage",
        b"\x00\xff" * 100,
        b'{"format": 1, "key": "x"}',
        b"0" * 64 + b'\n{"format": 1}',
    ],
)
def test_a_corrupt_cache_file_is_ignored(treaty, damage):
    first = same(treaty)
    for name in (cache.RUN_FILE, cache.FILES_FILE):
        (treaty / ".treatydraft_cache" / name).write_bytes(damage)
    assert same(treaty) == first


def test_a_truncated_cache_file_is_ignored(treaty):
    first = same(treaty)
    for name in (cache.RUN_FILE, cache.FILES_FILE):
        path = treaty / ".treatydraft_cache" / name
        path.write_bytes(path.read_bytes()[:-7])
    assert same(treaty) == first


def test_a_cache_signed_by_someone_else_is_ignored(treaty):
    """A cache folder committed to the repository cannot forge a clean result."""
    edit(treaty / "clauses/removal-blocking.yaml", "the prompt", "the very very slow and careful")
    bad = same(treaty)
    assert bad[0] == 1

    def forge(secret: bytes) -> None:
        for name in (cache.RUN_FILE, cache.FILES_FILE):
            path = treaty / ".treatydraft_cache" / name
            obj = json.loads(path.read_bytes().partition(b"\n")[2])
            if name == cache.RUN_FILE:
                obj["diagnostics"] = []
            else:
                for entry in obj["files"].values():
                    entry["found"] = []
            cache.write_signed(path, secret, obj)

    forge(b"someone else's key, 32 bytes long")
    assert run(treaty) == bad
    forge(cache._secret())  # control: only the signature stands between them and a hit
    assert run(treaty)[0] == 0


def test_special_files_in_the_cache_folder_are_ignored(treaty, tmp_path):
    first = same(treaty)
    folder = treaty / ".treatydraft_cache"
    (folder / cache.RUN_FILE).unlink()
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / cache.RUN_FILE)  # reading it must not hang
        assert same(treaty) == first
        (folder / cache.RUN_FILE).unlink()
    shutil.rmtree(folder)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    symlink(folder, elsewhere)  # never written through a link out of the project
    assert same(treaty) == first
    assert list(elsewhere.iterdir()) == []


def test_an_unwritable_cache_folder_is_no_error(treaty):
    first = same(treaty)
    folder = treaty / ".treatydraft_cache"
    shutil.rmtree(folder)
    folder.write_text("a file where the folder should be")
    assert same(treaty) == first


def test_a_symbolic_link_to_a_clause_takes_the_slow_path(treaty, tmp_path):
    same(treaty)
    target = treaty / "clauses/removal-blocking.yaml"
    moved = treaty / "clauses/removal-blocking.txt"
    target.rename(moved)
    symlink(target, moved)
    first = same(treaty)
    assert first[0] == 0
    outside = tmp_path / "outside.yaml"
    shutil.copy(moved, outside)
    target.unlink()
    symlink(target, outside)  # same bytes, but now outside the project
    code, out, err = same(treaty)
    assert code == 2 and "outside the project" in err + out


def test_the_api_agrees_with_itself(treaty):
    a = api.check_path(treaty, cache=True)
    b = api.check_path(treaty, cache=True)
    c = api.check_path(treaty)
    assert a.report.diagnostics == b.report.diagnostics == c.report.diagnostics
    assert (a.clauses, a.sources) == (c.clauses, c.sources)


def test_build_rebuilds_unchanged_clauses_from_the_models_check_kept(treaty, monkeypatch):
    same(treaty)
    plain = api.load_project(treaty)
    import treatydraft.loading.clauses as clauses

    real = clauses.load_clause
    monkeypatch.setattr(clauses, "load_clause", lambda *a: pytest.fail("parsed again"))
    assert api.load_project(treaty, cache=True) == plain
    edit(treaty / "clauses/removal-blocking.yaml", "the prompt", "the swift")
    parsed = []
    monkeypatch.setattr(clauses, "load_clause", lambda *a: parsed.append(a[1]) or real(*a))
    again = api.load_project(treaty, cache=True)
    assert parsed == ["clauses/removal-blocking.yaml"]
    assert again == api.load_project(treaty)


def test_build_through_the_cache_writes_the_same_bytes(treaty, tmp_path):
    same(treaty)
    for args, out in (([], "a"), (["--no-cache"], "b"), ([], "c")):
        r = RUNNER.invoke(app, ["build", "-C", str(treaty), "--out", str(tmp_path / out), *args])
        assert r.exit_code == 0, r.output
    files = {
        name: [(tmp_path / o / name).read_bytes() for o in "abc"]
        for name in ("draft.md", "draft.html", "draft.docx")
    }
    assert all(a == b == c for a, b, c in files.values())


EXAMPLES = sorted(p.parent.name for p in (REPO / "examples").glob("*/treatydraft.yml"))


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_agree_through_the_cache(name, tmp_path):
    """The shipped examples (negotiation brackets, references) check and load the same."""
    project = tmp_path / name
    shutil.copytree(REPO / "examples" / name, project, ignore=shutil.ignore_patterns("build"))
    first = same(project)
    assert same(project) == first
    edit_any = next((project / "clauses").rglob("*.yaml"))
    edit_any.write_text(edit_any.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert same(project)[0] == first[0]
    assert api.load_project(project, cache=True) == api.load_project(project)
    assert api.load_project(project, cache=True) == api.load_project(project)


def test_init_ignores_the_cache_folder(tmp_path):
    api.init_project(tmp_path / "new")
    assert ".treatydraft_cache/" in (tmp_path / "new/.gitignore").read_text().splitlines()


# --------------------------------------------------------------------------- property

CLAUSES = [
    "clauses/removal-blocking.yaml",
    "clauses/reporting.yaml",
    "clauses/definitions.yaml",
    "clauses/final/signature.yaml",
]
WORDS = ["shall", "State Party", "States Parties", "measures", "the", "child"]
EDITS = st.one_of(
    st.tuples(
        st.just("word"),
        st.sampled_from(CLAUSES),
        st.sampled_from(WORDS),
        st.text("xyz ", max_size=6),
    ),
    st.tuples(st.just("relation"), st.sampled_from(CLAUSES)),
    st.tuples(st.just("pin"), st.sampled_from(CLAUSES)),
    st.tuples(st.just("delete"), st.sampled_from(CLAUSES)),
    st.tuples(st.just("restore"), st.sampled_from(CLAUSES)),
    st.tuples(st.just("break-yaml"), st.sampled_from(CLAUSES)),
    st.tuples(st.just("add-clause"), st.integers(0, 3)),
    st.tuples(
        st.just("source"),
        st.sampled_from(["dir-2011-93-eu", "coe-lanzarote", "un-opsc"]),
        st.sampled_from(WORDS[:3] + ["removal", "child"]),
    ),
    st.tuples(st.just("level"), st.sampled_from(["error", "warning", "ignore"])),
    st.tuples(st.just("budget"), st.sampled_from(["0.25", "0.05", "0.5"])),
    st.tuples(st.just("rule"), st.sampled_from(["States Parties", "Parties", "States"])),
    st.tuples(
        st.just("outline"),
    ),
    st.tuples(st.just("touch"), st.sampled_from(CLAUSES)),
    st.tuples(
        st.just("corrupt-cache"),
    ),
)


def apply(project: Path, pristine: Path, e: tuple) -> None:
    kind = e[0]
    if kind in ("word", "relation", "pin", "break-yaml", "touch"):
        path = project / e[1]
        if not path.exists():
            return
        text = path.read_text(encoding="utf-8")
        if kind == "word":
            text = text.replace(e[2], e[3] or "x", 1)
        elif kind == "relation":
            text = (
                text.replace("relation: adapted", "relation: verbatim", 1)
                if "relation: adapted" in text
                else text.replace("relation: verbatim", "relation: adapted", 1)
            )
        elif kind == "pin":
            text = text.replace("pin: sha256:", "pin: sha256:0", 1)
        elif kind == "break-yaml":
            text += "\n: [\n"
        path.write_text(text, encoding="utf-8")
    elif kind == "delete":
        (project / e[1]).unlink(missing_ok=True)
    elif kind == "restore":
        shutil.copy(pristine / e[1], project / e[1])
    elif kind == "add-clause":
        (project / f"clauses/extra{e[1]}.yaml").write_text(
            f'id: extra{e[1]}\ntitle: Extra\nparagraphs:\n  - text: See {{{{ ref("definitions") }}}}.\n'
            f"    provenance:\n      relation: new\n",
            encoding="utf-8",
        )
    elif kind == "source":
        path = project / f"sources/{e[1]}.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(e[2], e[2] + "s", 1), encoding="utf-8")
    elif kind == "level":
        path = project / "treatydraft.yml"
        text = path.read_text(encoding="utf-8")
        head, sep, tail = text.partition("adapted-over-budget: ")
        path.write_text(head + sep + e[1] + tail[tail.index("\n") :], encoding="utf-8")
    elif kind == "budget":
        path = project / "treatydraft.yml"
        text = path.read_text(encoding="utf-8")
        head, sep, tail = text.partition("default_budget: ")
        path.write_text(head + sep + e[1] + tail[tail.index("\n") :], encoding="utf-8")
    elif kind == "rule":
        path = project / "treatydraft.yml"
        text = path.read_text(encoding="utf-8")
        head, sep, tail = text.partition('"Member States": "')
        path.write_text(head + sep + e[1] + tail[tail.index('"') :], encoding="utf-8")
    elif kind == "outline":
        path = project / "treatydraft.yml"
        path.write_text(path.read_text(encoding="utf-8").replace("      - prevention\n", "", 1))
    elif kind == "corrupt-cache":
        for name in (cache.RUN_FILE, cache.FILES_FILE):
            path = project / ".treatydraft_cache" / name
            if path.exists():
                data = bytearray(path.read_bytes())
                data[len(data) // 2] ^= 1
                path.write_bytes(bytes(data))


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=st.lists(EDITS, min_size=1, max_size=6))
def test_random_edits_never_leave_a_stale_result(edits, tmp_path_factory):
    """Cached run == ``--no-cache`` run after every edit to clauses, sources and config."""
    work = tmp_path_factory.mktemp("prop")
    project = copy_project(REPO, work / "p")
    pristine = REPO
    os.environ["XDG_CACHE_HOME"] = str(work / "user-cache")
    same(project)
    for e in edits:
        try:
            apply(project, pristine, e)
        except ValueError:  # the text to edit is gone after an earlier edit
            continue
        same(project)
        same(project, "--format", "json")
        assert loaded(project, cache=True) == loaded(project)


def loaded(project: Path, cache: bool = False):
    """The loaded project, or the diagnostics that stop it loading."""
    from treatydraft.errors import InputError

    try:
        return api.load_project(project, cache=cache)
    except InputError as exc:
        return exc.diagnostics
