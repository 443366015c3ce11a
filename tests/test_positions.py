"""Offsets inside a YAML scalar mapped back to the file's line and column, in every style."""

from __future__ import annotations

import pytest

from treatydraft.loading import yamlsafe
from treatydraft.negotiation.positions import offset_position

CASES = {
    "folded": "t: >-\n  Each Party\n  shall [act\n  now\n",
    "literal": "t: |\n  Each Party\n  shall [act\n",
    "plain": "t: Each Party\n  shall [act\n",
    "double": 't: "Each \\"Party\\"\n  \\u00e9 shall [act"\n',
    "single": "t: 'Each ''Party''\n  shall [act'\n",
    "flow": "m: {t: 'Each Party shall [act', x: 1}\n",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_bracket_is_found_where_it_is_written(name):
    source = CASES[name]
    tree = yamlsafe.parse(source, "x.yaml")
    node = tree.items["t"] if "t" in tree.items else tree.items["m"].items["t"]
    offset = node.value.index("[")
    line, col = offset_position(source, node.line, node.col, node.value, offset)
    assert source.split("\n")[line - 1][col - 1] == "["
    # and it is the only "[" on that line before the column
    assert source.split("\n")[line - 1][: col - 1].count("[") == 0


def test_a_mismatch_falls_back_to_the_scalar_start():
    assert offset_position("t: abc\n", 1, 4, "xyz", 1) == (1, 4)
