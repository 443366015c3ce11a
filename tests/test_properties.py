"""Invariants I1 (write-back fidelity), I4 (total loader) and I5 (atomic writes).

Examples per property: 200 in CI (the ``ci`` profile, the default); more with
``HYPOTHESIS_PROFILE=slow``. See tests/conftest.py.
"""

from __future__ import annotations

import errno
import os
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from treatydraft import fsio
from treatydraft.errors import FileChangedOnDisk, InputError, InternalError
from treatydraft.loading.clauses import load_clause
from treatydraft.loading.writer import clause_data, dump_clause, set_pins

# Text a delegation might type: any printable character, spaces, no-break spaces, line breaks.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=80,
)


def _balanced(text: str) -> bool:
    from treatydraft.negotiation.brackets import BracketError, parse

    try:
        parse(text)
    except BracketError:
        return False
    return True


# Clause text: the same, with its square brackets balanced (the negotiation notation, §12;
# an unbalanced one is an input error, tested in test_negotiation_cli.py).
CLAUSE_TEXT = TEXT.filter(_balanced)
IDS = st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)
PIN = st.from_regex(r"sha256:[0-9a-f]{64}", fullmatch=True)


@st.composite
def clause_dicts(draw):
    def item(depth):
        d = {"text": draw(CLAUSE_TEXT)}
        if draw(st.booleans()):
            d["provenance"] = {
                "source": draw(IDS),
                "at": draw(
                    st.sampled_from(["25", "25(1)", "2(c)", "3(1)(a)(i)", "1.10", "recital 24"])
                ),
                "relation": "verbatim",
                "pin": draw(PIN),
            }
        else:
            d["provenance"] = {"relation": "new", "note": draw(TEXT)}
        if depth < 2 and draw(st.booleans()):
            d["points"] = [item(depth + 1) for _ in range(draw(st.integers(1, 2)))]
        return d

    data = {
        "id": draw(IDS),
        "title": draw(TEXT),
        "paragraphs": [item(0) for _ in range(draw(st.integers(1, 3)))],
    }
    if draw(st.booleans()):
        data["notes"] = draw(TEXT)
    return data


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clause_dicts())
def test_i1_writer_output_loads_back_and_a_pin_edit_changes_nothing_else(data):
    try:
        out = dump_clause(data, "clauses/x.yaml", data["id"])
    except InternalError:
        pytest.fail(f"writer refused its own output for {data!r}")
    clause = load_clause(out, "clauses/x.yaml", data["id"])
    # a no-op rewrite is byte-identical
    same = {
        it.key_path: it.provenance.pin
        for it in clause.walk()
        if it.provenance and it.provenance.pin
    }
    assert set_pins(out, clause, same) == out
    # editing one key changes no other value
    pinned = [it for it in clause.walk() if it.provenance and it.provenance.pin]
    if pinned:
        target = pinned[0]
        new_pin = "sha256:" + "0" * 64
        edited = load_clause(
            set_pins(out, clause, {target.key_path: new_pin}), "clauses/x.yaml", data["id"]
        )
        for a, b in zip(clause.walk(), edited.walk()):
            expected = (
                replace(a.provenance, pin=new_pin)
                if a.key_path == target.key_path
                else a.provenance
            )
            assert (b.text, clause_data_prov(b.provenance)) == (a.text, clause_data_prov(expected))
    assert clause_data(clause)[1] == data["title"]


def clause_data_prov(p):
    return (
        None
        if p is None
        else (p.relation, p.source, p.at, p.substitutions, p.budget, p.pin, p.note)
    )


VALID = b"""id: x
title: A title
paragraphs:
  - text: >-
      Each State Party shall take the necessary measures.
    provenance:
      source: dir-2011-93-eu
      at: "25(1)"
      relation: adapted
      substitutions: [states-parties]
      budget: 0.2
    points:
      - text: "a point"
        provenance: {relation: new}
notes: free text
"""


@st.composite
def mutated(draw):
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "insert", "delete"]))
        pos = draw(st.integers(0, len(data)))
        if op == "flip" and pos < len(data):
            data[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(
                st.sampled_from(
                    [
                        b"&a ",
                        b"*a",
                        b"!!",
                        b"<<: ",
                        b"[",
                        b"{",
                        b"\t",
                        b"\xc2\xa0",
                        b": ",
                        b"- ",
                        b"\n",
                        b"'",
                        b'"',
                        b"%YAML 1.1\n",
                        b"---\n",
                        b"\x92",
                        b"\xef\xbb\xbf",
                    ]
                )
            )
        else:
            del data[pos : pos + draw(st.integers(1, 5))]
    return bytes(data)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=400), mutated()))
