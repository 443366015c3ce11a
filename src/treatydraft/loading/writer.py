"""Writing clause files: ``pin`` edits in place, ``new`` emits a fresh file.

``pin`` changes only the ``pin:`` scalars: it edits the bytes at the positions the
loader recorded (a new ``pin:`` line goes right after the ``at:`` line, at the
same indentation), so comments, quotes, indentation, key order and line folds
stay exactly as they were. ``new`` dumps with ruamel.yaml's round-trip emitter
at unlimited width so text is never refolded. Either way the written bytes are
loaded back and compared with the intended data before the file is replaced.
"""

from __future__ import annotations

import io
import re
import sys
from dataclasses import replace

from ..diagnostics import Diagnostic
from ..errors import InputError, InternalError
from ..model import Clause, Paragraph, Provenance
from . import yamlsafe
from .clauses import load_clause

_PLAIN_END = re.compile(r"[^,}\]#\n\r]*")


def clause_data(clause: Clause):
    """A position-free view of a clause, for comparing what was written with what was meant."""

    def prov(p: Provenance | None):
        if p is None:
            return None
        return (p.relation, p.source, p.at, p.substitutions, p.budget, p.pin, p.note)

    def item(p: Paragraph):
        return (p.text, prov(p.provenance), tuple(item(x) for x in p.points))

    return (
        clause.id,
        clause.title,
        clause.kind,
        clause.notes,
        tuple(item(p) for p in clause.paragraphs),
    )


def _scalar_end(line: str, col0: int) -> int:
    """Index just past the scalar starting at ``col0`` on ``line`` (quoted or plain)."""
    q = line[col0 : col0 + 1]
    if q == '"':
        i = col0 + 1
        while i < len(line):
            if line[i] == "\\":
                i += 2
                continue
            if line[i] == '"':
                return i + 1
            i += 1
        return len(line)
    if q == "'":
        i = col0 + 1
        while i < len(line):
            if line[i] == "'":
                if line[i + 1 : i + 2] == "'":
                    i += 2
                    continue
                return i + 1
            i += 1
        return len(line)
    m = _PLAIN_END.match(line, col0)
    assert m is not None  # the pattern matches the empty string
    end = m.end()
    while end > col0 and line[end - 1] in " \t":
        end -= 1
    return end


def set_pins(data: bytes, clause: Clause, pins: dict[tuple, str]) -> bytes:
    """Return ``data`` with the ``pin:`` of each item (by key path) set to its new hash.

    Raises :class:`InternalError` if the result does not load back to the same clause
    with exactly the new pins.
    """
    text = data.decode("utf-8-sig")
    bom = data.startswith(b"\xef\xbb\xbf")
    lines = text.split("\n")
    # (line index, col, end, replacement) or (line index, None, None, new line)
    edits: list[tuple[int, int | None, int | None, str]] = []
    for item in clause.walk():
        new_pin = pins.get(item.key_path)
        prov = item.provenance
        if new_pin is None or prov is None or prov.pin == new_pin:
            continue
        if prov.pin_pos is not None:
            li, c0 = prov.pin_pos.line - 1, prov.pin_pos.col - 1
            line = lines[li]
            end = _scalar_end(line, c0)
            quote = line[c0] if line[c0] in "'\"" else ""
            raw = line[c0:end].strip().strip(quote) if prov.pin else ""
            if raw and raw != prov.pin and prov.pin.startswith(raw):  # continues below
                raise InputError(
                    [
                        Diagnostic(
                            clause.path,
                            prov.pin_pos.line,
                            prov.pin_pos.col,
                            "error",
                            "schema",
                            "this pin: is written over several lines; write it on one line "
                            "(or delete it) and run 'treatydraft pin' again; the file was not touched",
                        )
                    ]
                )
            edits.append((li, c0, end, f"{quote}{new_pin}{quote}"))
            continue
        at = prov.at_pos
        li, c0 = at.line - 1, at.col - 1
        line = lines[li]
        end = _scalar_end(line, c0)
        # a flow mapping ({source: …, at: …}, on one line or several): add ", pin: …" after 'at'
        opening = lines[prov.pos.line - 1][prov.pos.col - 1 : prov.pos.col]
        if opening == "{":
            edits.append((li, end, end, f', pin: "{new_pin}"'))
        else:
            indent = " " * (prov.pos.col - 1)
            edits.append((li, None, None, f"{indent}pin: {new_pin}"))
    for li, start, stop, rep in sorted(
        edits, key=lambda e: (e[0], e[1] if e[1] is not None else 10**9), reverse=True
    ):
        if start is None:
            cr = "\r" if lines[li].endswith("\r") else ""
            lines.insert(li + 1, rep + cr)
        else:
            lines[li] = lines[li][:start] + rep + lines[li][stop:]
    out = "\n".join(lines)
    result = (b"\xef\xbb\xbf" if bom else b"") + out.encode("utf-8")
    _verify_pins(result, clause, pins)
    return result


