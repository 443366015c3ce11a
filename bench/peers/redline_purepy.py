"""``treatydraft redline`` on a pure-Python diff engine: what a platform without the
``fast-diff-match-patch`` wheel runs.

usage: redline_purepy.py ARGS…   (the arguments of ``treatydraft``, e.g. ``redline -C DIR``)

The C engine is made unimportable. When treatydraft has its own import fallback (issue 17),
that fallback is what runs; until then, the candidate pure-Python package
``diff-match-patch`` (PyPI) stands in behind the same call. The engine used is printed on
stderr as ``engine: …`` for the harness to report.
"""

import sys

sys.modules["fast_diff_match_patch"] = None  # import fails, as where no wheel exists

from treatydraft import diffing  # noqa: E402

try:
    diffing.diff("a b c", "a x c")
    engine = "treatydraft's own fallback"
except ImportError:
    import types

    import diff_match_patch as _dmp

    _KIND = {0: "=", -1: "-", 1: "+"}

    def _diff(a, b, timelimit=0, checklines=False, cleanup="Semantic", counts_only=True):
        d = _dmp.diff_match_patch()
        d.Diff_Timeout = timelimit or 0
        diffs = d.diff_main(a, b, checklines)
        if cleanup == "Semantic":
            d.diff_cleanupSemantic(diffs)
        return [(_KIND[op], len(text)) for op, text in diffs]

    shim = types.ModuleType("fast_diff_match_patch")
    shim.diff = _diff
    sys.modules["fast_diff_match_patch"] = shim
    engine = f"diff-match-patch {getattr(_dmp, '__version__', '?')} (PyPI, pure Python) behind the same call"

print(f"engine: {engine}", file=sys.stderr)
from treatydraft.cli import main  # noqa: E402

sys.argv = ["treatydraft", *sys.argv[1:]]
main()
