"""Peer for ``treatydraft redline``: the ``redlines`` package on the same two texts.

usage: redlines_peer.py SOURCE.txt CLAUSE.txt [--out FILE.md] [--changes FILE.json]
"""

import json
import sys

from redlines import Redlines

args = sys.argv[1:]
source, clause = open(args[0], encoding="utf-8").read(), open(args[1], encoding="utf-8").read()
diff = Redlines(source, clause)
markdown = diff.output_markdown
if "--out" in args:
    with open(args[args.index("--out") + 1], "w", encoding="utf-8") as f:
        f.write(markdown)
if "--changes" in args:
    deleted, inserted = [], []
    for c in diff.changes:
        if c.source_text and c.operation in ("delete", "replace"):
            deleted.append(c.source_text)
        if c.test_text and c.operation in ("insert", "replace"):
            inserted.append(c.test_text)
    with open(args[args.index("--changes") + 1], "w", encoding="utf-8") as f:
        json.dump({"deleted": deleted, "inserted": inserted}, f)