def _verify_pins(result: bytes, clause: Clause, pins: dict[tuple, str]) -> None:
    try:
        reread = load_clause(result, clause.path, clause.id)
    except InputError as exc:
        raise InternalError(
            f"{clause.path}:1:1: error[internal]: writing pins would break the file ({exc.diagnostics[0].message}); the file was not touched"
        ) from None

    def expected(p: Paragraph) -> Paragraph:
        prov = p.provenance
        if prov is not None and p.key_path in pins:
            prov = replace(prov, pin=pins[p.key_path])
        return replace(p, provenance=prov, points=tuple(expected(x) for x in p.points))

    want = replace(clause, paragraphs=tuple(expected(p) for p in clause.paragraphs))
    if clause_data(reread) != clause_data(want):
        raise InternalError(
            f"{clause.path}:1:1: error[internal]: writing pins would change more than the pins; the file was not touched"
        )


def dump_clause(data: dict, path: str, clause_id: str) -> bytes:
    """A new clause file from plain data (dicts, lists, strings), verified by loading it back."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = sys.maxsize
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    buf = io.StringIO()
    yaml.dump(_quote_unsafe(data), buf)
    out = buf.getvalue().encode("utf-8")
    clause = load_clause(out, path, clause_id)
    if _plain(clause) != _normalise(data):
        raise InternalError(
            f"{path}:1:1: error[internal]: the new clause file does not load back to what was meant; nothing written"
        )
    return out


def _quote_unsafe(data):
    """Strings with characters the reader refuses raw (controls, U+2028…) go double-quoted,
    where the emitter writes them as escapes."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(data, dict):
        return {k: _quote_unsafe(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_quote_unsafe(v) for v in data]
    if isinstance(data, str) and (yamlsafe.BAD_CONTROL.search(data) or "\t" in data):
        return DoubleQuotedScalarString(data)
    return data


def _plain(clause: Clause) -> dict:
    def prov(p):
        d = {
            "source": p.source,
            "at": p.at,
            "relation": p.relation,
            "substitutions": list(p.substitutions) or None,
            "budget": p.budget,
            "pin": p.pin,
            "note": p.note,
        }
        return {k: v for k, v in d.items() if v is not None}

    def item(p):
        d = {"text": p.text}
        if p.provenance:
            d["provenance"] = prov(p.provenance)
        if p.points:
            d["points"] = [item(x) for x in p.points]
        return d

    d = {
        "id": clause.id,
        "title": clause.title,
        "paragraphs": [item(p) for p in clause.paragraphs],
        "notes": clause.notes,
    }
    if clause.kind != "article":
        d["kind"] = clause.kind
    return {k: v for k, v in d.items() if v is not None}


def _normalise(data):
    if isinstance(data, dict):
        return {k: _normalise(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_normalise(v) for v in data]
    return data


def set_agreed(data: bytes, clause: Clause, locks: dict[tuple, str | None]) -> bytes:
    """Return ``data`` with the ``agreed:`` lock of each item (by key path) set to its hash,
    or removed (``None``, for a reopened paragraph). A new ``agreed:`` line goes right after
    the item's ``status:`` line, at the same indentation; nothing else changes.

    Raises :class:`InternalError` if the result does not load back to the same clause with
    exactly the new locks.
    """
    text = data.decode("utf-8-sig")
    bom = data.startswith(b"\xef\xbb\xbf")
    lines = text.split("\n")
    edits: list[tuple] = []  # (line index, col, end, replacement | None to delete, insert?)
    for item in clause.walk():
        if item.key_path not in locks:
            continue
        lock = locks[item.key_path]
        neg = item.negotiation
        if neg is None or neg.agreed == lock:
            continue
        flow = neg.pos is not None and lines[neg.pos.line - 1][neg.pos.col - 1 : neg.pos.col] == "{"
        if neg.agreed_pos is not None:
            li, c0 = neg.agreed_pos.line - 1, neg.agreed_pos.col - 1
            line = lines[li]
            end = _scalar_end(line, c0)
            if lock is not None:
                quote = line[c0] if line[c0] in "'\"" else ""
                edits.append((li, c0, end, f"{quote}{lock}{quote}", False))
            elif flow:
                raise InternalError(
                    f"{clause.path}:{li + 1}:1: error[internal]: cannot remove 'agreed' from a flow mapping; remove it by hand"
                )
            else:
                edits.append((li, None, None, None, False))
            continue
        if lock is None or neg.status_pos is None:
            continue
        li, c0 = neg.status_pos.line - 1, neg.status_pos.col - 1
        if flow:
            end = _scalar_end(lines[li], c0)
            edits.append((li, end, end, f', agreed: "{lock}"', False))
        else:
            indent = " " * (neg.pos.col - 1 if neg.pos else 0)
            edits.append((li, None, None, f"{indent}agreed: {lock}", True))
    for li, c0, end, rep, insert in sorted(
        edits, key=lambda e: (e[0], e[1] if e[1] is not None else 10**9), reverse=True
    ):
        if insert:
            cr = "\r" if lines[li].endswith("\r") else ""
            lines.insert(li + 1, rep + cr)
        elif rep is None:
            del lines[li]
        else:
            lines[li] = lines[li][:c0] + rep + lines[li][end:]
    result = (b"\xef\xbb\xbf" if bom else b"") + "\n".join(lines).encode("utf-8")
    try:
        reread = load_clause(result, clause.path, clause.id)
    except InputError as exc:
        raise InternalError(
            f"{clause.path}:1:1: error[internal]: writing agreed locks would break the file ({exc.diagnostics[0].message}); the file was not touched"
        ) from None

    def expected(p: Paragraph) -> Paragraph:
        neg = p.negotiation
        if neg is not None and p.key_path in locks:
            neg = replace(neg, agreed=locks[p.key_path])
        return replace(p, negotiation=neg, points=tuple(expected(x) for x in p.points))

    want = replace(clause, paragraphs=tuple(expected(p) for p in clause.paragraphs))
    if _with_negotiation(reread) != _with_negotiation(want):
        raise InternalError(
            f"{clause.path}:1:1: error[internal]: writing agreed locks would change more than the locks; the file was not touched"
        )
    return result


def _with_negotiation(clause: Clause):
    """:func:`clause_data` plus the position-free negotiation data of every item."""

    def neg(p: Paragraph):
        n = p.negotiation
        if n is None:
            return None
        groups = None
        if n.groups is not None:
            groups = tuple(
                tuple((o.text, o.proposer, o.supporters) for o in g.options) for g in n.groups
            )
        alts = tuple((a.label, a.text, a.proposer, a.supporters) for a in n.alternatives)
        return (n.status, groups, alts, n.reservations, n.agreed)

    return clause_data(clause), tuple(neg(p) for p in clause.walk())