def test_i4_loader_is_total(data):
    # any bytes: a clause, or input errors that point into the file; never another exception
    lines = data.count(b"\n") + data.count(b"\r") + 1
    try:
        clause = load_clause(data, "clauses/x.yaml", "x")
    except InputError as exc:
        assert exc.diagnostics
        for d in exc.diagnostics:
            assert d.path == "clauses/x.yaml"
            assert 1 <= d.line <= lines and d.col >= 1
            assert d.severity == "error" and d.code and d.message and "\n" not in d.message
    else:
        assert clause.id == "x" and clause.path == "clauses/x.yaml"
        for item in clause.walk():
            assert isinstance(item.text, str)


# ---------------------------------------------------------------- I5: atomic writes

FAULTS = [
    OSError(errno.ENOSPC, "No space left on device"),
    OSError(errno.EIO, "Input/output error"),
    KeyboardInterrupt(),
]
STEPS = ["write", "flush", "fsync", "replace"]


class _Failing:
    """A file object whose ``step`` raises ``fault``."""

    def __init__(self, fh, step, fault):
        self._fh, self._step, self._fault = fh, step, fault

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._fh.close()

    def write(self, data):
        if self._step == "write":
            self._fh.write(data[: len(data) // 2])
            raise self._fault
        return self._fh.write(data)

    def flush(self):
        if self._step == "flush":
            raise self._fault
        return self._fh.flush()

    def fileno(self):
        return self._fh.fileno()


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("fault", FAULTS, ids=["ENOSPC", "EIO", "KeyboardInterrupt"])
@pytest.mark.parametrize("existed", [True, False], ids=["overwrite", "create"])
def test_i5_a_failed_write_leaves_old_bytes_or_nothing(tmp_path, monkeypatch, step, fault, existed):
    target = tmp_path / "draft.md"
    if existed:
        target.write_bytes(b"old bytes\n")
    real_fdopen, real_fsync, real_replace = os.fdopen, os.fsync, os.replace
    monkeypatch.setattr(
        fsio.os, "fdopen", lambda fd, mode: _Failing(real_fdopen(fd, mode), step, fault)
    )

    def fsync(fd):
        if step == "fsync":
            raise fault
        return real_fsync(fd)

    def replace_(a, b):
        if step == "replace":
            raise fault
        return real_replace(a, b)

    monkeypatch.setattr(fsio.os, "fsync", fsync)
    monkeypatch.setattr(fsio.os, "replace", replace_)
    with pytest.raises(type(fault)):
        fsio.write_atomic(target, b"new bytes, longer than the old ones\n" * 100)
    assert sorted(p.name for p in tmp_path.iterdir()) == (["draft.md"] if existed else [])
    if existed:
        assert target.read_bytes() == b"old bytes\n"


def test_i5_success_replaces_whole_file(tmp_path):
    target = tmp_path / "a" / "draft.md"
    fsio.write_atomic(target, b"one")
    fsio.write_atomic(target, b"two", expect=b"one")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["draft.md"]


def test_i5_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    old_mask = os.umask(0o022)
    try:
        new = tmp_path / "new.md"
        fsio.write_atomic(new, b"x")
        assert new.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.md"
        kept.write_bytes(b"x")
        kept.chmod(0o640)
        fsio.write_atomic(kept, b"y")
        assert kept.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old_mask)


def test_i5_refuses_to_overwrite_a_file_changed_since_read(tmp_path):
    target = tmp_path / "clause.yaml"
    target.write_bytes(b"changed by someone else\n")
    with pytest.raises(FileChangedOnDisk) as info:
        fsio.write_atomic(target, b"ours\n", expect=b"what we read\n")
    assert (
        str(info.value)
        == f"{target}:1:1: error[file-changed-on-disk]: the file changed on disk after it was read; not overwritten"
    )
    assert target.read_bytes() == b"changed by someone else\n"
    assert [p.name for p in tmp_path.iterdir()] == ["clause.yaml"]


def test_pin_refuses_a_clause_file_changed_after_loading(mini, monkeypatch):
    from treatydraft import api

    project = api.load_project(mini)
    path = Path(mini) / "clauses/removal.yaml"
    path.write_text(path.read_text() + "# edited meanwhile\n")
    with pytest.raises(FileChangedOnDisk):
        api.pin(project, ["removal"])
    assert path.read_text().endswith("# edited meanwhile\n")
