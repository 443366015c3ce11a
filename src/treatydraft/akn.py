"""Moved to :mod:`treatydraft.render.akn`, next to the other draft renderers.

This name stays for code written before the move: importing it gives that module itself.
"""

import sys

from .render import akn as _akn

sys.modules[__name__] = _akn
