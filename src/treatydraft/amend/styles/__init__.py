"""Instruction styles: each is a small table of sentence templates (see ``un.py``).

Fields: ``{A}`` a unit's full address, ``{P}`` its part (article, preamble, testimonium),
``{R}`` its address inside the part, ``{S}``/``{SA}`` the unit an insertion goes
after or before (its own label / its full address), ``{K}`` the kind of unit inserted, ``{Ks}`` a kind in
the singular or plural, ``{L1}``/``{L2}`` label lists, ``{verb}`` is/are, ``{T}`` a heading,
``{action}`` a word change ("the word “may” is replaced by “shall”"). The same templates
are used to parse instructions back, so a style renders only what it can read.
"""

from __future__ import annotations

from . import eu, un

STYLES = {"un": un, "eu": eu}
