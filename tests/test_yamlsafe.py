"""Unit tests of the hardened YAML reader: each rule of §9 is one line with a position."""

import pytest

from treatydraft.errors import InputError
from treatydraft.loading.yamlsafe import YMap, YScalar, YSeq, load_bytes


def reject(data: bytes) -> str:
    with pytest.raises(InputError) as info:
        load_bytes(data, "x.yaml")
    assert len(info.value.diagnostics) == 1
    return info.value.diagnostics[0].format()


def test_reads_mapping_with_positions():
    tree = load_bytes(b'a: 1\nb:\n  - "x"\n  - y\n', "x.yaml")
    assert isinstance(tree, YMap)
    assert tree.order == ["a", "b"]
    assert tree.items["a"] == YScalar("1", True, 1, 4)
    seq = tree.items["b"]
    assert isinstance(seq, YSeq)
    assert [(s.value, s.plain, s.line, s.col) for s in seq.items] == [
        ("x", False, 3, 5),
        ("y", True, 4, 5),
    ]


def test_empty_document_is_none():
    assert load_bytes(b"", "x.yaml") is None


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"a: &x 1\nb: *x\n", "x.yaml:1:4: error[yaml-alias]: anchors (&x) are not allowed"),
        (
            b"a: !!python/object/apply:os.system [ls]\n",
            "x.yaml:1:4: error[yaml-tag]: tags (tag:yaml.org,2002:python/object/apply:os.system) are not allowed",
        ),
        (
            b"a: !include secret.txt\n",
            "x.yaml:1:4: error[yaml-tag]: tags (!include) are not allowed",
        ),
        (
            b"a: 1\na: 2\n",
            "x.yaml:2:1: error[yaml-duplicate-key]: duplicate key 'a' (first at line 1)",
        ),
        (b"<<: {a: 1}\n", "x.yaml:1:1: error[yaml-merge-key]: merge keys (<<) are not allowed"),
        (
            b"%YAML 1.1\n---\na: NO\n",
            "x.yaml:1:1: error[yaml-directive]: %YAML and %TAG directives are not allowed",
        ),
        (
            b"a: 1\n---\nb: 2\n",
            "x.yaml:2:1: error[yaml-multi-document]: only one YAML document per file is allowed",
        ),
        (
            b"a: \x92\n",
            "x.yaml:1:4: error[encoding]: not valid UTF-8: byte 0x92 (looks like Windows-1252; save the file as UTF-8)",
        ),
        (
            b"\xef\xbb\xbf\xef\xbb\xbfa: 1\n",
            "x.yaml:1:1: error[encoding]: the file starts with two byte-order marks; remove them",
        ),
        (
            b"a:\n\t- b\n",
            "x.yaml:2:1: error[yaml-indentation]: a tab in indentation; indent with spaces only",
        ),
        (
            b"a:\n\xc2\xa0 b: 1\n",
            "x.yaml:2:1: error[yaml-indentation]: a no-break space in indentation; indent with spaces only",
        ),
        (b"a: [1\n", "x.yaml:2:1: error[yaml-syntax]: did not find expected ',' or ']'"),
        (
            b"a: x\xc2\x85y\n",
            "x.yaml:1:5: error[control-character]: control character U+0085 is not allowed; write it as an escape in a double-quoted string if it is really meant",
        ),
    ],
)
def test_rejections(data, expected):
    assert reject(data) == expected


def test_deep_nesting_rejected_at_depth_limit():
    assert (
        reject(b"[" * 10000) == "x.yaml:1:33: error[yaml-too-deep]: nesting deeper than 32 levels"
    )


def test_alias_bomb_rejected_at_first_anchor():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    assert "error[yaml-alias]" in reject("\n".join(lines).encode())


def test_file_over_two_mebibytes_rejected_before_parsing():
    data = b"a: " + b"x" * (20 * 1024 * 1024) + b"\n"
    assert (
        reject(data)
        == "x.yaml:1:1: error[file-too-large]: file is 20,971,524 bytes; the limit is 2,097,152 bytes (2 MiB)"
    )


def test_single_bom_is_accepted():
    assert load_bytes(b"\xef\xbb\xbfa: b\n", "x.yaml").items["a"].value == "b"


# --- decode scans the whole text at once; it must report what a scan of each line reports ---


def _decode_by_lines(text: str):
    """The line-by-line scan ``decode`` used to make (the reference): (line, col, code) of the
    first problem, or None."""
    import re

    from treatydraft.loading.yamlsafe import BAD_CONTROL

    if text.startswith("\ufeff"):  # a byte-order mark, dropped (two are refused)
        text = text[1:]
        if text.startswith("\ufeff"):
            return 1, 1, "encoding"
    for lineno, line_text in enumerate(text.split("\n"), start=1):
        m = BAD_CONTROL.search(line_text)
        if m is None and line_text.endswith("\r") and lineno == text.count("\n") + 1:
            m = re.search("\r$", line_text)
        if m:
            return lineno, m.start() + 1, "control-character"
        stripped = line_text.lstrip(" ")
        if stripped[:1] in ("\t", "\u00a0") and stripped.strip():
            return lineno, len(line_text) - len(stripped) + 1, "yaml-indentation"
    return None


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from(
    ["a", "b: c", " ", "  ", "\t", "\u00a0", "\n", "\r\n", "\r", "\x07", "\u2028", "\ufdd0",
     "\U0001fffe", "\U0001f600", "\ufeff", "é", "x\ty"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_decode_reports_the_first_problem_of_a_line_scan(text):
    from treatydraft.loading.yamlsafe import decode

    expected = _decode_by_lines(text)
    try:
        decode(text.encode("utf-8"), "f.yaml")
    except InputError as exc:
        d = exc.diagnostics[0]
        assert (d.line, d.col, d.code) == expected
    else:
        assert expected is None


def test_an_error_at_the_end_of_a_file_without_a_final_line_break_is_on_its_last_line():
    # libyaml puts the end of such a file on the line after it; found by
    # test_properties.py::test_i4_loader_is_total with the input "["
    for engine in ("c", "pure"):
        with pytest.raises(InputError) as exc:
            load_bytes(b"[", "x.yaml", engine=engine)
        d = exc.value.diagnostics[0]
        assert (d.line, d.col, d.code) == (1, 2, "yaml-syntax")
