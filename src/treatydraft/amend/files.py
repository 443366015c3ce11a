"""Writing applied amendments back to the project: clause files and the outline.

Only the clause files whose text or structure changes are rewritten, with ruamel.yaml's
round-trip emitter (comments, key order and the quoting of untouched scalars kept;
``width`` unlimited so no text is refolded). A changed text keeps its
``{{ ref() }}`` cross-references where the change does not touch them. Inserted articles
become new clause files, added to the outline after the article they follow; deleted
articles leave the outline (their files stay). Everything is checked before it is
written: the files load back, and the project they make assembles to exactly the
amended draft.
"""

from __future__ import annotations

import hashlib
import io
import re
import sys
from dataclasses import replace
from pathlib import Path

from ..assemble import REF, _Numbers, _substitute
from ..errors import FileChangedOnDisk, InputError, InternalError, UsageError
from ..model import Clause, OutlineEntry, Project
from .doc import Doc, shape
from .instructions import Node, _freeze, _hunks, apply_nodes


def _yaml(text: str = ""):
    """A round-trip emitter; list indentation as the file has it (``paragraphs:`` then
    ``  - text:`` is the default)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = sys.maxsize
    yaml.preserve_quotes = True
    m = re.search(r"^(?:paragraphs|outline):[ \t]*\r?\n((?:[ \t]*#.*\r?\n)*)( *)- ", text, re.M)
    offset = len(m.group(2)) if m else 2
    yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
    yaml.allow_unicode = True
    return yaml


def _slug(title: str | None, taken: set[str], number: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", (title or "").lower()).strip("-")[:40].strip("-")
    base = base or f"article-{number}"
    cid, n = base, 2
    while cid in taken:
        cid, n = f"{base}-{n}", n + 1
    taken.add(cid)
    return cid


def raw_text(raw: str, target: str, numbers: _Numbers) -> str:
    """Clause text (with ``{{ ref() }}``) that assembles to ``target`` under ``numbers``,
    keeping every reference whose resolved words the change does not touch."""
    segments: list[tuple[str, str]] = []  # (raw, resolved)
    pos = 0
    for m in REF.finditer(raw):
        if m.start() > pos:
            segments.append((raw[pos : m.start()], raw[pos : m.start()]))
        segments.append((m.group(0), _substitute(m.group(0), numbers)))
        pos = m.end()
    if pos < len(raw):
        segments.append((raw[pos:], raw[pos:]))
    resolved = "".join(r for _, r in segments)
    if resolved == target:
        return raw
    refs = [(k, r) for k, (w, r) in enumerate(segments) if w != r]
    if not refs:
        return target
    # offsets of each segment in the resolved text
    starts, at = [], 0
    for _, r in segments:
        starts.append(at)
        at += len(r)
    out = [list(seg) for seg in segments]
    # edit literal segments from the right, so earlier offsets stay valid
    for offset, old, new in reversed(_hunks(resolved, target)):
        end = offset + len(old)
        for k, (w, r) in enumerate(segments):
            s0, s1 = starts[k], starts[k] + len(r)
            if w == r and s0 <= offset and end <= s1:
                lit = out[k][0]
                out[k][0] = lit[: offset - s0] + new + lit[end - s0 :]
                break
        else:
            return target  # the change touches a reference: the words as they read
    result = "".join(w for w, _ in out)
    return result if _substitute(result, numbers) == target else target


def plan_writes(
    project: Project, old: Doc, instructions, new: Doc
) -> list[tuple[str, bytes, bytes | None]]:
    """The files to write: (path relative to the project, new bytes, the bytes it holds now
    or ``None`` for a new file), all verified."""
    from ..loading.clauses import load_clause

    parts = apply_nodes(old, instructions)
    root = Path(project.root)
    by_kind: dict[str, list[Clause]] = {"preamble": [], "testimonium": []}
    order: list[str] = []
    for e in project.outline:
        c = project.clauses.get(e.clause_id)
        if c is None or e.clause_id in order:
            continue
        order.append(e.clause_id)
        if c.kind in by_kind:
            by_kind[c.kind].append(c)
    # which clause item each unit of the earlier draft came from
    source_of: dict[tuple, tuple[Clause, int]] = {}
    for k, part in enumerate(old):
        if part.kind == "article":
            clause = project.clauses[part.key]
            for i in range(len(part.items)):
                source_of[(k, i)] = (clause, i)
        else:
            flat = [(c, i) for c in by_kind[part.kind] for i in range(len(c.paragraphs))]
            for i in range(len(part.items)):
                source_of[(k, i)] = flat[i]

    # the paragraphs each clause will hold: (node) lists
    holds: dict[str, list[Node]] = {}
    new_articles: list[tuple[Node, str]] = []  # inserted articles and their new ids
    taken = set(project.clauses)
    if (root / "clauses").is_dir():
        taken |= {p.stem for p in (root / "clauses").glob("*.yaml")}
    article_ids: list[str] = []
    titles: dict[str, str | None] = {}
    # an article deleted and inserted elsewhere unchanged keeps its clause file: it moves
    gone = {
        (old[n.origin[0]].title, old[n.origin[0]].items): n.key
        for n in parts
        if n.kind == "article" and n.deleted and n.origin is not None
    }
    moved: set[str] = set()
    for node in parts:
        if node.deleted:
            continue
        if node.kind == "article":
            same = gone.pop((node.title, _freeze(node.items)), None)
            if node.origin is None and same is not None:
                node.key = same
                moved.add(same)
            elif node.origin is None or not node.key:
                cid = _slug(node.title, taken, str(len(article_ids) + 1))
                node.key = cid
                new_articles.append((node, cid))
            article_ids.append(node.key)
            holds[node.key] = [n for n in node.items if not n.deleted]
            titles[node.key] = node.title
            continue
        clauses = by_kind[node.kind]
        live = [n for n in node.items if not n.deleted]
        if not clauses:
            if live:
                raise UsageError(
                    f"the amendments add to the {node.kind}, but the outline has no {node.kind} clause to hold it"
                )
            continue
        for c in clauses:
            holds.setdefault(c.id, [])
        owner = clauses[0].id
        for n in live:
            if n.origin is not None:
                owner = source_of[n.origin[:2]][0].id
            holds[owner].append(n)

    # the new outline
    old_article_ids = [c for c in order if project.clauses[c].kind == "article"]
    deleted = [c for c in old_article_ids if c not in article_ids]
    outline = [
        e for e in project.outline if e.clause_id not in deleted and e.clause_id not in moved
    ]
    for cid in article_ids:
        if any(e.clause_id == cid for e in outline):
            continue
        k = article_ids.index(cid)
        if k > 0:
            prev = article_ids[k - 1]
            at = max(i for i, e in enumerate(outline) if e.clause_id == prev) + 1
            chapter = outline[at - 1].chapter
        else:
            nxt = next((c for c in article_ids if any(e.clause_id == c for e in outline)), None)
            at = (
                min(i for i, e in enumerate(outline) if e.clause_id == nxt)
                if nxt
                else len(
                    [
                        e
                        for e in outline
                        if project.clauses.get(e.clause_id)
                        and project.clauses[e.clause_id].kind == "preamble"
                    ]
                )
            )
            chapter = outline[at].chapter if at < len(outline) else None
        outline.insert(at, OutlineEntry(cid, chapter, outline[0].pos if outline else None))  # type: ignore[arg-type]

    counts = {cid: (c.kind, len(c.paragraphs)) for cid, c in project.clauses.items()}
    for cid, nodes in holds.items():
        kind = project.clauses[cid].kind if cid in project.clauses else "article"
        counts[cid] = (kind, len(nodes))
    numbers = _Numbers.from_counts(outline, counts)

    writes: list[tuple[str, bytes, bytes | None]] = []
    new_clauses: dict[str, Clause] = {}

    def origin_item(n: Node):
        """The earlier clause item of a node: (clause, key path) or None."""
        if n.origin is None:
            return None
        clause, i = source_of[n.origin[:2]]
        path: tuple = ("paragraphs", i)
        for j in n.origin[2:]:
            path += ("points", j)
        return clause, path

    def old_raw(clause: Clause, path: tuple) -> str:
        items = clause.paragraphs
        item = None
        for k in range(1, len(path), 2):
            item = items[path[k]]
            items = item.points
        assert item is not None
        return item.text

    for cid, nodes in holds.items():
        clause = project.clauses.get(cid)
        if clause is None or cid in moved:
            continue
        title = titles.get(cid, clause.title)
        if title == clause.title and _unchanged(
            cid, nodes, list(clause.paragraphs), origin_item, numbers
        ):
            continue
        before = (root / clause.path).read_bytes()
        if clause.digest and hashlib.sha256(before).hexdigest() != clause.digest.split(":")[-1]:
            raise FileChangedOnDisk(clause.path)
        out, reread = _rewrite(before, clause, title, nodes, origin_item, old_raw, numbers)
        new_clauses[cid] = reread
        writes.append((clause.path, out, before))

    from ..loading.writer import dump_clause

    for art, cid in new_articles:

        def plain(n: Node) -> dict:
            d: dict = {"text": n.text, "provenance": {"relation": "new"}}
            kids = [x for x in n.items if not x.deleted]
            if kids:
                d["points"] = [plain(x) for x in kids]
            return d

        data = {
            "id": cid,
            "title": art.title,
            "paragraphs": [plain(n) for n in art.items if not n.deleted],
        }
        rel = f"clauses/{cid}.yaml"
        out = dump_clause({k: v for k, v in data.items() if v is not None}, rel, cid)
        new_clauses[cid] = load_clause(out, rel, cid)
        writes.append((rel, out, None))

    if [e.clause_id for e in outline] != [e.clause_id for e in project.outline]:
        cfg_before = (root / project.config_path).read_bytes()
        writes.append((project.config_path, _outline_bytes(project, outline, moved), cfg_before))

    # the whole check: the project these files make assembles to the amended draft
    from .run import draft_doc

    result = replace(project, clauses={**project.clauses, **new_clauses}, outline=tuple(outline))
    if shape(draft_doc(result)) != shape(new):
        raise InternalError(
            "amend:1:1: error[internal]: the clause files would not assemble to the amended draft; nothing written"
        )
    return writes


def _unchanged(cid: str, nodes, paragraphs, origin_item, numbers) -> bool:
    """Whether a clause's items are exactly its earlier ones, texts included."""
    if len(nodes) != len(paragraphs):
        return False
    for n, p in zip(nodes, paragraphs):
        oi = origin_item(n)
        if oi is None or oi[0].id != cid or oi[1] != p.key_path:
            return False
        if _substitute(p.text, numbers) != n.text:
            return False
        kids = [x for x in n.items if not x.deleted]
        if not _unchanged(cid, kids, list(p.points), origin_item, numbers):
            return False
    return True


