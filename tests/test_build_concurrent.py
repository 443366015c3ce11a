"""``build`` renders its formats on every core (issue 15): the bytes are those of a serial run,
and a format that fails in a worker fails the build exactly as it does serially."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from treatydraft import api, parallel
from treatydraft.errors import InputError
from treatydraft.render import RENDERERS, concurrent

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """A generated project large enough for the formats to be rendered in workers."""
    sys.path.insert(0, str(REPO))
    try:
        from bench import corpus
    finally:
        sys.path.remove(str(REPO))
    dest = tmp_path_factory.mktemp("big") / "p"
    n = concurrent.MIN_WEIGHT // min(concurrent.COST.values()) + 10
    corpus.make_project(dest, n)
    return dest


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.skipif(
    not hasattr(os, "fork"), reason="formats render in workers only where fork exists"
)
def test_concurrent_build_writes_the_serial_bytes(big, tmp_path, monkeypatch):
    project = api.load_project(big)
    forks = []
    real = parallel.map_chunks

    def spy(fn, items, **kw):
        out = real(fn, items, **kw)
        forks.append(len(out))
        return out

    monkeypatch.setattr(parallel, "map_chunks", spy)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    api.build(project, out=tmp_path / "par")
    assert forks == [2]  # md+html in one worker, docx in the other
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    api.build(project, out=tmp_path / "ser")
    assert outputs(tmp_path / "par") == outputs(tmp_path / "ser")
    assert sorted(outputs(tmp_path / "par")) == ["draft.docx", "draft.html", "draft.md"]


def test_a_format_failing_in_a_worker_fails_the_build(big, tmp_path, monkeypatch):
    project = api.load_project(big)
    monkeypatch.setattr(parallel, "cores", lambda: 2)

    def broken(draft, options):
        from treatydraft.diagnostics import Diagnostic

        raise InputError([Diagnostic("templates/draft.html.j2", 3, 1, "error", "template", "boom")])

    monkeypatch.setitem(RENDERERS, "html", broken)
    with pytest.raises(InputError) as exc:
        api.build(project, out=tmp_path / "out")
    assert [d.format() for d in exc.value.diagnostics] == [
        "templates/draft.html.j2:3:1: error[template]: boom"
    ]
    assert not (tmp_path / "out").exists()
