"""Moved to :mod:`treatydraft.correlation` (the correlation table model; the formatters are
in :mod:`treatydraft.tables`). This name stays for code written before the move: importing
it gives that module itself."""

import sys

from . import correlation as _correlation

sys.modules[__name__] = _correlation