def _rewrite(data_bytes: bytes, clause: Clause, title, nodes, origin_item, old_raw, numbers):
    """(bytes, reloaded clause) of a clause file holding ``nodes``; round-trip emitted."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, ScalarString

    from ..loading.clauses import load_clause

    cid, rel = clause.id, clause.path
    yaml = _yaml(data_bytes.decode("utf-8-sig"))
    originals: dict[tuple, CommentedMap] = {}

    def collect(seq, path):
        for i, m in enumerate(seq or []):
            originals[(*path, i)] = m
            if isinstance(m, dict) and m.get("points"):
                collect(m["points"], (*path, i, "points"))

    def item_map(n: Node, quote_all: bool) -> CommentedMap:
        oi = origin_item(n)
        m: CommentedMap
        raw = n.text
        if oi is not None:
            oclause, opath = oi
            raw = raw_text(old_raw(oclause, opath), n.text, numbers)
            if oclause.id == cid:
                m = originals[opath]
            else:  # an item that came from another clause of the same part
                m = CommentedMap()
                m["text"] = raw
            old_value = m.get("text")
            if old_value != raw or quote_all:
                style = type(old_value) if isinstance(old_value, ScalarString) else None
                value = raw
                if quote_all:
                    value = DoubleQuotedScalarString(raw)
                elif style is not None and "\n" not in raw:
                    value = style(raw)
                    old_folds = getattr(old_value, "fold_pos", None)
                    if old_folds:
                        value.fold_pos = _folds(raw, _fold_width(str(old_value), old_folds))
                m["text"] = value
        else:
            m = CommentedMap()
            m["text"] = DoubleQuotedScalarString(raw) if quote_all else raw
            m["provenance"] = CommentedMap([("relation", "new")])
        kids = [x for x in n.items if not x.deleted]
        if kids:
            seq = m.get("points")
            if not isinstance(seq, CommentedSeq):
                seq = CommentedSeq()
            new_items = [item_map(x, quote_all) for x in kids]
            del seq[:]
            seq.extend(new_items)
            m["points"] = seq
        elif "points" in m:
            del m["points"]
        return m

    expected = [n.text for n in _flat_nodes(nodes)]  # type: ignore[attr-defined]
    for quote_all in (False, True):
        doc = yaml.load(data_bytes.decode("utf-8-sig"))
        originals.clear()
        collect(doc.get("paragraphs"), ("paragraphs",))
        if title != clause.title:
            if title is None:
                del doc["title"]
            else:
                was = doc.get("title")
                kind = type(was) if isinstance(was, ScalarString) else None
                doc["title"] = (
                    DoubleQuotedScalarString(title)
                    if quote_all
                    else (kind(title) if kind is not None and "\n" not in title else title)
                )
        seq = doc["paragraphs"]
        new_items = [item_map(n, quote_all) for n in nodes]
        del seq[:]
        seq.extend(new_items)
        buf = io.StringIO()
        yaml.dump(doc, buf)
        out = buf.getvalue().encode("utf-8")
        if data_bytes.startswith(b"\xef\xbb\xbf"):
            out = b"\xef\xbb\xbf" + out
        try:
            reread = load_clause(out, rel, cid)
        except InputError:
            continue
        if (
            reread.title == title
            and [_substitute(t, numbers) for t in _flat(reread.paragraphs)] == expected
        ):
            return out, reread
    raise InternalError(
        f"{rel}:1:1: error[internal]: the amended clause does not load back to the amended text; nothing written"
    )


def _fold_width(text: str, folds: list[int]) -> int:
    """The longest line of a folded scalar as it was written."""
    edges = [-1, *folds, len(text)]
    return max(b - a - 1 for a, b in zip(edges, edges[1:]))


def _folds(text: str, width: int) -> list[int]:
    """Where to fold ``text`` (single spaces between words) so lines stay within ``width``."""
    out: list[int] = []
    start, last = 0, None
    for i, ch in enumerate(text):
        if ch == " " and 0 < i < len(text) - 1 and text[i - 1] != " " and text[i + 1] != " ":
            if i - start > width and last is not None:
                out.append(last)
                start = last + 1
            last = i
    if len(text) - start > width and last is not None and last > start:
        out.append(last)
    return out


def _flat(items) -> list[str]:
    out = []
    for p in items:
        out.append(p.text)
        out.extend(_flat(p.points))
    return out


def _flat_nodes(nodes) -> list[str]:
    out: list = []
    for n in nodes:
        if n.deleted:
            continue
        out.append(n)
        out.extend(_flat_nodes(n.items))
    return out


def _outline_bytes(project: Project, outline: list[OutlineEntry], moved: set[str]) -> bytes:
    """``treatydraft.yml`` with the outline's clause lists edited to ``outline`` (chapters and
    everything else kept), verified by reading the outline back."""
    from ruamel.yaml.comments import CommentedSeq

    from ..diagnostics import Diagnostic
    from ..loading import yamlsafe
    from ..loading.project import CONFIG_KEYS, _outline
    from ..loading.schema import Reader

    path = Path(project.root) / project.config_path
    data = path.read_bytes()
    yaml = _yaml(data.decode("utf-8-sig"))
    doc = yaml.load(data.decode("utf-8-sig"))
    seq = doc["outline"]
    want = [e.clause_id for e in outline]
    # rebuild each list in place: keep ids that stay, drop deleted, add inserted after the
    # id they follow in ``want``
    lists = [seq] + [item["clauses"] for item in seq if isinstance(item, dict)]
    for lst in lists:
        for x in list(lst):
            if isinstance(x, str) and (x not in want or x in moved):
                lst.remove(x)
    present = {x for lst in lists for x in lst if isinstance(x, str)}
    for k, cid in enumerate(want):
        if cid in present:
            continue
        placed = False
        for prev in reversed(want[:k]):
            for lst in lists:
                if prev in lst:
                    lst.insert(lst.index(prev) + 1, cid)
                    placed = True
                    break
            if placed:
                break
        if not placed:
            nxt = next((c for c in want[k + 1 :] if c in present), None)
            for lst in lists:
                if nxt in lst:
                    lst.insert(lst.index(nxt), cid)
                    placed = True
                    break
        if not placed:
            seq.append(cid)
        present.add(cid)
    for item in list(seq):
        if (
            isinstance(item, dict)
            and isinstance(item.get("clauses"), CommentedSeq)
            and not item["clauses"]
        ):
            seq.remove(item)
    buf = io.StringIO()
    yaml.dump(doc, buf)
    out = buf.getvalue().encode("utf-8")
    diags: list[Diagnostic] = []
    tree = yamlsafe.load_bytes(out, project.config_path)
    r = Reader(project.config_path, diags)
    m = r.mapping(tree, CONFIG_KEYS, ("title", "outline"), "treatydraft.yml")
    got = [e.clause_id for e in _outline(r, m.items["outline"])] if m else []
    if diags or got != want:
        raise InternalError(
            f"{project.config_path}:1:1: error[internal]: the outline would not read back as amended; nothing written"
        )
    return out
