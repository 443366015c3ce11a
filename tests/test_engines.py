"""The compiled and the pure-Python engines give the same results (§14).

fast-diff-match-patch and ruamel.yaml.clib have no wheels for some of the platforms
treatydraft supports (CPython 3.13+; Windows on arm64), so each has a pure-Python
fallback; these tests run the same inputs through both and compare.
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path

import pytest
from test_hostile import GENERATORS, HOSTILE, MANIFEST

from treatydraft import diffengine, diffing
from treatydraft.errors import InputError
from treatydraft.loading import yamlsafe

TESTS = Path(__file__).resolve().parent


def _yaml_inputs() -> list[tuple[str, bytes]]:
    found = [
        (str(p.relative_to(TESTS)), p.read_bytes())
        for p in sorted(TESTS.glob("fixtures/**/*.y*ml"))
        + sorted((HOSTILE / "yaml").glob("*.y*ml"))
    ]
    for name, case in sorted(MANIFEST.items()):
        if case.get("generate") in ("billion_laughs", "deep_nesting"):
            found.append((name, GENERATORS[case["generate"]]()))
    return found


YAML_INPUTS = _yaml_inputs()


def _outcome(data: bytes, engine: str):
    """The tree, or the diagnostics; a syntax error's wording is the parser's own (libyaml's
    and ruamel.yaml's differ), so for those only the position and the code must agree."""
    try:
        return ("tree", yamlsafe.load_bytes(data, "x.yaml", engine=engine))
    except InputError as exc:
        return (
            "error",
            [
                d.format() if d.code != "yaml-syntax" else (d.path, d.line, d.col, d.code)
                for d in exc.diagnostics
            ],
        )


def test_yaml_inputs_cover_fixtures_and_hostile_corpus():
    names = [n for n, _ in YAML_INPUTS]
    assert any(n.startswith("fixtures/") for n in names)
    assert sum(1 for n in names if n.startswith("hostile")) >= 10


@pytest.mark.parametrize("name, data", YAML_INPUTS, ids=[n for n, _ in YAML_INPUTS])
def test_yaml_engines_agree(name, data):
    assert _outcome(data, "pure") == _outcome(data, "c")


def test_yaml_falls_back_to_pure_python_without_clib(monkeypatch):
    monkeypatch.setitem(sys.modules, "ruamel.yaml.cyaml", None)  # import now fails
    monkeypatch.setitem(sys.modules, "_ruamel_yaml", None)
    monkeypatch.setattr(yamlsafe, "_c_parser", None)  # as in a fresh process
    assert yamlsafe._event_source("a: 1\n", None)[1] is True  # the pure parser
    tree = yamlsafe.load_bytes(b'a: 1\nb:\n  - "x"\n', "x.yaml")
    assert tree.items["b"].items[0] == yamlsafe.YScalar("x", False, 3, 5)


# --------------------------------------------------------------------------- diff engines

REDLINE = HOSTILE / "redline"


def _redline_pairs() -> list[tuple[str, str, str]]:
    pairs = []
    for old in sorted(REDLINE.glob("*.old.txt")):
        new = old.with_name(old.name.replace(".old.", ".new."))
        pairs.append((old.name[: -len(".old.txt")], old.read_text("utf-8"), new.read_text("utf-8")))
    # the many-distinct-tokens case: codes beyond the first private-use plane
    words_old = [f"w{n}" for n in range(9000)]
    words_new = [w if n % 997 else w + "x" for n, w in enumerate(words_old)]
    pairs.append(("beyond-bmp", " ".join(words_old), " ".join(words_new)))
    return pairs


PAIRS = _redline_pairs()


@pytest.fixture
def use_engine(monkeypatch):
    def use(name: str) -> None:
        monkeypatch.setattr(diffengine, "_chosen", getattr(diffengine, name))

    return use


def test_both_diff_engines_are_installed_here():
    # on the platforms CI runs on both must be present, or the comparisons below prove nothing
    assert set(diffengine.available()) >= {"pure"}
    # where pyproject's marker installs fast-diff-match-patch (CI: Linux x86-64)
    if sys.version_info < (3, 13) and sys.platform == "linux" and platform.machine() == "x86_64":
        assert "fast" in diffengine.available()


@pytest.mark.parametrize("name, old, new", PAIRS, ids=[p[0] for p in PAIRS])
def test_diff_engines_give_identical_ops(name, old, new, use_engine):
    if "fast" not in diffengine.available():
        pytest.skip("fast-diff-match-patch has no wheel for this Python")
    results = {}
    for engine in ("fast", "pure"):
        use_engine(engine)
        results[engine] = diffing.diff(old, new, timeout=60.0)
    assert results["fast"] == results["pure"]
    assert not results["pure"].approximate


def test_redline_fixture_identical_through_both_engines(tmp_path, use_engine):
    if "fast" not in diffengine.available():
        pytest.skip("fast-diff-match-patch has no wheel for this Python")
    from conftest import FIXTURES

    from treatydraft import api

    project = api.load_project(FIXTURES / "redline-small")
    outputs = {}
    for engine in ("fast", "pure"):
        use_engine(engine)
        outputs[engine] = api.redline(project, fmt="json", timeout=60.0).text
    assert outputs["fast"] == outputs["pure"]
    assert '"insert"' in outputs["pure"] or '"delete"' in outputs["pure"]


def test_diff_falls_back_to_pure_python_without_the_compiled_engine(monkeypatch):
    """Python 3.13+: no fast-diff-match-patch wheel; redlines must still work."""
    monkeypatch.setitem(sys.modules, "fast_diff_match_patch", None)  # import now fails
    monkeypatch.setattr(diffengine, "_chosen", None)
    result = diffing.diff("The Parties shall cooperate.", "The Parties may cooperate.")
    assert diffengine.name() == "pure"
    assert [(op.kind, op.old, op.new) for op in result.ops if op.kind != "equal"] == [
        ("delete", "shall", ""),
        ("insert", "", "may"),
    ]


@pytest.mark.parametrize(
    "data",
    [
        b'a: "\\udc00"\n',
        b'id: x\ntext: "half \\ud800 a pair"\n',
        b'a: "x\\U0010FFFF\\\\ud800 \\U0000D800"\n',  # an escaped backslash is not an escape
        b'a: "line one\n  and \\ud800 on line two"\n',
    ],
)
def test_pure_parser_refuses_lone_surrogates_like_libyaml(data):
    lines = {}
    for engine in ("c", "pure"):
        with pytest.raises(InputError) as info:
            yamlsafe.load_bytes(data, "x.yaml", engine=engine)
        lines[engine] = [d.format() for d in info.value.diagnostics]
    assert lines["pure"] == lines["c"]
    assert lines["c"][0].endswith("error[yaml-syntax]: found invalid Unicode character escape code")


def test_the_pure_engine_is_not_imported_when_the_compiled_one_is_there(monkeypatch):
    if "fast" not in diffengine.available():
        pytest.skip("fast-diff-match-patch is not installed here")
    for name in [m for m in sys.modules if m.startswith("diff_match_patch")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(diffengine, "_chosen", None)
    assert diffengine.engine() is diffengine.fast
    assert "diff_match_patch" not in sys.modules
